"""The directory pages: scoped (404 outside the user's areas), written only in areas the user
covers, the CSV import's preview and import, professionals added to many cohorts in one
submission through professional_add, and list pages that cost the same at 20 and 2,000 rows."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from cohorts.models import CohortStatus
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import (
    LocalProfessionalFactory,
    ProfessionalFactory,
    VenueFactory,
)
from workshops.models import LocalProfessional, OrganisationType, Professional, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden")


@pytest.fixture
def barnet():
    return LocalAuthorityFactory(name="Barnet")


@pytest.fixture
def coordinator(client, camden):
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    return client


def test_the_lists_show_only_the_users_areas(coordinator, camden, barnet):
    VenueFactory(name="Camden Centre", local_authority=camden)
    VenueFactory(name="Barnet Hall", local_authority=barnet)
    LocalProfessionalFactory(name="Dr Rao", local_authority=camden)
    LocalProfessionalFactory(name="Dr Barnet", local_authority=barnet)

    venues = coordinator.get(reverse("cohorts:venue-list")).content.decode()
    assert "Camden Centre" in venues and "Barnet Hall" not in venues
    people = coordinator.get(reverse("cohorts:local-professional-list")).content.decode()
    assert "Dr Rao" in people and "Dr Barnet" not in people
    found = coordinator.get(reverse("cohorts:venue-list"), {"q": "centre"})
    assert [v.name for v in found.context["entries"]] == ["Camden Centre"]


def test_an_entry_outside_the_users_areas_is_a_404(coordinator, barnet):
    venue = VenueFactory(local_authority=barnet)
    professional = LocalProfessionalFactory(local_authority=barnet)
    assert coordinator.get(reverse("cohorts:venue-edit", args=[venue.pk])).status_code == 404
    assert (
        coordinator.post(reverse("cohorts:venue-edit", args=[venue.pk]), {"name": "X"}).status_code
        == 404
    )
    url = reverse("cohorts:local-professional-edit", args=[professional.pk])
    assert coordinator.get(url).status_code == 404


def test_a_facilitator_may_not_open_the_directory(client):
    client.force_login(user_with_role(Role.FACILITATOR))
    assert client.get(reverse("cohorts:venue-list")).status_code == 403


def test_add_and_edit_a_venue(coordinator, camden, barnet):
    url = reverse("cohorts:venue-create")
    data = {
        "name": "Camden Centre",
        "postcode": "NW1 1AA",
        "easting": "529000",
        "local_authority": camden.pk,
    }
    response = coordinator.post(url, data)
    assert response.status_code == 200  # northing missing
    assert "Give both the easting and the northing" in response.content.decode()
    response = coordinator.post(url, {**data, "local_authority": barnet.pk, "northing": "1"})
    assert "Select a valid choice" in response.content.decode()
    assert not Venue.objects.exists()

    response = coordinator.post(url, {**data, "northing": "183500", "capacity": "60"})
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert (venue.local_authority, venue.northing, venue.capacity) == (camden, 183500, 60)

    edit = reverse("cohorts:venue-edit", args=[venue.pk])
    page = coordinator.get(edit)
    assert page.context["form"]["name"].value() == "Camden Centre"
    assert '<h1 class="h2">Edit Camden Centre</h1>' in page.content.decode()
    response = coordinator.post(edit, {**data, "name": "Camden Centre (main hall)", "easting": ""})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert (venue.name, venue.easting, venue.northing) == ("Camden Centre (main hall)", None, None)
    assert venue.history.count() == 2


def test_a_second_venue_of_one_name_is_refused_readably(coordinator, camden):
    VenueFactory(name="Camden Centre", local_authority=camden)
    response = coordinator.post(
        reverse("cohorts:venue-create"), {"name": "camden centre", "local_authority": camden.pk}
    )
    assert "This area has a venue of this name already." in response.content.decode()
    assert Venue.objects.count() == 1


def test_add_a_local_professional(coordinator, camden):
    response = coordinator.post(
        reverse("cohorts:local-professional-create"),
        {
            "name": "Dr Rao",
            "role": "Consultant",
            "organisation": "Camden CYPMHS",
            "sector": OrganisationType.NHS_CYPMHS,
            "email": "rao@nhs.example",
            "local_authority": camden.pk,
        },
    )
    assert response.status_code == 302
    assert LocalProfessional.objects.get().local_authority == camden


def test_import_page_previews_then_imports(coordinator, camden):
    url = reverse("cohorts:local-professional-import")
    text = (
        "name,organisation,sector,email,local authority\n"
        "Dr Rao,CYPMHS,NHS CYPMHS,r@n.example,Camden\n"
    )

    def post(action, body=text):
        upload = io.BytesIO(body.encode())
        upload.name = "people.csv"
        return coordinator.post(url, {"file": upload, "action": action})

    preview = post("preview")
    assert preview.context["report"].added == 1 and not LocalProfessional.objects.exists()
    post("import")
    assert LocalProfessional.objects.get().name == "Dr Rao"
    bad = post("import", text + "Ms X,Y,VCS,x@y.example,Barnet\n")
    assert (
        "The local authority &#x27;Barnet&#x27; is not one of your areas." in bad.content.decode()
    )
    assert LocalProfessional.objects.count() == 1
    empty = post("import", "")
    assert "The submitted file is empty." in empty.content.decode()


# --- Professionals to cohorts ---------------------------------------------------------------


@pytest.fixture
def phase(camden):
    EstablishmentFactory(la=camden)  # an LA is offered where it has establishments
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    return phase


def test_professionals_go_to_cohorts_in_one_submission(coordinator, camden, barnet, phase):
    url = reverse("cohorts:professionals-to-cohorts")
    rao = LocalProfessionalFactory(name="Dr Rao", email="rao@nhs.example", local_authority=camden)
    field = LocalProfessionalFactory(name="Ms Field", local_authority=camden)
    elsewhere = LocalProfessionalFactory(local_authority=barnet)
    one = CohortFactory(phase=phase, local_authority=camden, name="Camden 1")
    two = CohortFactory(phase=phase, local_authority=camden, name="Camden 2")
    CohortFactory(phase=phase, local_authority=camden, status=CohortStatus.CANCELLED)
    ProfessionalFactory(cohort=two, email="RAO@nhs.example")  # on it already

    page = coordinator.get(url, {"phase": phase.pk, "area": f"la-{camden.pk}"})
    form = page.context["form"]
    assert list(form.fields["professionals"].queryset) == [rao, field]
    assert list(form.fields["cohorts"].queryset) == [one, two]

    area = {"phase": phase.pk, "area": f"la-{camden.pk}"}
    refused = coordinator.post(
        url, {**area, "professionals": [rao.pk, elsewhere.pk], "cohorts": [one.pk]}
    )
    assert refused.status_code == 200 and not one.professionals.exists()

    response = coordinator.post(
        url, {**area, "professionals": [rao.pk, field.pk], "cohorts": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "3 professionals added to cohorts; 1 already on the cohort, left as they were."
    ]
    assert sorted(one.professionals.values_list("name", flat=True)) == ["Dr Rao", "Ms Field"]
    assert two.professionals.count() == 2
    added = one.professionals.get(name="Dr Rao")
    assert (added.organisation, added.organisation_type) == (rao.organisation, rao.sector)
    assert added.history.get().history_user.username == Role.REGIONAL_COORDINATOR.value
    # Again: nobody is added twice.
    coordinator.post(url, {**area, "professionals": [rao.pk], "cohorts": [one.pk]})
    assert Professional.objects.count() == 4


def test_nothing_chosen_is_an_error(coordinator, camden, phase):
    LocalProfessionalFactory(local_authority=camden)
    CohortFactory(phase=phase, local_authority=camden)
    response = coordinator.post(
        reverse("cohorts:professionals-to-cohorts"), {"phase": phase.pk, "area": f"la-{camden.pk}"}
    )
    assert response.context["form"].errors == {
        "professionals": ["Choose at least one professional."],
        "cohorts": ["Choose at least one cohort."],
    }


# --- What the lists cost --------------------------------------------------------------------

#: session, user, the user's permissions (2), roles, the scope's assignment and its two area
#: lists, the count, the roles again for the user menu, and the page of rows (joined to their
#: LA and MHST area): 11 at any length.
LIST_QUERIES = 11


@pytest.mark.parametrize("rows", [20, 2000])
@pytest.mark.parametrize("which", ["venue", "local-professional"])
def test_the_lists_cost_the_same_at_20_and_2000_rows(
    coordinator, camden, django_assert_max_num_queries, rows, which
):
    if which == "venue":
        Venue.objects.bulk_create(
            Venue(name=f"Venue {n:04d}", local_authority=camden, easting=529000, northing=183500)
            for n in range(rows)
        )
    else:
        LocalProfessional.objects.bulk_create(
            LocalProfessional(
                name=f"Person {n:04d}",
                organisation="CYPMHS",
                sector=OrganisationType.NHS_CYPMHS,
                email=f"p{n}@nhs.example",
                local_authority=camden,
            )
            for n in range(rows)
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        response = coordinator.get(reverse(f"cohorts:{which}-list"))
    assert response.context["paginator"].count == rows
    assert len(response.context["entries"]) == min(rows, 50)


def test_the_main_navigation_marks_the_directory(coordinator):
    page = coordinator.get(reverse("cohorts:venue-list")).content.decode()
    assert 'class="nav-link active" aria-current="page" href="/cohorts/directory/venues/"' in page
    assert 'aria-current="page" href="/cohorts/"' not in page
