"""The register's pages for coordinators (cohorts.register): list, filters, search, sorting,
exports, a school's page and its history, contact emails."""

import pytest
from django.urls import reverse

from accounts.models import Role
from schools.models import Establishment, IntegratedCareBoard, Status, TypeGroup
from tests.accounts.factories import user_with_role
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db
LIST = reverse("schools:establishment-list")


@pytest.fixture
def national(client):
    user = user_with_role(Role.NATIONAL_ADMIN, username="nat")
    client.force_login(user)
    return user


def urns(response) -> set[int]:
    return {e.urn for e in response.context["object_list"]}


def test_search_by_name_urn_or_postcode(client, national):
    a = EstablishmentFactory(urn=100000, name="The Aldgate School", postcode="EC3A 5DE")
    b = EstablishmentFactory(urn=100008, name="Argyle Primary School", postcode="WC1H 9EG")

    assert urns(client.get(LIST, {"q": "aldgate"})) == {a.urn}
    assert urns(client.get(LIST, {"q": "100008"})) == {b.urn}
    assert urns(client.get(LIST, {"q": "wc1h9eg"})) == {b.urn}
    assert urns(client.get(LIST, {"q": "EC3A 5DE"})) == {a.urn}


def test_filters_by_la_mhst_area_type_group_and_eligibility(client, national):
    la = LocalAuthorityFactory(code="T10")
    area = MHSTAreaFactory()
    in_la = EstablishmentFactory(la=la)
    in_area = EstablishmentFactory(mhst_area=area)
    academy = EstablishmentFactory(type_code=34, type_group=TypeGroup.ACADEMIES)
    closed = EstablishmentFactory(status=Status.CLOSED)

    assert urns(client.get(LIST, {"la": la.pk})) == {in_la.urn}
    assert urns(client.get(LIST, {"mhst_area": area.pk})) == {in_area.urn}
    assert urns(client.get(LIST, {"type_group": TypeGroup.ACADEMIES})) == {academy.urn}
    assert urns(client.get(LIST, {"eligibility": "ineligible"})) == {closed.urn}
    assert closed.urn not in urns(client.get(LIST, {"eligibility": "eligible"}))


def test_filters_by_integrated_care_board_and_a_school_page_names_its_icbs(client, national):
    kent, sussex = (
        IntegratedCareBoard.objects.create(ods_code=code, name=f"NHS {name} Integrated Care Board")
        for code, name in (("QKS", "Kent and Medway"), ("QNX", "Sussex"))
    )
    medway, west_sussex = LocalAuthorityFactory(code="T11"), LocalAuthorityFactory(code="T12")
    medway.icbs.add(kent)
    west_sussex.icbs.add(kent, sussex)  # an LA in two ICBs is in both lists
    in_medway = EstablishmentFactory(la=medway)
    in_west_sussex = EstablishmentFactory(la=west_sussex)
    EstablishmentFactory()

    assert urns(client.get(LIST, {"icb": kent.pk})) == {in_medway.urn, in_west_sussex.urn}
    assert urns(client.get(LIST, {"icb": sussex.pk})) == {in_west_sussex.urn}

    page = client.get(reverse("schools:establishment-detail", args=[in_west_sussex.urn]))
    text = page.content.decode()
    assert "Integrated care boards" in text
    assert "Kent and Medway; Sussex" in text
    assert f"{west_sussex.name} lies in 2 ICBs." in text


def test_paginates_and_keeps_the_filters_in_page_links(client, national):
    EstablishmentFactory.create_batch(60, type_group=TypeGroup.LA_MAINTAINED)

    response = client.get(LIST, {"type_group": TypeGroup.LA_MAINTAINED})

    assert len(response.context["object_list"]) == 50
    assert response.context["paginator"].count == 60
    assert "type_group=4&amp;page=2" in response.content.decode()
    assert len(client.get(LIST, {"type_group": 4, "page": 2}).context["object_list"]) == 10


