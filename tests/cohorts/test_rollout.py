"""The rollout (issue 13, item 1): national admins create and edit phases in the coordinator
pages; the rollout page shows, per phase and area and per term of the four years, what is
eligible, through, needed, planned, open and delivered, at a fixed cost."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus, Phase, PlaceStatus
from cohorts.terms import programme_terms, school_year_of
from schools.models import Establishment, LocalAuthority, Region
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.workshops.factories import WorkshopFactory
from workshops.models import Delivery, DeliveryKind

pytestmark = pytest.mark.django_db


def test_the_four_years_by_term():
    terms = programme_terms(dt.date(2019, 10, 1))

    assert len(terms) == 12
    assert [t.label for t in terms[:4]] == [
        "Autumn 2019",
        "Spring 2020",
        "Summer 2020",
        "Autumn 2020",
    ]
    assert terms[0].start == dt.date(2019, 9, 1)
    # Spring runs to Easter Sunday (12 April 2020), summer from Easter Monday to August.
    assert (terms[1].end, terms[2].start, terms[2].end) == (
        dt.date(2020, 4, 12),
        dt.date(2020, 4, 13),
        dt.date(2020, 8, 31),
    )
    assert terms[-1].end == dt.date(2023, 8, 31) and terms[-1].programme_year == 4
    assert terms[0].school_year == "2019/20"
    # Every day of the four years is in exactly one term.
    days = (terms[-1].end - terms[0].start).days + 1
    assert sum((t.end - t.start).days + 1 for t in terms) == days
    assert (
        school_year_of(dt.date(2020, 8, 31)) == 2019 and school_year_of(dt.date(2020, 9, 1)) == 2020
    )


@pytest.fixture
def areas():
    camden = LocalAuthorityFactory(code="T01", name="Camden", region=Region.LONDON)
    leeds = LocalAuthorityFactory(code="T02", name="Leeds", region=Region.YORKSHIRE)
    area = MHSTAreaFactory(name="Camden MHST")
    area.local_authorities.add(camden)
    return {"camden": camden, "leeds": leeds, "area": area}


def phase_form(areas, **extra):
    return {
        "name": "Year 1, autumn 2026",
        "start_date": "2026-09-01",
        "end_date": "2026-12-18",
        "mhst_areas": [areas["area"].pk],
        "local_authorities": [areas["camden"].pk],
    } | extra


def test_a_national_admin_creates_and_edits_a_phase(client, areas):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    created = client.post(reverse("cohorts:phase-create"), phase_form(areas))

    phase = Phase.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("cohorts:rollout") + f"#phase-{phase.pk}"
    assert list(phase.mhst_areas.all()) == [areas["area"]]
    assert phase.history.first().history_user.username == "national_admin"

    edit = reverse("cohorts:phase-edit", args=[phase.pk])
    form = client.get(edit).context["form"]
    assert form["name"].value() == "Year 1, autumn 2026"
    assert form["mhst_areas"].value() == [areas["area"].pk]
    client.post(
        edit, phase_form(areas, name="Year 1, autumn", local_authorities=[areas["leeds"].pk])
    )
    phase.refresh_from_db()
    assert phase.name == "Year 1, autumn"
    assert list(phase.local_authorities.all()) == [areas["leeds"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_date": "2026-08-01"}, "The phase must end on or after the day it starts."),
        ({"mhst_areas": [], "local_authorities": []}, "Choose the MHST areas or local authorities"),
        ({"name": "Taken"}, "There is already a phase called Taken."),
    ],
)
def test_a_phase_the_rules_refuse_is_not_saved_and_the_form_keeps_its_input(
    client, areas, change, message
):
    PhaseFactory(name="Taken")
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.post(reverse("cohorts:phase-create"), phase_form(areas, **change))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Error: New rollout phase" in page
    assert Phase.objects.count() == 1
    assert response.context["form"]["start_date"].value() == "2026-09-01"


def test_an_area_with_a_cohort_stays_in_its_phase(client, areas):
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.add(areas["camden"])
    CohortFactory(phase=phase, local_authority=areas["camden"], name="Camden 1")
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.post(
        reverse("cohorts:phase-edit", args=[phase.pk]),
        phase_form(areas, name="Year 1", mhst_areas=[], local_authorities=[areas["leeds"].pk]),
    )

    assert response.status_code == 200
    assert "Camden 1 is planned in Camden under this phase" in response.content.decode()
    assert list(phase.local_authorities.all()) == [areas["camden"]]


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.FACILITATOR, Role.VIEWER])
def test_only_national_admins_create_or_edit_phases(client, areas, role):
    phase = PhaseFactory()
    phase.local_authorities.add(areas["camden"])
    user = user_with_role(
        role,
        **({"local_authorities": [areas["camden"]]} if role == Role.REGIONAL_COORDINATOR else {}),
    )
    client.force_login(user)

    assert client.get(reverse("cohorts:phase-create")).status_code == 403
    assert client.post(reverse("cohorts:phase-create"), phase_form(areas)).status_code == 403
    edit = reverse("cohorts:phase-edit", args=[phase.pk])
    assert client.post(edit, phase_form(areas)).status_code == 403
    assert Phase.objects.count() == 1
    page = client.get(reverse("cohorts:rollout"))
    if role != Role.FACILITATOR:  # a facilitator has the dashboard too, scoped to its cohorts
        assert reverse("cohorts:phase-create") not in page.content.decode()


def test_a_regional_coordinator_sees_the_phases_touching_their_areas(client, areas):
    mine = PhaseFactory(name="Camden MHST phase", start_date=dt.date(2026, 9, 1))
    mine.mhst_areas.add(areas["area"])
    other = PhaseFactory(name="Leeds phase", start_date=dt.date(2026, 9, 1))
    other.local_authorities.add(areas["leeds"])
    for la, count in ((areas["camden"], 2), (areas["leeds"], 3)):
        for _ in range(count):
            EstablishmentFactory(la=la, mhst_area=areas["area"] if la == areas["camden"] else None)
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[areas["camden"]])
    )

    response = client.get(reverse("cohorts:rollout"))
    page = response.content.decode()

    # Only their own schools are counted, in the phase and in the total.
    assert response.context["total"].eligible == 2
    assert [row.figures.eligible for row in response.context["phases"][0].rows] == [2]
    assert "Camden MHST phase" in page
    assert "Leeds phase" not in page
    assert "The rollout in your areas" in page
    assert client.get(reverse("cohorts:phase-edit", args=[other.pk])).status_code == 403


def test_the_figures_per_phase_and_area_and_term(client, areas, settings):
    settings.LINK_PROGRAMME_START = "2026-09-01"
    camden, leeds, area = areas["camden"], areas["leeds"], areas["area"]
    phase = PhaseFactory(
        name="Year 1", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 3, 19)
    )
    phase.mhst_areas.add(area)
    phase.local_authorities.add(camden, leeds)
    # 25 eligible schools in the MHST area (two cohorts needed), 3 in Camden outside it, one
    # closed school in Leeds that completed (through, no longer eligible).
    in_area = [EstablishmentFactory(la=camden, mhst_area=area) for _ in range(25)]
    for _ in range(3):
        EstablishmentFactory(la=camden)
    done = CohortFactory(
        phase=phase, local_authority=camden, mhst_area=area, status=CohortStatus.COMPLETED
    )
    WorkshopFactory(cohort=done, day=1, date=dt.date(2026, 10, 5))
    for school in in_area[:4]:
        PlaceFactory(
            cohort=done,
            establishment=school,
            status=PlaceStatus.COMPLETED,
            completed_on=dt.date(2026, 11, 20),
        )
    closed = EstablishmentFactory(la=leeds, status="2")
    PlaceFactory(
        cohort=done,
        establishment=closed,
        status=PlaceStatus.COMPLETED,
        completed_on=dt.date(2026, 11, 20),
    )
    CohortFactory(phase=phase, local_authority=leeds, status=CohortStatus.OPEN)  # undated
    CohortFactory(phase=phase, local_authority=camden, status=CohortStatus.CANCELLED)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    context = client.get(reverse("cohorts:rollout")).context

    (item,) = context["phases"]
    rows = {row.area.name: row.figures for row in item.rows}
    assert [row.area.name for row in item.rows] == ["Camden MHST", "Camden", "Leeds"]
    assert (rows["Camden MHST"].eligible, rows["Camden MHST"].through) == (25, 4)
    assert (rows["Camden MHST"].left, rows["Camden MHST"].needed) == (21, 2)
    assert (rows["Camden MHST"].planned, rows["Camden MHST"].delivered) == (1, 1)
    assert (rows["Camden"].eligible, rows["Camden"].needed, rows["Camden"].planned) == (3, 1, 0)
    assert (rows["Leeds"].eligible, rows["Leeds"].through, rows["Leeds"].open) == (0, 1, 1)
    total = context["total"]
    assert (total.eligible, total.through, total.left, total.needed) == (28, 5, 24, 2)
    assert (total.planned, total.open, total.delivered) == (2, 1, 1)
    terms = {row["term"].label: row for row in context["terms"]}
    # The delivered cohort by its workshop 1 (October), the undated one by the phase's start.
    assert terms["Autumn 2026"]["planned"] == 2 and terms["Autumn 2026"]["delivered"] == 1
    assert terms["Spring 2027"]["phases"] == [phase] and terms["Summer 2027"]["phases"] == []
    assert context["chart"]["labels"][0] == "Autumn 2026"


def _code(i: int) -> str:
    """A three-letter LA code no real (numeric) or test (T01) code can be."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(letters[i // 26**k % 26] for k in (2, 1, 0))


