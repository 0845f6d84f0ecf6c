"""The plan binds (issue 13, item 3): a planned school's page offers its planned cohort first
and the other open cohorts of its area on request; booking another stays possible; the page
costs the same at 20 and at 2,000 schools planned in the area."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, CohortStatus, Place, PlaceStatus
from cohorts.services.links import booking_link_path
from schools.models import Establishment
from tests.cohorts.factories import CohortFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Sam Lead",
    "role": "Senior mental health lead",
    "email": "sam.lead@school.example",
    "phone": "",
    "access_needs": "",
}


@pytest.fixture
def camden(clock):
    la = LocalAuthorityFactory(name="Camden")
    soon = make_open_cohort(local_authority=la, name="Camden 1")
    planned = make_open_cohort(
        local_authority=la,
        name="Camden 2",
        phase=soon.phase,
        day_1=timezone.localdate() + dt.timedelta(days=70),
    )
    school = EstablishmentFactory(la=la, name="Hill Primary")
    planned.planned_establishments.add(school)
    return {"la": la, "soon": soon, "planned": planned, "school": school}


def _token(link):
    return link.rstrip("/").rsplit("/", 1)[1]


def test_the_planned_cohort_comes_first_and_the_others_on_request(client, camden):
    link = booking_link_path(establishment=camden["school"])

    page = client.get(link).content.decode()

    assert "The cohort planned for your school" in page
    assert "Planned for your school" in page
    first, _, rest = page.partition('<details class="mb-3" id="other-cohorts">')
    assert "Camden 2" in first and "Camden 1" not in first  # the plan first, alone
    assert "See the other open cohorts in your area (1)" in rest and "Camden 1" in rest
    assert "Cohorts you can book" not in page


def test_a_planned_school_can_still_book_another_cohort(client, camden):
    link = booking_link_path(establishment=camden["school"])
    other = camden["soon"]

    response = client.post(
        reverse("cohorts:book-cohort", args=[_token(link), other.pk]), FORM, follow=True
    )

    assert response.status_code == 200
    place = Place.objects.get(establishment=camden["school"])
    assert (place.cohort, place.status) == (other, PlaceStatus.BOOKED)


def test_a_full_planned_cohort_shows_the_others_open(client, camden):
    planned = camden["planned"]
    Cohort.objects.filter(pk=planned.pk).update(status=CohortStatus.FULL, capacity=1)
    PlaceFactory(cohort=planned)

    page = client.get(booking_link_path(establishment=camden["school"])).content.decode()

    assert '<details class="mb-3" id="other-cohorts" open>' in page
    assert "Camden 2 is full." in page and "Join the waiting list" in page


def test_a_planned_cohort_not_open_yet_is_named_and_the_area_listed(client, camden):
    Cohort.objects.filter(pk=camden["planned"].pk).update(status=CohortStatus.PLANNED)

    page = client.get(booking_link_path(establishment=camden["school"])).content.decode()

    assert "is planned into <strong>Camden 2</strong>, which is not open for booking yet" in page
    assert "Cohorts you can book" in page and "Book a place<span" in page
    assert "<details" not in page


def test_a_planned_cohort_whose_booking_closed_is_named_as_closed(client, camden, clock):
    clock.move_to(timezone.now() + dt.timedelta(days=65))  # Camden 2 closes 7 days before day 1

    page = client.get(booking_link_path(establishment=camden["school"])).content.decode()

    assert "Booking for <strong>Camden 2</strong>, the cohort planned for Hill Primary" in page
    assert "No cohort in your area is open for booking at the moment" in page


def test_a_school_planned_nowhere_sees_the_area_as_before(client, camden):
    other = EstablishmentFactory(la=camden["la"], name="Dale Primary")

    page = client.get(booking_link_path(establishment=other)).content.decode()

    assert "Cohorts you can book" in page
    assert "Camden 1" in page and "Camden 2" in page and "<details" not in page


def _planned_area(schools: int, la) -> Establishment:
    """``schools`` schools in ``la``, planned 20 to a cohort, each cohort open with its days;
    returns one of them."""
    phase = Cohort.objects.filter(local_authority=la).first().phase
    built = Establishment.objects.bulk_create(
        EstablishmentFactory.build_batch(schools, la=la), batch_size=1000
    )
    day_1 = timezone.localdate() + dt.timedelta(days=80)
    for start in range(0, schools, 20):
        cohort = CohortFactory(phase=phase, local_authority=la, status=CohortStatus.OPEN)
        WorkshopFactory(cohort=cohort, day=1, date=day_1)
        WorkshopFactory(cohort=cohort, day=2, date=day_1 + dt.timedelta(days=42))
        cohort.planned_establishments.add(*built[start : start + 20])
    return built[-1]


@pytest.mark.parametrize("schools", [20, 2000])
def test_the_booking_home_costs_the_same_at_20_and_2000_planned_schools(
    client, camden, schools, django_assert_max_num_queries
):
    school = _planned_area(schools, camden["la"])
    link = booking_link_path(establishment=school)

    with django_assert_max_num_queries(6) as captured:
        page = client.get(link).content.decode()

    assert "The cohort planned for your school" in page
    print(f"\nbooking home with {schools} schools planned in the area: {len(captured)} queries")
