"""The cohort and workshop-day forms offer the area's directory venues for the venue name
(a datalist: free text still goes), and a directory venue chosen without an address brings
its address."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    camden = LocalAuthorityFactory(name="Camden")
    EstablishmentFactory(la=camden)  # an LA is offered where it has establishments
    return camden


@pytest.fixture
def coordinator(client, camden):
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    return client


def cohort_data(cohort, **changes):
    return {
        "name": cohort.name,
        "local_authority": cohort.local_authority_id,
        "capacity": cohort.capacity,
        "format": cohort.format,
        "venue_name": "",
        "venue_address": "",
        **changes,
    }


def test_the_cohort_form_offers_the_areas_venues(coordinator, camden):
    cohort = CohortFactory(local_authority=camden)
    VenueFactory(name="Camden Centre", local_authority=camden, address="1 High St")
    VenueFactory(name="Barnet Hall", local_authority=LocalAuthorityFactory())
    page = coordinator.get(reverse("cohorts:edit", args=[cohort.pk])).content.decode()
    assert 'list="directory-venues"' in page
    assert '<option value="Camden Centre">1 High St, NW1 1AA</option>' in page
    assert "Barnet Hall" not in page


def test_a_directory_venue_brings_its_address_and_free_text_stays(coordinator, camden):
    cohort = CohortFactory(local_authority=camden)
    cohort.phase.local_authorities.add(camden)  # a phase the coordinator sees
    VenueFactory(name="Camden Centre", local_authority=camden, address="1 High St")
    url = reverse("cohorts:edit", args=[cohort.pk])
    response = coordinator.post(url, cohort_data(cohort, venue_name="camden centre"))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.venue_name, cohort.venue_address) == ("camden centre", "1 High St, NW1 1AA")
    coordinator.post(url, cohort_data(cohort, venue_name="Camden Centre", venue_address="Room 2"))
    cohort.refresh_from_db()
    assert cohort.venue_address == "Room 2"
    coordinator.post(url, cohort_data(cohort, venue_name="The Round House"))
    cohort.refresh_from_db()
    assert (cohort.venue_name, cohort.venue_address) == ("The Round House", "")


def test_the_workshop_days_offer_the_areas_venues(coordinator, camden):
    cohort = CohortFactory(local_authority=camden)
    VenueFactory(name="Kentish Town Library", local_authority=camden, address="Leighton Rd")
    url = reverse("cohorts:workshops", args=[cohort.pk])
    page = coordinator.get(url).content.decode()
    assert page.count('list="directory-venues"') == 2
    assert page.count('<datalist id="directory-venues">') == 1
    days = {
        "day1-date": "2026-03-02",
        "day1-start_time": "09:30",
        "day1-end_time": "16:00",
        "day1-venue_name": "Kentish Town Library",
        "day2-date": "2026-04-13",
        "day2-start_time": "09:30",
        "day2-end_time": "16:00",
    }
    assert coordinator.post(url, days).status_code == 302
    day_1 = cohort.workshops.get(day=1)
    assert (day_1.venue_name, day_1.venue_address) == (
        "Kentish Town Library",
        "Leighton Rd, NW1 1AA",
    )
    assert cohort.workshops.get(day=2).venue_address == ""