def _rollout_world(n: int) -> None:
    """Two phases over ``n`` LAs with a school and a cohort each (bulk: fast at 2,000)."""
    las = LocalAuthority.objects.bulk_create(
        LocalAuthority(code=_code(i), gss_code=f"E09{i:06d}", name=f"Borough {i}") for i in range(n)
    )
    template = EstablishmentFactory.build()
    Establishment.objects.bulk_create(
        Establishment(
            **{
                f.attname: getattr(template, f.attname)
                for f in Establishment._meta.concrete_fields
                if f.attname not in ("id", "urn", "la_id", "mhst_area_id")
            },
            urn=700000 + i,
            la=la,
        )
        for i, la in enumerate(las)
    )
    phases = [
        PhaseFactory(name="Year 1", start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 3, 1)),
        PhaseFactory(name="Year 2", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 3, 1)),
    ]
    for phase, half in zip(phases, (las[: n // 2], las[n // 2 :]), strict=True):
        phase.local_authorities.add(*half)
        phase.mhst_areas.add(MHSTAreaFactory())
    deliveries = Delivery.objects.bulk_create(Delivery(kind=DeliveryKind.COHORT) for _ in range(n))
    Cohort.objects.bulk_create(
        Cohort(
            delivery=delivery,
            name=f"Cohort {i}",
            phase=phases[i * 2 // n],
            local_authority=las[i],
            status=(CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.COMPLETED)[i % 3],
        )
        for i, delivery in enumerate(deliveries)
    )


#: The rollout page's queries at any size: the session, the user, their permissions (two)
#: and groups (scope, and again for the menu's role), the first phase's start, the phases
#: and their LAs and MHST areas, the schools by area, the cohorts, and the two totals.
ROLLOUT_QUERIES = 14


@pytest.mark.parametrize("rows", [20, 2_000])
def test_the_rollout_page_costs_the_same_at_20_and_2000_rows(
    client, django_assert_num_queries, rows
):
    _rollout_world(rows)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    with django_assert_num_queries(ROLLOUT_QUERIES):
        response = client.get(reverse("cohorts:rollout"))

    assert response.status_code == 200
    assert response.context["total"].planned == rows
    assert sum(len(item.rows) for item in response.context["phases"]) == rows + 2


@pytest.mark.parametrize("name", ["cohorts:rollout", "cohorts:phase-create", "cohorts:term-dates"])
def test_the_rollout_pages_ask_for_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_phase_that_does_not_exist_is_a_404(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    assert client.get(reverse("cohorts:phase-edit", args=[999])).status_code == 404
