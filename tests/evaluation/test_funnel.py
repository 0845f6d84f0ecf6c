"""The programme funnel (issue 16, item 3): eligible, invited, booked, attended both days,
responded at each time point and mean change per outcome, for all areas and per region, LA
and MHST area; suppressed as the reports are; scoped; CSV and XLSX; a fixed number of
queries."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from cohorts.models import CohortStatus, Place, PlaceStatus
from cohorts.services.sessions import attendance_mark
from evaluation.models import Outcome, TimePoint
from schools.models import Establishment, Region
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, InvitationFactory, PlaceFactory
from tests.conftest import NOW
from tests.evaluation.test_reports import answer, make_questionnaire
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _present(place, *workshops):
    """Mark ``place``'s attendee present, as a coordinator does (present on both days, the
    place moves to "completed")."""
    for workshop in workshops:
        attendance_mark(workshop=workshop, place=place, present=True)
        place.refresh_from_db()


def _area(la, *, booked, attended, responded, eligible_extra=0, invited_extra=0, area=None):
    """A cohort in ``la`` with ``booked`` places, ``attended`` of them present both days,
    ``responded`` of them answering at baseline and follow-up (comms 2 then 4)."""
    cohort = CohortFactory(local_authority=la, mhst_area=area, status=CohortStatus.RUNNING)
    day_1 = WorkshopFactory(cohort=cohort, day=1)
    day_2 = WorkshopFactory(cohort=cohort, day=2)
    questionnaire, questions = make_questionnaire()
    for n in range(booked):
        place = PlaceFactory(cohort=cohort, establishment__mhst_area=area)
        InvitationFactory(establishment=place.establishment)
        if n < attended:
            _present(place, day_1, day_2)
        elif n == attended:
            _present(place, day_1)  # one day only: not counted
        if n < responded:
            answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2)
            answer(place, TimePoint.FOLLOW_UP, questionnaire, questions, comms=4 - n % 2)
    for _ in range(invited_extra):
        InvitationFactory(establishment=EstablishmentFactory(la=la, mhst_area=area))
    Establishment.objects.bulk_create(
        EstablishmentFactory.build_batch(eligible_extra, la=la, mhst_area=area)
    )
    cancelled = PlaceFactory(
        cohort=cohort, status=PlaceStatus.CANCELLED, establishment__mhst_area=area
    )
    return cohort, cancelled


@pytest.fixture
def world():
    camden = LocalAuthorityFactory(name="Camden", code="T01", region=Region.LONDON)
    leeds = LocalAuthorityFactory(name="Leeds", code="T02", region=Region.YORKSHIRE)
    area = MHSTAreaFactory(name="Leeds North MHST")
    _area(camden, booked=8, attended=6, responded=6, eligible_extra=10, invited_extra=2)
    _area(leeds, booked=5, attended=3, responded=3, eligible_extra=4, area=area)
    return camden, leeds, area


def funnel_page(client):
    response = client.get(reverse("evaluation:funnel"))
    assert response.status_code == 200
    return response


def test_the_funnel_counts_each_stage_for_all_areas_and_by_area(client, world):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    funnel = funnel_page(client).context["funnel"]

    total = funnel["total"]
    # Camden: 8 booked + 2 invited + 10 more + 1 cancelled = 21 eligible; invited 8 + 2 + 1.
    # Leeds: 5 booked + 4 more + 1 cancelled = 10 eligible; invited 5 + 1.
    assert total.stages == [31, 17, 13, 9]
    # 6 + 3 school staff responded at baseline and follow-up: Leeds's 3 (of 3 sent) count as
    # 0 or 3 (never more than were sent).
    assert total.responded[0].value in (6, 9)
    assert total.responded[1].value == 0
    by = {b["key"]: {row.label: row for row in b["rows"]} for b in funnel["breakdowns"]}
    camden = by["local_authority"]["Camden"]
    assert camden.stages == [21, 11, 8, 6]
    assert [str(cell) for cell in camden.responded] == ["6", "0", "6"]
    leeds = by["local_authority"]["Leeds"]
    assert leeds.stages == [10, 6, 5, 3]
    assert str(leeds.responded[0]) == "fewer than 5"
    assert by["region"]["London"].stages == camden.stages
    assert by["mhst_area"]["Leeds North MHST"].stages == leeds.stages
    assert by["mhst_area"]["Not in an MHST area"].stages == camden.stages


def test_mean_change_per_outcome_is_shown_from_5_pairs_and_hidden_below(client, world):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = funnel_page(client)
    funnel = response.context["funnel"]

    [total_change] = funnel["total"].change
    assert total_change.key == Outcome.COMMUNICATION
    # Pooling (rule 3): Leeds's cell of 3 is in no answer-based figure, so 6 Camden pairs.
    assert total_change.pairs.value == 6
    assert total_change.mean_change.value == 1.5  # 2 -> 4 three times, 2 -> 3 three times
    assert total_change.ci_low.value < 1.5 < total_change.ci_high.value
    by = {b["key"]: {row.label: row for row in b["rows"]} for b in funnel["breakdowns"]}
    assert by["local_authority"]["Leeds"].change[0].mean_change.hidden
    chart = response.context["change_chart"]
    assert chart["series"][0]["intervals"] == [
        [total_change.ci_low.value, total_change.ci_high.value]
    ]
    page = response.content.decode()
    assert page.count("<canvas") == 2
    assert "(the figures of the chart" in page


def test_a_coordinator_sees_only_their_areas_and_the_exports_match_the_page(client, world):
    camden, leeds, _ = world
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[leeds]))

    funnel = funnel_page(client).context["funnel"]

    assert funnel["total"].stages == [10, 6, 5, 3]
    labels = {row.label for b in funnel["breakdowns"] for row in b["rows"]}
    assert "Camden" not in labels and "London" not in labels
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(reverse("evaluation:funnel-csv")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][:9] == [
        "Breakdown",
        "Area",
        "Eligible",
        "Invited",
        "Booked",
        "Attended both days",
        f"Responded: {TimePoint.BASELINE.label}",
        f"Responded: {TimePoint.POST.label}",
        f"Responded: {TimePoint.FOLLOW_UP.label}",
    ]
    assert rows[1][:9] == [
        "All",
        "All areas",
        "10",
        "6",
        "5",
        "3",
        "fewer than 5",
        "0",
        "fewer than 5",
    ]
    assert not any("Camden" in cell for row in rows for cell in row)
    workbook = load_workbook(io.BytesIO(client.get(reverse("evaluation:funnel-xlsx")).getvalue()))
    sheet = [list(r) for r in workbook["Programme funnel"].iter_rows(values_only=True)]
    assert sheet[1][:6] == ["All", "All areas", 10, 6, 5, 3]


def test_the_funnel_needs_the_evaluation_permission(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("evaluation:funnel")).status_code == 403
    assert client.get(reverse("evaluation:funnel-csv")).status_code == 403


def test_the_funnel_costs_the_same_queries_at_20_and_2000_schools(
    client, django_assert_max_num_queries
):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    la = LocalAuthorityFactory(name="Camden", code="T01")
    _area(la, booked=6, attended=5, responded=5, eligible_extra=14)
    with django_assert_max_num_queries(40) as small:
        funnel_page(client)
        client.get(reverse("evaluation:funnel-xlsx"))

    for n in range(4):
        _area(
            LocalAuthorityFactory(code=f"T2{n}"),
            booked=20,
            attended=15,
            responded=12,
            eligible_extra=480,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = funnel_page(client)
        client.get(reverse("evaluation:funnel-xlsx"))
    assert response.context["funnel"]["total"].stages[0] >= 2_000


def test_a_cohort_organised_by_la_counts_its_surveys_in_its_schools_mhst_area(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    hamlets = LocalAuthorityFactory(name="Tower Hamlets", code="T03")
    area = MHSTAreaFactory(name="Tower Hamlets MHST")
    cohort, _ = _area(hamlets, booked=6, attended=6, responded=6, area=area)
    cohort.mhst_area = None
    cohort.save()

    funnel = funnel_page(client).context["funnel"]

    by_area = {row.label: row for row in funnel["breakdowns"][2]["rows"]}
    assert by_area["Tower Hamlets MHST"].stages == [7, 7, 6, 6]
    assert str(by_area["Tower Hamlets MHST"].responded[0]) == "6"
    assert by_area["Tower Hamlets MHST"].change[0].pairs.value == 6
    assert "Not in an MHST area" not in by_area


def test_an_area_nobody_was_surveyed_in_says_so_rather_than_hiding_a_change(client, world):
    EstablishmentFactory(la=LocalAuthorityFactory(name="Rutland", code="T09"))
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    funnel = funnel_page(client).context["funnel"]

    by_la = {row.label: row for row in funnel["breakdowns"][1]["rows"]}
    rutland = by_la["Rutland"]
    assert rutland.stages == [1, 0, 0, 0] and not rutland.surveyed
    assert [str(cell) for cell in rutland.responded] == ["0", "0", "0"]
    assert by_la["Leeds"].surveyed
    text = b"".join(client.get(reverse("evaluation:funnel-csv")).streaming_content).decode()
    [row] = [line for line in text.splitlines() if ",Rutland," in line]
    assert row.endswith(",no survey,no survey,no survey,no survey")


def _shown(funnel: dict) -> list:
    """What the page shows of each row: its label, stages, responses and changes."""
    rows = [funnel["total"], *(row for b in funnel["breakdowns"] for row in b["rows"])]
    return [(row.label, row.stages, row.responded, row.change) for row in rows]


@pytest.mark.postgres
def test_the_funnel_from_the_report_cells_shows_what_the_answers_give(monkeypatch, world):
    """On PostgreSQL the funnel's responses and changes come from the report cells (one row
    per cohort, however many answers); they are the live computation's, row by row."""
    from accounts.scoping import Scope
    from evaluation.cells import cells_in_use
    from evaluation.selectors.funnel import programme_funnel

    assert cells_in_use()

    def cohort_by_cohort(*args, **kwargs):
        raise AssertionError("the cells are added up per area in the database")

    with monkeypatch.context() as patched:
        patched.setattr("evaluation.selectors.funnel.rate_cells", cohort_by_cohort)
        patched.setattr("evaluation.selectors.funnel.outcome_sums", cohort_by_cohort)
        kept = programme_funnel(scope=Scope(national=True))
    with monkeypatch.context() as patched:
        patched.setattr("evaluation.selectors.funnel.cells_in_use", lambda: False)
        live = programme_funnel(scope=Scope(national=True))
    assert _shown(kept) == _shown(live)
    assert any(row.pairs.value for row in kept["total"].change)  # changes to compare


