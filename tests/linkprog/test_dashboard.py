"""The dashboard: figures computed in the database, constant queries at national scale."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from schools.models import Establishment, Region, Status
from tests.accounts.factories import user_with_role
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db


def bulk_establishments(count: int, las, areas, start_urn: int) -> None:
    """``count`` eligible schools spread over the LAs, every third in an MHST area."""
    Establishment.objects.bulk_create(
        [
            EstablishmentFactory.build(
                urn=start_urn + n,
                la=las[n % len(las)],
                mhst_area=areas[n % len(areas)] if n % 3 == 0 else None,
                contact_email="lead@school.example.org" if n % 2 else "",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


@pytest.fixture
def las():
    return [
        LocalAuthorityFactory(code=f"T{n:02d}", region=region)
        for n, region in enumerate(list(Region)[:6])
    ]


def test_dashboard_queries_stay_constant_from_60_to_22000_establishments(
    client, las, django_assert_max_num_queries
):
    areas = [MHSTAreaFactory() for _ in range(3)]
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    bulk_establishments(60, las, areas, start_urn=200000)
    # + the register changes waiting and the last import (2), the programme's start (1)
    with django_assert_max_num_queries(23) as small:
        client.get(reverse("home"))

    bulk_establishments(22_000 - 60, las, areas, start_urn=300000)
    EstablishmentFactory(la=las[0], status=Status.CLOSED)  # in the register, not eligible
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))

    summary = response.context["summary"]
    assert summary["eligible"] == 22_000
    assert summary["establishments"] == 22_001
    assert summary["eligible_in_mhst_areas"] == len(range(0, 60, 3)) + len(range(0, 22_000 - 60, 3))
    by_region = {row["label"]: row["eligible"] for row in response.context["by_region"]}
    assert sum(by_region.values()) == 22_000
    assert len(by_region) == 6
    assert response.context["target"] == 22_000


def test_a_regional_coordinator_sees_only_their_areas(client, las):
    areas = [MHSTAreaFactory()]
    bulk_establishments(30, las, areas, start_urn=200000)
    mine = las[0]
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, username="reg", local_authorities=[mine])
    )

    response = client.get(reverse("home"))

    assert response.context["summary"]["eligible"] == 5  # 30 spread over 6 LAs
    assert [row["label"] for row in response.context["by_la"]] == [str(mine)]
    assert "Dashboard for your areas" in response.content.decode()


def test_every_chart_has_a_table_with_its_figures(client, las):
    bulk_establishments(12, las, [MHSTAreaFactory()], start_urn=200000)
    client.force_login(user_with_role(Role.VIEWER))

    page = client.get(reverse("home")).content.decode()

    assert page.count("<canvas") == page.count('aria-hidden="true" height')
    assert 'id="chart-region"' in page
    assert (
        "Eligible, booked and completed establishments by region (the figures of the chart)" in page
    )


def test_programme_sessions_and_upcoming_workshops_are_counted(client, las):
    import datetime as dt

    from django.utils import timezone

    from cohorts.models import CohortStatus, PlaceStatus
    from tests.cohorts.factories import CohortFactory, InvitationFactory, PlaceFactory
    from tests.workshops.factories import WorkshopFactory

    camden = las[0]
    cohort = CohortFactory(local_authority=camden, status=CohortStatus.RUNNING)
    done = CohortFactory(local_authority=camden, status=CohortStatus.COMPLETED)
    CohortFactory(local_authority=camden, status=CohortStatus.CANCELLED)
    PlaceFactory(cohort=cohort, status=PlaceStatus.BOOKED)
    PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING, waiting_position=1)
    PlaceFactory(cohort=done, status=PlaceStatus.COMPLETED, completed_on=dt.date(2026, 3, 3))
    invited = EstablishmentFactory(la=camden)
    InvitationFactory(establishment=invited)
    today = timezone.localdate()
    WorkshopFactory(cohort=cohort, day=2, date=today + dt.timedelta(days=3))
    WorkshopFactory(cohort=done, day=2, date=today - dt.timedelta(days=30))
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    context = client.get(reverse("home")).context

    assert context["programme"] == {
        "invited": 4,
        "waiting": 1,
        "booked": 1,
        "completed": 1,
        "attended_one_day": 0,
        "did_not_attend": 0,
    }
    assert context["sessions"]["planned"] == 2
    assert context["sessions"]["delivered"] == 1
    assert context["sessions"]["running"] == 1
    assert [w.delivery.cohort for w in context["upcoming"]] == [cohort]
    region = next(r for r in context["by_region"] if r["eligible"])
    assert (region["booked"], region["completed"]) == (1, 1)


def test_a_facilitator_sees_their_cohorts_workshops_not_the_register(client, las):
    import datetime as dt

    from django.utils import timezone

    from tests.cohorts.factories import CohortFactory
    from tests.workshops.factories import WorkshopFactory

    facilitator = user_with_role(Role.FACILITATOR, username="fac")
    mine = CohortFactory(local_authority=las[0])
    mine.facilitators.add(facilitator)
    other = CohortFactory(local_authority=las[0])
    soon = timezone.localdate() + dt.timedelta(days=2)
    WorkshopFactory(cohort=mine, day=1, date=soon)
    WorkshopFactory(cohort=other, day=1, date=soon)
    bulk_establishments(6, las, [MHSTAreaFactory()], start_urn=200000)
    client.force_login(facilitator)

    response = client.get(reverse("home"))

    assert [w.delivery.cohort for w in response.context["upcoming"]] == [mine]
    assert "Dashboard for the cohorts you run" in response.content.decode()  # no areas
    page = response.content.decode()
    assert "Coverage" not in page
    assert "Workshops in the next 14 days" in page


def test_waves_in_progress_show_on_the_dashboard(client, las):
    from cohorts.models import Wave, WaveStatus
    from tests.cohorts.factories import PhaseFactory

    phase = PhaseFactory()
    phase.local_authorities.add(las[0])
    Wave.objects.create(name="Autumn invitations", phase=phase, status=WaveStatus.SENDING)
    Wave.objects.create(name="Old wave", phase=phase, status=WaveStatus.SENT)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.get(reverse("home"))

    assert [w.name for w in response.context["waves"]] == ["Autumn invitations"]
    assert "Invitation waves in progress" in response.content.decode()


def test_the_wave_admin_lists_and_pauses(admin_client):
    from cohorts.models import Wave, WaveStatus
    from tests.cohorts.factories import PhaseFactory

    wave = Wave.objects.create(name="W", phase=PhaseFactory(), status=WaveStatus.SENDING)
    url = reverse("admin:cohorts_wave_changelist")

    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"action": "pause_waves", "_selected_action": [wave.pk]})
    wave.refresh_from_db()
    assert wave.status == WaveStatus.PAUSED


def test_survey_response_rates_are_scoped_and_small_counts_suppressed(client, las):
    from evaluation.models import TimePoint
    from tests.cohorts.factories import CohortFactory, PlaceFactory
    from tests.evaluation.factories import ResponseFactory, SurveyInvitationFactory

    mine, other = CohortFactory(local_authority=las[0]), CohortFactory(local_authority=las[1])
    for cohort, responded, invited, time_point in (
        (mine, 6, 8, TimePoint.BASELINE),
        (mine, 3, 8, TimePoint.POST),
        (other, 10, 10, TimePoint.BASELINE),
    ):
        for n in range(invited):
            invitation = SurveyInvitationFactory(
                place=PlaceFactory(cohort=cohort), time_point=time_point
            )
            if n < responded:
                ResponseFactory(invitation=invitation)
    in_progress = SurveyInvitationFactory(place=PlaceFactory(cohort=mine))
    ResponseFactory(invitation=in_progress, submitted_at=None)
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, username="reg", local_authorities=[las[0]])
    )

    response = client.get(reverse("home"))

    baseline, post, follow_up = (row["cell"] for row in response.context["survey_rates"])
    assert (baseline.invited, baseline.responded.value, baseline.rate.value) == (9, 6, 67)
    assert post.invited == 8
    assert post.responded.hidden and post.rate.hidden
    # Nobody sent the follow-up yet: 0 responses and no rate, nothing to hide.
    assert follow_up.invited == 0 and follow_up.responded.value == 0
    assert follow_up.rate.value is None and not follow_up.rate.hidden
    page = response.content.decode()
    assert "Survey response rates" in page
    assert "fewer than 5" in page
    assert "Survey response rates will come with issue 5" not in page


# --- Issue 11, item 7: what a new user tripped over on the dashboard -----------------------


def _row(page: str, label: str) -> list[str]:
    """The figures of the table row headed ``label``."""
    import re

    match = re.search(
        rf'<th scope="row" class="fw-normal">{re.escape(label)}</th>((?:<td[^>]*>[^<]*</td>)+)',
        page,
    )
    assert match, label
    return re.findall(r"<td[^>]*>([^<]*)</td>", match.group(1))


@pytest.fixture
def progress(las):
    """In the first LA (and an MHST area): one school booked now, one completed, one not."""
    import datetime as dt

    from cohorts.models import CohortStatus, PlaceStatus
    from tests.cohorts.factories import CohortFactory, PlaceFactory

    area = MHSTAreaFactory(name="Camden MHST")
    running = CohortFactory(local_authority=las[0], status=CohortStatus.RUNNING)
    done = CohortFactory(local_authority=las[0], status=CohortStatus.COMPLETED)
    school = {"la": las[0], "mhst_area": area}
    PlaceFactory(cohort=running, establishment=EstablishmentFactory(**school))
    PlaceFactory(
        cohort=done,
        establishment=EstablishmentFactory(**school),
        status=PlaceStatus.COMPLETED,
        completed_on=dt.date(2026, 3, 3),
    )
    EstablishmentFactory(**school)
    return {"la": las[0], "area": area, "running": running, "done": done}


def test_mhst_area_and_la_rows_show_booked_and_completed(client, progress):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert _row(page, "Camden MHST") == ["3", "1", "1"]
    la = progress["la"]
    assert _row(page, f"{la.name} ({la.code})") == ["3", "1", "1"]


def test_the_region_chart_draws_eligible_booked_and_completed(client, progress):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    chart = client.get(reverse("home")).context["region_chart"]

    assert [series["label"] for series in chart["series"]] == [
        "Eligible",
        "Booked now",
        "Completed",
    ]
    assert [series["values"] for series in chart["series"]] == [[3], [1], [1]]


def test_shares_of_the_national_target_are_not_rounded_to_nothing(client, progress, settings):
    settings.LINK_TARGET_ESTABLISHMENTS = 22_000
    settings.LINK_TARGET_COHORTS = 1_000
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    page = client.get(reverse("home")).content.decode()

    assert "0% of" not in page
    assert "0.01% of the 22,000 the programme aims to reach" in page  # 3 eligible
    assert "under 0.01% of the 22,000 target" in page  # 2 invited
    assert "0.1% of about 1,000 planned nationally" in page  # 1 cohort delivered


def test_booked_says_it_means_booked_now_and_completed_apart(client, progress):
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[progress["la"]])
    )

    page = client.get(reverse("home")).content.decode()

    assert '<dt class="fw-normal">Booked now</dt>' in page
    assert "Holding a place on a cohort not yet completed" in page
    assert "Finished the programme (not counted as booked;" in page


def test_upcoming_workshops_leave_out_completed_cohorts_and_name_the_venue(client, progress):
    import datetime as dt

    from django.utils import timezone

    from cohorts.models import CohortFormat, CohortStatus
    from tests.cohorts.factories import CohortFactory
    from tests.workshops.factories import WorkshopFactory

    soon = timezone.localdate() + dt.timedelta(days=3)
    running, done = progress["running"], progress["done"]
    running.venue_name = "Kentish Town Library"
    running.save()
    online = CohortFactory(
        local_authority=progress["la"], status=CohortStatus.OPEN, format=CohortFormat.ONLINE
    )
    WorkshopFactory(cohort=running, day=2, date=soon)
    WorkshopFactory(cohort=done, day=2, date=soon)
    WorkshopFactory(cohort=online, day=1, date=soon)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.get(reverse("home"))

    assert {w.delivery.cohort for w in response.context["upcoming"]} == {running, online}
    page = response.content.decode()
    assert "<td>Kentish Town Library</td>" in page
    assert "<td>Online</td>" in page
    assert f"<td>{progress['la'].name}</td>" not in page


def test_invited_does_not_go_down_when_a_place_is_cancelled(client, progress):
    from cohorts.services.places import place_cancel

    place = progress["running"].places.get()
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    before = client.get(reverse("home")).context["programme"]

    place_cancel(place=place)

    after = client.get(reverse("home")).context["programme"]
    assert (before["invited"], before["booked"]) == (2, 1)
    assert (after["invited"], after["booked"]) == (2, 0)


def test_a_coordinators_dashboard_costs_the_same_with_many_cohorts_and_workshops(
    client, las, django_assert_max_num_queries
):
    import datetime as dt

    from django.utils import timezone

    from cohorts.models import CohortStatus
    from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
    from tests.workshops.factories import WorkshopFactory

    area = MHSTAreaFactory()
    area.local_authorities.add(las[0])
    bulk_establishments(60, las, [area], start_urn=200000)
    soon = timezone.localdate() + dt.timedelta(days=2)

    def cohorts(count: int) -> None:
        for _ in range(count):
            phase = PhaseFactory()
            phase.mhst_areas.add(area)
            cohort = CohortFactory(
                phase=phase, local_authority=las[0], mhst_area=area, status=CohortStatus.OPEN
            )
            WorkshopFactory(cohort=cohort, day=1, date=soon)
            PlaceFactory(cohort=cohort)

    cohorts(1)
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, username="reg", local_authorities=[las[0]])
    )
    # session, user, permissions (2), roles, assignment and its areas (3), 13 figures (the
    # phases' places apart from their cohorts), menu roles, the programme's start, the
    # establishments opened and closed since, and the survey rates' stale cells worked out
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("home"))

    cohorts(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("home"))

    assert len(response.context["upcoming"]) == 26
    assert len(response.context["phases"]) == 26


def test_a_school_that_completed_then_closed_still_counts_as_reached(client, las):
    from cohorts.models import PlaceStatus
    from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory

    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    phase = PhaseFactory(start_date=dt.date(2026, 1, 1))
    cohort = CohortFactory(phase=phase, local_authority=las[0])
    school = EstablishmentFactory(la=las[0])
    PlaceFactory(
        cohort=cohort,
        establishment=school,
        status=PlaceStatus.COMPLETED,
        completed_on=dt.date(2026, 3, 1),
    )
    before = client.get(reverse("home")).context["programme"]["completed"]

    # GIAS closes it (no successor): it is no longer eligible, and still reached.
    school.status = Status.CLOSED
    school.close_date = dt.date(2026, 8, 31)
    school.save()
    response = client.get(reverse("home"))

    assert before == response.context["programme"]["completed"] == 1
    assert response.context["summary"]["eligible"] == 0
    turnover = response.context["turnover"]
    assert (turnover["since"], turnover["closed"]) == (dt.date(2026, 1, 1), 1)
    assert "GIAS has recorded" in response.content.decode()
