"""Setting up many cohorts at once (issue 13, item 4): the service, all or nothing, row by
row, through the one-cohort services."""

import datetime as dt

import pytest

from accounts.models import Role
from accounts.scoping import NATIONAL, scope_for
from cohorts.models import Cohort, CohortStatus
from cohorts.services.setup import CohortSetUp, SetUpError, cohorts_set_up
from outbox.models import OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import LocalAuthorityFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)  # the clock is at 5 January 2026
SIX_WEEKS = dt.timedelta(weeks=6)
SATURDAY = dt.date(2026, 3, 7)
GOOD_FRIDAY = dt.date(2026, 4, 3)


def set_up(cohort, row=1, *, day_1=MONDAY, day_2=None, **kwargs):
    values = {
        "start_time": dt.time(9, 30),
        "end_time": dt.time(16),
        "venue_name": "Town Hall",
        "venue_address": "Judd Street, London WC1H 9JE",
        "facilitators": [],
        **kwargs,
    }
    return CohortSetUp(
        row=row, cohort=cohort, day_1=day_1, day_2=day_2 or day_1 + SIX_WEEKS, **values
    )


@pytest.fixture
def area():
    return LocalAuthorityFactory(name="Camden")


@pytest.fixture
def four(area):
    phase = PhaseFactory()
    return [CohortFactory(phase=phase, local_authority=area, name=f"Camden {n}") for n in range(4)]


def test_four_cohorts_are_set_up_and_opened_in_one_call(clock, four):
    facilitator = user_with_role(Role.FACILITATOR, username="fran")
    rows = [
        set_up(c, n, day_1=MONDAY + dt.timedelta(days=n), facilitators=[facilitator], open=True)
        for n, c in enumerate(four, start=1)
    ]

    result = cohorts_set_up(set_ups=rows, scope=NATIONAL)

    assert (result.saved, len(result.opened)) == (4, 4)
    for n, cohort in enumerate(four, start=1):
        cohort.refresh_from_db()
        assert cohort.status == CohortStatus.OPEN
        assert cohort.venue_name == "Town Hall"
        assert list(cohort.facilitators.all()) == [facilitator]
        dates = list(cohort.workshops.order_by("day").values_list("date", flat=True))
        assert dates == [
            MONDAY + dt.timedelta(days=n),
            MONDAY + dt.timedelta(days=n) + SIX_WEEKS,
        ]


def test_every_wrong_row_is_reported_and_nothing_is_saved(clock, four):
    not_a_facilitator = user_with_role(Role.VIEWER, username="vic")
    rows = [
        set_up(four[0], 1, open=True),
        set_up(four[1], 2, day_1=SATURDAY),  # a weekend with no reason
        set_up(four[2], 3, day_2=MONDAY - dt.timedelta(days=1)),  # workshop 2 first
        set_up(four[3], 4, facilitators=[not_a_facilitator]),
    ]

    with pytest.raises(SetUpError) as refused:
        cohorts_set_up(set_ups=rows, scope=NATIONAL)

    assert sorted(refused.value.errors) == [2, 3, 4]
    assert "Saturday" in refused.value.errors[2][0]
    assert "must be after workshop 1" in refused.value.errors[3][0]
    assert "vic is not a facilitator" in refused.value.errors[4][0]
    assert not Workshop.objects.exists()  # row 1 was fine, and is rolled back too
    assert not Cohort.objects.exclude(status=CohortStatus.PLANNED).exists()
    assert not Cohort.objects.exclude(venue_name="Civic Centre").exists()


def test_a_weekend_or_bank_holiday_stands_with_a_reason_kept_in_history(clock, four):
    rows = [set_up(four[0], day_1=SATURDAY, day_2=GOOD_FRIDAY, reason="Only day the hall is free")]

    cohorts_set_up(set_ups=rows, scope=NATIONAL)

    for workshop in Workshop.objects.all():
        assert workshop.history.latest().history_change_reason == (
            "Date kept on purpose: Only day the hall is free"
        )


def test_a_cohort_outside_the_scope_or_twice_is_a_row_error(clock, four):
    elsewhere = CohortFactory(local_authority=LocalAuthorityFactory(name="Barnet"))
    coordinator = user_with_role(
        Role.REGIONAL_COORDINATOR, local_authorities=[four[0].local_authority]
    )
    rows = [set_up(four[0], 1), set_up(elsewhere, 2), set_up(four[0], 3)]

    with pytest.raises(SetUpError) as refused:
        cohorts_set_up(set_ups=rows, scope=scope_for(coordinator), actor=coordinator)

    assert refused.value.errors == {
        2: [f"Cohort {elsewhere.pk} is not one of the cohorts in your areas."],
        3: ["Camden 0 is set up twice (also in row 1)."],
    }
    assert not Workshop.objects.exists()


def test_a_dry_run_checks_everything_and_saves_nothing(clock, four):
    result = cohorts_set_up(set_ups=[set_up(four[0], open=True)], scope=NATIONAL, dry_run=True)

    assert (result.saved, result.opened) == (1, ["Camden 0"])
    assert not Workshop.objects.exists()
    assert Cohort.objects.get(pk=four[0].pk).status == CohortStatus.PLANNED


@pytest.mark.django_db(transaction=True)
def test_moving_an_open_cohorts_days_tells_its_schools_once(clock, area):
    cohort = make_open_cohort(local_authority=area, day_1=MONDAY)
    PlaceFactory(cohort=cohort, attendee_email="lead@school.example")
    row = set_up(cohort, day_1=MONDAY + dt.timedelta(days=1))

    cohorts_set_up(set_ups=[row], scope=NATIONAL)
    cohort.refresh_from_db()
    cohorts_set_up(set_ups=[set_up(cohort, day_1=MONDAY + dt.timedelta(days=1))], scope=NATIONAL)

    assert OutgoingEmail.objects.filter(recipient="lead@school.example").count() == 1


def test_a_running_cohort_cannot_be_set_up(clock, area):
    cohort = CohortFactory(local_authority=area, status=CohortStatus.RUNNING)

    with pytest.raises(SetUpError) as refused:
        cohorts_set_up(set_ups=[set_up(cohort)], scope=NATIONAL)

    assert "running" in refused.value.errors[1][0]


def test_an_address_shown_on_one_line_keeps_its_lines_when_saved_unchanged(clock, area):
    cohort = CohortFactory(local_authority=area, venue_name="Town Hall")
    Cohort.objects.filter(pk=cohort.pk).update(venue_address="Judd Street\nLondon WC1H 9JE")
    cohort.refresh_from_db()

    cohorts_set_up(
        set_ups=[set_up(cohort, venue_address="Judd Street London WC1H 9JE")], scope=NATIONAL
    )

    cohort.refresh_from_db()
    assert cohort.venue_address == "Judd Street\nLondon WC1H 9JE"
    assert cohort.history.count() == 1  # not changed, so not saved again