def test_booked_counts_each_school_once_that_has_been_on_a_roster_whatever_it_holds_now(
    client,
):
    """A school that did not attend one cohort and waits for a place on another has been
    booked (once); one that booked and cancelled has not; the kept summary says so after
    each write, and the migration that added it works it out from the places."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from cohorts.models import ProgrammeStatus

    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    la = LocalAuthorityFactory(name="Camden", code="T01")
    earlier, later = CohortFactory(local_authority=la), CohortFactory(local_authority=la)
    again = PlaceFactory(cohort=earlier, status=PlaceStatus.DID_NOT_ATTEND)
    PlaceFactory(
        cohort=later,
        establishment=again.establishment,
        status=PlaceStatus.WAITING,
        waiting_position=1,
    )
    cancelled = PlaceFactory(cohort=later, status=PlaceStatus.CANCELLED)
    completed = PlaceFactory(cohort=later, status=PlaceStatus.COMPLETED, completed_on=NOW.date())

    assert funnel_page(client).context["funnel"]["total"].stages == [3, 3, 2, 1]

    ProgrammeStatus.objects.update(has_been_booked=False)
    import_module("cohorts.migrations.0027_programme_status_has_been_booked").fill(
        django_apps, None
    )
    assert set(
        ProgrammeStatus.objects.filter(has_been_booked=True).values_list(
            "establishment_id", flat=True
        )
    ) == {again.establishment_id, completed.establishment_id}
    assert ProgrammeStatus.objects.get(establishment=cancelled.establishment).status == "invited"


def test_a_facilitator_sees_the_schools_of_their_cohorts_and_no_area_goes_unnamed(client):
    """A facilitator has no areas: their funnel counts the schools placed on the cohorts they
    run. A cohort organised by LA counts its surveys in its schools' MHST area, which gets
    its name however the user came to see it (the page failed with a KeyError)."""
    hamlets = LocalAuthorityFactory(name="Tower Hamlets", code="T03")
    area = MHSTAreaFactory(name="Tower Hamlets MHST")
    cohort, _ = _area(hamlets, booked=6, attended=5, responded=5, area=area, eligible_extra=9)
    cohort.mhst_area = None
    cohort.save()
    _area(LocalAuthorityFactory(name="Leeds", code="T02"), booked=4, attended=4, responded=0)
    facilitator = user_with_role(Role.FACILITATOR)
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)

    page = funnel_page(client)
    funnel = page.context["funnel"]

    assert "for the schools on the cohorts you run" in page.content.decode()
    # The 6 booked and the cancelled place's school; not the 9 others, nor Leeds's.
    assert funnel["total"].stages == [7, 7, 6, 5]
    by_area = {row.label: row for row in funnel["breakdowns"][2]["rows"]}
    assert str(by_area["Tower Hamlets MHST"].responded[0]) == "5"
    assert client.get(reverse("evaluation:funnel-xlsx")).status_code == 200


def test_a_cohort_whose_schools_are_outside_the_users_areas_still_has_its_row_named(client):
    camden = LocalAuthorityFactory(name="Camden", code="T01")
    area = MHSTAreaFactory(name="Islington MHST")
    cohort = CohortFactory(local_authority=camden, mhst_area=None)
    islington = LocalAuthorityFactory(name="Islington", code="T04")
    questionnaire, questions = make_questionnaire()
    for _ in range(3):
        place = PlaceFactory(
            cohort=cohort, establishment__la=islington, establishment__mhst_area=area
        )
        answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))

    funnel = funnel_page(client).context["funnel"]

    labels = {row.label for row in funnel["breakdowns"][2]["rows"]}
    assert "Islington MHST" in labels


@pytest.mark.postgres
def test_a_cohort_organised_by_la_is_counted_where_its_roster_is_after_every_kind_of_change(
    monkeypatch,
):
    """The cells keep the MHST area each cohort's figures are counted in. For a cohort
    organised by LA it is where most of its roster is: a booking, a cancellation and a
    school's move of area each work it out again (database triggers); attendance, which
    moves a place within the roster, does not. The national funnel adds up the totals the
    cells keep, and shows what the live computation shows."""
    from accounts.scoping import Scope
    from cohorts.models import Cohort
    from cohorts.services.places import place_cancel
    from evaluation.cells import cells_fresh
    from evaluation.models import StaleCohort, SurveyCell
    from evaluation.selectors.cells import EVERY_REGION, whole_regions
    from evaluation.selectors.funnel import programme_funnel
    from evaluation.selectors.groups import ReportGroup

    hamlets = LocalAuthorityFactory(name="Tower Hamlets", code="T03")
    east, west = MHSTAreaFactory(name="East MHST"), MHSTAreaFactory(name="West MHST")
    cohort, _ = _area(hamlets, booked=6, attended=6, responded=6, area=east)
    cohort.mhst_area = None
    cohort.save()

    def counted_in() -> set:
        cells_fresh()
        rows = SurveyCell.objects.filter(cohort=cohort).values_list("funnel_area_id", flat=True)
        return set(rows)

    def stale() -> bool:
        return StaleCohort.objects.filter(cohort_id=cohort.pk).exists()

    def by_area(funnel) -> dict:
        return {row.label: str(row.responded[0]) for row in funnel["breakdowns"][2]["rows"]}

    assert counted_in() == {east.pk}
    western = [PlaceFactory(cohort=cohort, establishment__mhst_area=west) for _ in range(7)]
    assert stale() and counted_in() == {west.pk}  # 7 in the West, 6 in the East

    for place in western[:3]:
        attendance_mark(workshop=cohort.workshops.get(day=1), place=place, present=True)
    assert not stale()  # still on the roster: nothing to work out

    for place in western[-2:]:
        place_cancel(place=place)
    assert stale() and counted_in() == {east.pk}  # 5 against 6

    for place in Place.objects.filter(cohort=cohort, establishment__mhst_area=east)[:2]:
        place.establishment.mhst_area = west
        place.establishment.save()
    assert stale() and counted_in() == {west.pk}  # 7 against 4

    group = ReportGroup(cohorts=Cohort.objects.all(), audience="school_staff")
    assert whole_regions(group) == EVERY_REGION  # the national funnel reads the totals
    kept = programme_funnel(scope=Scope(national=True))
    assert by_area(kept) == {"East MHST": "0", "West MHST": "6"}  # East: its schools left
    with monkeypatch.context() as patched:
        patched.setattr("evaluation.selectors.funnel.cells_in_use", lambda: False)
        live = programme_funnel(scope=Scope(national=True))
    assert _shown(kept) == _shown(live)
