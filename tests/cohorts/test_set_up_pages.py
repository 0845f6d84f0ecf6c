"""The set-up table and the CSV import (issue 13, item 4) through the client: scope, errors
row by row, copying a row, and what the pages cost at 20 and 2,000 cohorts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

SET_UP = reverse("cohorts:set-up")
IMPORT = reverse("cohorts:set-up-import")
FIELDS = ("day_1", "day_2", "start_time", "end_time", "venue_name", "venue_address")


@pytest.fixture
def camden():
    camden = LocalAuthorityFactory(name="Camden")
    EstablishmentFactory(la=camden)  # an LA is offered where it has establishments
    return camden


@pytest.fixture
def phase(camden):
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    return phase


@pytest.fixture
def coordinator(client, camden):
    user = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden])
    client.force_login(user)
    return user


def cohorts(phase, area, count, prefix="Camden"):
    return [
        CohortFactory(phase=phase, local_authority=area, name=f"{prefix} {n:04}")
        for n in range(count)
    ]


def url(phase, area):
    return f"{SET_UP}?phase={phase.pk}&area=la-{area.pk}"


def table_data(rows, **overrides):
    """The table as posted: ``rows`` are cohorts; each gets dates a day apart, from Monday."""
    data = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for i, cohort in enumerate(rows):
        day_1 = dt.date(2026, 3, 2) + dt.timedelta(days=i % 5)
        data.update(
            {
                f"form-{i}-cohort": cohort.pk,
                f"form-{i}-day_1": day_1.isoformat(),
                f"form-{i}-day_2": (day_1 + dt.timedelta(weeks=6)).isoformat(),
                f"form-{i}-start_time": "09:30",
                f"form-{i}-end_time": "16:00",
                f"form-{i}-venue_name": "Town Hall",
                f"form-{i}-venue_address": "Judd Street, London",
                f"form-{i}-facilitators": "",
                f"form-{i}-reason": "",
                f"form-{i}-open": "on",
            }
        )
    data.update(overrides)
    return data


def test_the_table_sets_up_and_opens_the_area_s_cohorts_in_one_submission(
    client, clock, coordinator, phase, camden
):
    four = cohorts(phase, camden, 4)
    user_with_role(Role.FACILITATOR, username="fran")
    page = client.get(url(phase, camden))
    assert [row["cohort"] for row in page.context["rows"]] == four

    response = client.post(url(phase, camden), table_data(four, **{"form-0-facilitators": "fran"}))

    assert response.status_code == 302
    assert Cohort.objects.filter(status=CohortStatus.OPEN).count() == 4
    assert Workshop.objects.count() == 8
    assert list(four[0].facilitators.values_list("username", flat=True)) == ["fran"]


def test_errors_are_shown_row_by_row_and_nothing_is_saved(
    client, clock, coordinator, phase, camden
):
    four = cohorts(phase, camden, 4)
    data = table_data(
        four,
        **{
            "form-1-day_1": "2026-03-07",  # a Saturday, no reason
            "form-1-day_2": "2026-04-13",
            "form-2-facilitators": "nobody",
            "form-3-end_time": "09:00",
        },
    )

    response = client.post(url(phase, camden), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "No user has the login nobody." in text
    assert "A workshop must end after it starts." in text
    assert not Workshop.objects.exists()
    # Once the form is right, the service's rules speak, for their row.
    data.update({"form-2-facilitators": "", "form-3-end_time": "16:00"})
    response = client.post(url(phase, camden), data)
    assert response.context["row_errors"].keys() == {2}
    assert "Saturday 7 March 2026 is a Saturday" in response.content.decode()
    assert not Workshop.objects.exists()
    # With a reason, the Saturday stands.
    response = client.post(url(phase, camden), {**data, "form-1-reason": "Hall free then"})
    assert response.status_code == 302
    assert Workshop.objects.count() == 8


def test_copy_fills_the_other_rows_and_saves_nothing(client, clock, coordinator, phase, camden):
    three = cohorts(phase, camden, 3)
    data = table_data(
        three,
        **{"form-1-venue_name": "Crowndale Centre", "form-1-start_time": "10:00", "copy_from": "2"},
    )

    response = client.post(
        f"{reverse('cohorts:set-up-copy')}?phase={phase.pk}&area=la-{camden.pk}", data
    )

    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert [f["venue_name"].value() for f in forms] == ["Crowndale Centre"] * 3
    assert [f["start_time"].value() for f in forms] == ["10:00"] * 3
    assert [f["day_1"].value() for f in forms] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert not Workshop.objects.exists()


def test_a_coordinator_sees_and_sets_only_cohorts_in_their_areas(
    client, clock, coordinator, phase, camden
):
    barnet = LocalAuthorityFactory(name="Barnet")
    EstablishmentFactory(la=barnet)
    phase.local_authorities.add(barnet)
    elsewhere = cohorts(phase, barnet, 1, prefix="Barnet")[0]
    mine = cohorts(phase, camden, 1)[0]

    assert client.get(url(phase, barnet)).status_code == 404  # not an area of theirs
    assert client.post(url(phase, barnet), table_data([elsewhere])).status_code == 404
    assert client.get(f"{SET_UP}?phase=999999&area=la-{camden.pk}").status_code == 404

    # A hand-made row naming a cohort elsewhere is refused, and nothing is saved.
    data = table_data([mine, elsewhere])
    response = client.post(url(phase, camden), data)
    assert "not one of this table&#x27;s cohorts" in response.content.decode()
    assert not Workshop.objects.exists()


@pytest.mark.parametrize("rows", [20, 2000])
def test_the_table_costs_the_same_at_20_and_2000_cohorts(
    client, clock, coordinator, phase, camden, django_assert_max_num_queries, rows
):
    """The table shows one phase and area; the other cohorts are elsewhere in the country,
    and an area with a hundred cohorts costs what one with twenty does."""
    other = LocalAuthorityFactory()
    mine = min(rows, 100)
    cohorts(phase, camden, mine)
    Cohort.objects.bulk_create(
        [
            Cohort(phase=phase, local_authority=other, name=f"Other {n}", delivery=d)
            for n, d in enumerate(_deliveries(rows - mine))
        ]
    )
    with django_assert_max_num_queries(TABLE_QUERIES):
        response = client.get(url(phase, camden))
    assert len(response.context["rows"]) == mine


#: The set-up table at any size: the session and user, their roles and scope, the phases,
#: LAs and MHST areas of the picker (listed, then the chosen ones looked up), the cohorts,
#: their facilitators, their workshops.
TABLE_QUERIES = 16


def _deliveries(count):
    from workshops.models import Delivery, DeliveryKind

    return Delivery.objects.bulk_create([Delivery(kind=DeliveryKind.COHORT) for _ in range(count)])


def test_the_plan_page_and_cohort_list_lead_to_the_table(client, coordinator, phase, camden):
    assert SET_UP in client.get(reverse("cohorts:list")).content.decode()
    assert SET_UP in client.get(reverse("cohorts:plan")).content.decode()


def test_a_facilitator_may_not_set_up_cohorts(client):
    client.force_login(user_with_role(Role.FACILITATOR))
    assert client.get(SET_UP).status_code == 403
    assert client.get(IMPORT).status_code == 403


# --- The CSV import ---------------------------------------------------------------------------

HEADER = (
    "cohort,name,workshop_1_date,workshop_2_date,start_time,end_time,venue_name,venue_address,"
    "facilitators,reason,open\n"
)


def csv_file(lines):
    return SimpleUploadedFile("set-up.csv", (HEADER + "".join(lines)).encode(), "text/csv")


def line(cohort, day_1="2026-03-02", day_2="13/04/2026", logins="", reason="", opening="yes"):
    return (
        f'{cohort.pk},"{cohort.name}",{day_1},{day_2},09:30,16:00,Town Hall,'
        f'"Judd Street, London",{logins},{reason},{opening}\n'
    )


@pytest.fixture
def admin(client):
    user = user_with_role(Role.NATIONAL_ADMIN)
    client.force_login(user)
    return user


def test_the_import_previews_then_saves_all_or_nothing(client, clock, admin, phase, camden):
    four = cohorts(phase, camden, 4)
    user_with_role(Role.FACILITATOR, username="fran")
    lines = [line(c, logins="fran") for c in four]

    preview = client.post(IMPORT, {"file": csv_file(lines), "preview": ""})
    assert preview.context["report"].result.saved == 4
    assert not Workshop.objects.exists()

    response = client.post(IMPORT, {"file": csv_file(lines), "import": ""})
    assert response.context["report"].written
    assert Cohort.objects.filter(status=CohortStatus.OPEN).count() == 4
    assert list(four[3].facilitators.values_list("username", flat=True)) == ["fran"]


def test_the_import_lists_every_wrong_row_and_saves_nothing(client, clock, admin, phase, camden):
    four = cohorts(phase, camden, 4)
    lines = [
        line(four[0]),
        line(four[1], day_1="2026-13-01"),
        line(four[2], logins="ghost"),
        line(four[3], day_1="2026-03-07"),  # a Saturday, no reason
        "999999,Nowhere,2026-03-02,2026-04-13,09:30,16:00,X,Y,,,no\n",
    ]

    response = client.post(IMPORT, {"file": csv_file(lines), "import": ""})

    errors = response.context["report"].errors
    assert sorted(errors) == [3, 4, 5, 6]
    assert "is not a date" in errors[3][0]
    assert "No user has the login ghost." in errors[4][0]
    assert "Saturday" in errors[5][0]
    assert "No cohort in your areas" in errors[6][0]
    assert not Workshop.objects.exists()
    assert "Nothing has been saved" in response.content.decode()


def test_a_coordinator_s_import_refuses_rows_outside_their_areas(
    client, clock, coordinator, phase, camden
):
    mine = cohorts(phase, camden, 1)[0]
    theirs = CohortFactory(phase=phase, local_authority=LocalAuthorityFactory(), name="Far")

    response = client.post(IMPORT, {"file": csv_file([line(mine), line(theirs)]), "import": ""})

    assert list(response.context["report"].errors) == [3]
    assert not Workshop.objects.exists()


def test_an_unreadable_file_is_refused_with_a_reason(client, admin):
    upload = SimpleUploadedFile("set-up.xlsx", b"PK\x03\x04rest", "application/octet-stream")
    response = client.post(IMPORT, {"file": upload, "import": ""})
    assert "Excel workbook" in response.content.decode()
    upload = SimpleUploadedFile("set-up.csv", b"urn,email\n1,a@b.c\n", "text/csv")
    response = client.post(IMPORT, {"file": upload, "import": ""})
    assert "missing: cohort" in response.content.decode()


def test_the_template_lists_the_cohorts_in_scope_as_they_stand(client, coordinator, phase, camden):
    mine = cohorts(phase, camden, 2)
    CohortFactory(local_authority=LocalAuthorityFactory(), name="Far away")

    response = client.get(reverse("cohorts:set-up-import-template"))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    assert [row.split(",")[0] for row in text.splitlines()[1:]] == [str(c.pk) for c in mine]


@pytest.mark.parametrize("rows", [20, 2000])
def test_a_wrong_file_is_answered_at_the_same_cost_at_20_and_2000_rows(
    client, clock, admin, phase, camden, django_assert_max_num_queries, rows
):
    """Every row is checked before any is written: a file with a wrong row (the last, on a
    Saturday with no reason) costs a fixed number of queries, whatever its size."""
    many = _bulk_cohorts(phase, camden, rows)
    lines = [line(c) for c in many[:-1]] + [line(many[-1], day_1="2026-03-07")]
    with django_assert_max_num_queries(CHECK_QUERIES):
        response = client.post(IMPORT, {"file": csv_file(lines), "import": ""})
    assert list(response.context["report"].errors) == [rows + 1]
    assert not Workshop.objects.exists()


#: Checking a file: the session and user, their scope, the cohorts with their facilitators,
#: the users of the logins, those holding the Facilitator role, the cohorts in scope.
CHECK_QUERIES = 9


def test_the_import_writes_at_a_fixed_cost_per_row(
    client, clock, admin, phase, camden, django_assert_max_num_queries
):
    """Each row runs through the one-cohort services (update, both workshop days, open), so
    the import's cost grows with its rows, by a fixed amount per row."""
    many = cohorts(phase, camden, 20)
    with django_assert_max_num_queries(IMPORT_FIXED + IMPORT_PER_ROW * 20):
        response = client.post(IMPORT, {"file": csv_file([line(c) for c in many]), "import": ""})
    assert response.context["report"].written
    assert Cohort.objects.filter(status=CohortStatus.OPEN).count() == 20


#: A row's writes: the cohort locked, saved with its history and facilitators; each workshop
#: day locked, written with its history; the cohort opened (its seats offered, schools
#: waiting for the area told), and the LA's term dates read for the dates' check. Measured:
#: 751 queries for 20 rows.
IMPORT_FIXED, IMPORT_PER_ROW = 12, 37


def _bulk_cohorts(phase, area, count):
    deliveries = _deliveries(count)
    return Cohort.objects.bulk_create(
        [
            Cohort(phase=phase, local_authority=area, name=f"Camden {n:04}", delivery=d)
            for n, d in enumerate(deliveries)
        ]
    )


def test_a_phase_alone_preselects_it_without_an_error(client, coordinator, phase, camden):
    response = client.get(f"{SET_UP}?phase={phase.pk}")
    assert response.status_code == 200
    assert not response.context["area_form"].is_bound
    assert "There is a problem" not in response.content.decode()