def test_list_costs_the_same_at_20_and_200_rows(client, national, django_assert_max_num_queries):
    EstablishmentFactory.create_batch(20)
    with django_assert_max_num_queries(20) as twenty:
        client.get(LIST)
    EstablishmentFactory.create_batch(180)
    with django_assert_max_num_queries(len(twenty.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_detail_costs_the_same_however_long_the_history(
    client, national, django_assert_max_num_queries
):
    school = EstablishmentFactory()
    url = reverse("schools:establishment-detail", args=[school.urn])
    with django_assert_max_num_queries(20) as short:
        client.get(url)
    for n in range(30):
        school.contact_email = f"lead{n}@school.example.org"
        school.save()
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert client.get(url).status_code == 200


def test_contact_email_change_is_saved_and_audited_with_who_and_what(client, national):
    school = EstablishmentFactory(contact_email="old@school.example.org")
    url = reverse("schools:establishment-contact", args=[school.urn])

    response = client.post(url, {"contact_email": "senco@school.example.org"})

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.contact_email == "senco@school.example.org"
    detail = client.get(reverse("schools:establishment-detail", args=[school.urn]))
    latest = detail.context["history"][0]
    assert latest.who == "nat"
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("contact email", "old@school.example.org", "senco@school.example.org")
    ]
    assert "old@school.example.org → senco@school.example.org" in detail.content.decode()


def test_a_bad_email_is_refused_with_a_message_and_nothing_changes(client, national):
    school = EstablishmentFactory(contact_email="old@school.example.org")
    url = reverse("schools:establishment-contact", args=[school.urn])

    response = client.post(url, {"contact_email": "not an email"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert 'href="#id_contact_email"' in response.content.decode()
    school.refresh_from_db()
    assert school.contact_email == "old@school.example.org"


def test_changes_made_in_the_admin_are_audited(admin_client):
    school = EstablishmentFactory()
    url = reverse("admin:schools_establishment_change", args=[school.pk])

    admin_client.post(url, {"contact_email": "head@school.example.org"})

    record = school.history.latest()
    assert record.history_user.username == "admin"
    assert record.contact_email == "head@school.example.org"


def test_gias_import_changes_are_in_the_history(client, national, tmp_path):
    from schools.services.areas import areas_load_reference
    from tests.schools.conftest import DATA

    areas_load_reference()
    from django.core.management import call_command

    call_command("import_gias", str(DATA / "gias_2018_20.csv"), stdout=None)
    call_command("import_gias", str(DATA / "gias_2025_same_urns.csv"), stdout=None)

    school = Establishment.objects.get(urn=100000)
    detail = client.get(reverse("schools:establishment-detail", args=[school.urn]))
    latest = detail.context["history"][0]
    assert latest.reason == "GIAS import"
    assert ("name", "Sir John Cass's Foundation Primary School", "The Aldgate School") in [
        (c.field, c.old, c.new) for c in latest.changes
    ]


def test_programme_status_filter_column_and_detail_history(client, national):
    import datetime as dt

    from cohorts.models import PlaceStatus
    from outbox.models import EmailKind, EmailStatus, OutgoingEmail
    from tests.cohorts.factories import CohortFactory, InvitationFactory, PlaceFactory
    from tests.workshops.factories import WorkshopFactory
    from workshops.models import Attendance

    cohort = CohortFactory()
    day1 = WorkshopFactory(cohort=cohort, day=1, date=dt.date(2026, 2, 3))
    WorkshopFactory(cohort=cohort, day=2, date=dt.date(2026, 3, 17))
    booked = PlaceFactory(cohort=cohort, status=PlaceStatus.ATTENDED_DAY_1)
    Attendance.objects.create(workshop=day1, participant=booked.participant, present=True)
    waiting = PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING, waiting_position=1)
    invited = EstablishmentFactory()
    email = OutgoingEmail.objects.create(
        kind=EmailKind.INVITATION,
        recipient="i@x.example",
        establishment=invited,
        idempotency_key="i",
        subject="s",
        body_text="t",
        status=EmailStatus.SENT,
    )
    InvitationFactory(establishment=invited, email=email, wave__name="Camden autumn")
    untouched = EstablishmentFactory()

    def listed(status):
        return urns(client.get(LIST, {"programme_status": status}))

    assert listed("booked") == {booked.establishment.urn}
    assert listed("waiting") == {waiting.establishment.urn}
    assert listed("invited") == {invited.urn}
    assert untouched.urn in listed("not_invited")
    assert invited.urn not in listed("not_invited")
    assert "Waiting list" in client.get(LIST).content.decode()

    detail = client.get(reverse("schools:establishment-detail", args=[booked.establishment.urn]))
    page = detail.content.decode()
    assert "Attended day 1" in page
    assert "Workshop 1, 3 Feb 2026: attended" in page
    assert "Workshop 2, 17 Mar 2026: attendance not recorded" in page
    invited_page = client.get(reverse("schools:establishment-detail", args=[invited.urn]))
    assert "Invitation</a>: Sent" in invited_page.content.decode()
    assert "Camden autumn: email," in invited_page.content.decode()


# --- Issue 11, item 13: what a new user tripped over in the register -----------------------


def test_a_postcode_district_finds_its_schools_and_not_the_next_district(client, national):
    e1 = EstablishmentFactory(postcode="E1 6AN")
    e1_other = EstablishmentFactory(postcode="E1 1JX")
    EstablishmentFactory(postcode="E10 5DY")
    EstablishmentFactory(postcode="E14 3RP")
    nw10 = EstablishmentFactory(postcode="NW10 4LB")

    assert urns(client.get(LIST, {"q": "E1"})) == {e1.urn, e1_other.urn}
    assert urns(client.get(LIST, {"q": " e1 "})) == {e1.urn, e1_other.urn}
    assert urns(client.get(LIST, {"q": "E1 6"})) == {e1.urn}
    assert urns(client.get(LIST, {"q": "nw10"})) == {nw10.urn}
    assert urns(client.get(LIST, {"q": "E1 6AN"})) == {e1.urn}


def test_the_no_contact_email_filter(client, national):
    without = EstablishmentFactory(contact_email="")
    with_one = EstablishmentFactory(contact_email="lead@school.example.org")

    assert urns(client.get(LIST, {"contact": "without"})) == {without.urn}
    assert urns(client.get(LIST, {"contact": "with"})) == {with_one.urn}
    assert 'name="contact"' in client.get(LIST).content.decode()


def names_in_order(response) -> list[str]:
    return [e.name for e in response.context["object_list"]]


def test_columns_sort_both_ways_with_accessible_headers(client, national):
    zulu = LocalAuthorityFactory(code="T31", name="Zulu Borough")
    alpha = LocalAuthorityFactory(code="T32", name="Alpha Borough")
    EstablishmentFactory(name="B school", la=zulu, postcode="E2 1AA", urn=300002)
    EstablishmentFactory(name="A school", la=zulu, postcode="E3 1AA", urn=300001)
    EstablishmentFactory(name="C school", la=alpha, postcode="E1 1AA", urn=300003)

    by_default = client.get(LIST)
    assert names_in_order(by_default) == ["A school", "B school", "C school"]
    page = by_default.content.decode()
    assert page.count("aria-sort=") == 1
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link" href="?sort=-name">' in page
    assert 'href="?sort=la"' in page

    assert names_in_order(client.get(LIST, {"sort": "la"})) == ["C school", "A school", "B school"]
    by_la_desc = client.get(LIST, {"sort": "-la"})
    assert names_in_order(by_la_desc) == ["A school", "B school", "C school"]
    assert 'aria-sort="descending"' in by_la_desc.content.decode()
    assert names_in_order(client.get(LIST, {"sort": "postcode"})) == [
        "C school",
        "B school",
        "A school",
    ]
    assert names_in_order(client.get(LIST, {"sort": "-urn"})) == [
        "C school",
        "B school",
        "A school",
    ]


def test_sorting_is_kept_with_the_filters_and_pagination(client, national):
    la = LocalAuthorityFactory(code="T33")
    for n in range(60):
        EstablishmentFactory(la=la, name=f"School {n:02d}", urn=310000 + n)
    EstablishmentFactory(name="Elsewhere")

    response = client.get(LIST, {"la": la.pk, "sort": "-name"})

    assert names_in_order(response)[:2] == ["School 59", "School 58"]
    page = response.content.decode()
    assert f"la={la.pk}&amp;sort=-name&amp;page=2" in page  # the next page keeps both
    assert '<input type="hidden" name="sort" value="-name">' in page  # so does the form
    assert f'href="?la={la.pk}&amp;sort=name"' in page  # the header keeps the filter
    second = client.get(LIST, {"la": la.pk, "sort": "-name", "page": 2})
    assert names_in_order(second) == [f"School {n:02d}" for n in range(9, -1, -1)]


def test_an_unknown_sort_is_refused_with_a_message(client, national):
    EstablishmentFactory()

    response = client.get(LIST, {"sort": "contact_email"})

    assert list(response.context["object_list"]) == []
    assert "Select a valid choice" in response.content.decode()


def test_sorted_list_costs_the_same_at_20_and_200_rows(
    client, national, django_assert_max_num_queries
):
    EstablishmentFactory.create_batch(20, mhst_area=MHSTAreaFactory())
    query = {"sort": "-mhst_area", "contact": "with"}
    with django_assert_max_num_queries(20) as twenty:
        client.get(LIST, query)
    EstablishmentFactory.create_batch(180, mhst_area=MHSTAreaFactory())
    with django_assert_max_num_queries(len(twenty.captured_queries)):
        assert client.get(LIST, query).status_code == 200


@pytest.mark.parametrize(
    ("website", "href"),
    [
        ("http://www.argyle.camden.sch.uk/", "http://www.argyle.camden.sch.uk/"),
        ("https://ashley.wiseacademies.co.uk/", "https://ashley.wiseacademies.co.uk/"),
        ("www.almizan.co.uk", "http://www.almizan.co.uk"),
        ("biddickhallinfants.co.uk", "http://biddickhallinfants.co.uk"),
    ],
)
def test_websites_are_links(client, national, website, href):
    school = EstablishmentFactory(website=website)

    page = client.get(reverse("schools:establishment-detail", args=[school.urn])).content.decode()

    assert f'<a href="{href}" rel="noopener" target="_blank">{website}' in page


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "JavaScript://%0aalert(1)", "ftp://school.example", "n/a"]
)
def test_a_website_that_is_not_http_is_shown_but_not_linked(client, national, website):
    school = EstablishmentFactory(website=website)

    page = client.get(reverse("schools:establishment-detail", args=[school.urn])).content.decode()

    assert "opens in a new tab" not in page
    assert 'rel="noopener"' not in page


