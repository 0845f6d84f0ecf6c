"""Editing a cohort: readable refusals, all or nothing, facilitators only in the facilitator
picker, one entry per professional's email, and the area named once."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from cohorts.errors import CohortError, WorkshopError
from cohorts.models import Cohort, PlaceStatus
from cohorts.services.cohorts import cohort_create, cohort_update
from cohorts.services.places import Attendee, place_book
from cohorts.services.sessions import professional_add, professional_update
from tests.accounts.factories import UserFactory, user_with_role
from tests.cohorts.factories import CohortFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import OrganisationType, Professional

pytestmark = pytest.mark.django_db

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


def edit_url(cohort):
    return reverse("cohorts:edit", args=[cohort.pk])


def form_of(cohort, **changes):
    """The edit form as the page posts it, with ``changes``."""
    data = {
        "name": cohort.name,
        "local_authority": cohort.local_authority_id or "",
        "mhst_area": cohort.mhst_area_id or "",
        "capacity": cohort.capacity,
        "format": cohort.format,
        "venue_name": cohort.venue_name,
        "venue_address": cohort.venue_address,
        "joining_link": cohort.joining_link,
        "facilitators": [u.pk for u in cohort.facilitators.all()],
    }
    data.update(changes)
    return data


def book(cohort):
    return place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=ATTENDEE,
    )


# --- Capacity ----------------------------------------------------------------------------------


def test_the_capacity_input_says_1_to_20(admin_client):
    cohort = CohortFactory()

    page = admin_client.get(edit_url(cohort)).content.decode()

    start = page.index('name="capacity"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    assert 'min="1"' in tag and 'max="20"' in tag


@pytest.mark.parametrize(
    ("capacity", "message"), [(25, "at most 20 schools"), (0, "at least 1 school")]
)
def test_a_capacity_out_of_range_is_refused_in_words_and_nothing_is_saved(
    admin_client, capacity, message
):
    cohort = CohortFactory(name="Camden spring")

    response = admin_client.post(
        edit_url(cohort), form_of(cohort, name="Renamed", capacity=capacity)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"A cohort takes {message}." in page
    assert "Constraint" not in page and "is violated" not in page
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Camden spring", 20)


def test_a_refused_capacity_change_saves_none_of_the_other_changes(admin_client, clock):
    cohort = make_open_cohort(name="Camden spring", capacity=3)
    book(cohort), book(cohort)

    response = admin_client.post(
        edit_url(cohort),
        form_of(cohort, name="Camden summer", venue_name="Town Hall", capacity=1),
    )

    assert response.status_code == 200
    assert "2 places on Camden spring are taken" in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.name, cohort.venue_name, cohort.capacity) == (
        "Camden spring",
        "Civic Centre",
        3,
    )


def test_the_update_service_changes_capacity_with_the_rest_all_or_nothing(clock):
    cohort = make_open_cohort(capacity=1)
    book(cohort)
    waiting = book(cohort)

    with pytest.raises(CohortError, match="in person but has no venue"):
        cohort_update(
            cohort=cohort,
            name=cohort.name,
            local_authority=cohort.local_authority,
            mhst_area=None,
            format=cohort.format,
            venue_name="",
            capacity=2,
        )
    cohort.refresh_from_db()
    waiting.refresh_from_db()
    assert (cohort.capacity, waiting.status) == (1, PlaceStatus.WAITING)

    cohort_update(
        cohort=cohort,
        name="Bigger",
        local_authority=cohort.local_authority,
        mhst_area=None,
        format=cohort.format,
        venue_name="Town Hall",
        venue_address="1 High Street",
        capacity=2,
    )

    cohort.refresh_from_db()
    waiting.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Bigger", 2)
    assert waiting.status == PlaceStatus.OFFERED  # the new seat is offered at once


# --- Facilitators ------------------------------------------------------------------------------


@pytest.fixture
def people():
    return {
        "facilitator": user_with_role(Role.FACILITATOR, username="fran"),
        "viewer": user_with_role(Role.VIEWER, username="vic"),
        "coordinator": user_with_role(
            Role.REGIONAL_COORDINATOR, username="cora", regions=["E12000007"]
        ),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
        "gone": UserFactory(username="gone", is_active=False),
    }


def test_the_facilitator_picker_lists_facilitators_only(admin_client, people):
    people["gone"].groups.add(*people["facilitator"].groups.all())  # a former facilitator
    cohort = CohortFactory()

    response = admin_client.get(edit_url(cohort))

    choices = list(response.context["form"].fields["facilitators"].queryset)
    assert choices == [people["facilitator"]]
    assert (
        admin_client.get(reverse("cohorts:create"))
        .context["form"]
        .fields["facilitators"]
        .queryset.get()
        == people["facilitator"]
    )


def test_a_facilitator_who_lost_the_role_stays_listed_on_their_cohort(admin_client, people):
    cohort = CohortFactory()
    cohort.facilitators.add(people["viewer"])  # chosen before the rule, or role taken away

    response = admin_client.get(edit_url(cohort))
    assert set(response.context["form"].fields["facilitators"].queryset) == {
        people["facilitator"],
        people["viewer"],
    }
    # Saving the cohort as it is keeps them; adding another non-facilitator is refused.
    assert admin_client.post(edit_url(cohort), form_of(cohort)).status_code == 302
    assert list(cohort.facilitators.all()) == [people["viewer"]]


def test_posting_a_non_facilitator_is_refused_and_nothing_is_saved(admin_client, people):
    cohort = CohortFactory(name="Camden spring")

    response = admin_client.post(
        edit_url(cohort), form_of(cohort, name="Renamed", facilitators=[people["viewer"].pk])
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.name == "Camden spring" and not cohort.facilitators.exists()


@pytest.mark.parametrize("who", ["viewer", "coordinator", "admin", "gone"])
def test_the_services_refuse_a_facilitator_without_the_role(people, who):
    cohort = CohortFactory(name="Camden spring")

    with pytest.raises(CohortError, match="not a facilitator"):
        cohort_update(
            cohort=cohort,
            name="Renamed",
            local_authority=cohort.local_authority,
            mhst_area=None,
            format=cohort.format,
            facilitators=[people["facilitator"], people[who]],
        )
    with pytest.raises(CohortError, match="not a facilitator"):
        cohort_create(
            phase=cohort.phase,
            name="New",
            local_authority=cohort.local_authority,
            facilitators=[people[who]],
        )
    cohort.refresh_from_db()
    assert cohort.name == "Camden spring" and not cohort.facilitators.exists()
    assert Cohort.objects.count() == 1


def test_the_picker_shows_full_names_as_checkboxes(admin_client, people):
    people["facilitator"].first_name, people["facilitator"].last_name = "Fran", "Okafor"
    people["facilitator"].save()
    cohort = CohortFactory()

    page = admin_client.get(edit_url(cohort)).content.decode()

    assert re.search(r'<input type="checkbox"[^>]* name="facilitators"', page)
    assert "<select" not in page[page.index('id="div_id_facilitators"') :]
    assert "Fran Okafor (fran)" in page


# --- Professionals -----------------------------------------------------------------------------


def test_the_same_professionals_email_is_refused_twice_on_one_cohort(admin_client):
    cohort = CohortFactory()
    ProfessionalFactory(cohort=cohort, name="Dr Rao", email="a.rao@nhs.example")
    url = reverse("cohorts:professional-add", args=[cohort.pk])

    response = admin_client.post(
        url,
        {
            "name": "Anita Rao",
            "organisation": "CYPMHS",
            "organisation_type": OrganisationType.NHS_CYPMHS,
            "email": "A.Rao@NHS.example",
        },
    )

    assert response.status_code == 200
    assert (
        "Dr Rao is already on this cohort with the email address A.Rao@NHS.example"
        in response.content.decode()
    )
    assert cohort.professionals.count() == 1


def test_the_same_email_may_attend_another_cohort():
    ProfessionalFactory(email="a.rao@nhs.example")
    other = CohortFactory()

    professional_add(
        cohort=other,
        name="Dr Rao",
        organisation="CYPMHS",
        organisation_type=OrganisationType.NHS_CYPMHS,
        email="a.rao@nhs.example",
    )

    assert Professional.objects.filter(email="a.rao@nhs.example").count() == 2


def test_correcting_a_professional_to_anothers_email_is_refused():
    cohort = CohortFactory()
    ProfessionalFactory(cohort=cohort, name="Dr Rao", email="a.rao@nhs.example")
    other = ProfessionalFactory(cohort=cohort, name="Sam Lee", email="s.lee@nhs.example")

    with pytest.raises(WorkshopError, match="Dr Rao is already on this cohort"):
        professional_update(
            professional=other,
            name="Sam Lee",
            organisation="CYPMHS",
            organisation_type=OrganisationType.NHS_CYPMHS,
            email="a.RAO@nhs.example",
        )
    other.refresh_from_db()
    assert other.email == "s.lee@nhs.example"
    # Their own address in another case is no clash.
    professional_update(
        professional=other,
        name="Sam Lee",
        organisation="CYPMHS",
        organisation_type=OrganisationType.NHS_CYPMHS,
        email="S.Lee@nhs.example",
    )


def test_the_database_refuses_one_email_twice_on_a_cohort_whatever_its_case():
    cohort = CohortFactory()
    ProfessionalFactory(cohort=cohort, email="a.rao@nhs.example")

    with pytest.raises(IntegrityError), transaction.atomic():
        ProfessionalFactory(cohort=cohort, email="A.Rao@nhs.example")


# --- The area, named once ----------------------------------------------------------------------


def test_an_la_and_mhst_area_of_one_name_are_named_once(admin_client):
    camden = LocalAuthorityFactory(name="Camden")
    cohort = CohortFactory(local_authority=camden, mhst_area=MHSTAreaFactory(name="Camden"))
    other = CohortFactory(
        local_authority=camden, mhst_area=MHSTAreaFactory(name="North Central London")
    )

    assert cohort.area_name == "Camden"
    assert other.area_name == "Camden · North Central London"
    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Camden · Camden" not in page
    assert "Camden · Camden" not in admin_client.get(reverse("cohorts:list")).content.decode()


# --- Cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_the_edit_page_costs_the_same_with_5_and_50_facilitators(
    admin_client, django_assert_max_num_queries, rows
):
    for n in range(rows):
        user_with_role(Role.FACILITATOR, username=f"facilitator{n}")
    cohort = CohortFactory()
    cohort.facilitators.add(*UserFactory.create_batch(3))

    with django_assert_max_num_queries(EDIT_QUERIES):
        response = admin_client.get(edit_url(cohort))
    assert len(response.context["form"].fields["facilitators"].queryset) == rows + 3
    with django_assert_max_num_queries(REFUSED_EDIT_QUERIES):
        response = admin_client.post(edit_url(cohort), form_of(cohort, capacity=99))
    assert response.status_code == 200


#: session, user, roles, cohort, phases, LAs, MHST areas, facilitators and the chosen ones,
#: the area's directory venues
EDIT_QUERIES = 11
#: … and the form's checks of each choice and of the model's constraints
REFUSED_EDIT_QUERIES = 23