def test_the_csv_export_gives_every_column_as_people_read_it(client, national):
    import csv
    import io

    la = LocalAuthorityFactory(code="T20", name="Camden", region="E12000007")
    area = MHSTAreaFactory(name="Camden MHST")
    school = EstablishmentFactory(
        urn=100008,
        name="Argyle Primary School",
        la=la,
        mhst_area=area,
        type_code=34,
        type_name="Academy converter",
        type_group=TypeGroup.ACADEMIES,
        status=Status.OPEN_PROPOSED_TO_CLOSE,
        contact_email="office@argyle.example",
        pupil_count=None,
    )
    outside = EstablishmentFactory(la=None, gias_la_name="Wales", gias_la_code="000")

    response = client.get(reverse("schools:establishment-export-csv"))
    rows = {
        row["URN"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }

    assert rows[str(school.urn)] == {
        "URN": "100008",
        "Name": "Argyle Primary School",
        "Type": "Academy converter",
        "Type group": "Academies",
        "Phase": school.phase,
        "Status": "Open, but proposed to close",
        "Eligible": "yes",
        "Programme status": "Not invited",
        "Local authority": "Camden",
        "LA code": "T20",
        "Region": "London",
        "MHST area": "Camden MHST",
        "Postcode": school.postcode,
        "Town": school.town,
        "Telephone": school.telephone,
        "Website": school.website,
        "Contact email": "office@argyle.example",
        "Pupils": "",
    }
    wales = rows[str(outside.urn)]
    assert (wales["Local authority"], wales["LA code"], wales["Region"], wales["Eligible"]) == (
        "Wales",
        "000",
        "",
        "no",
    )
