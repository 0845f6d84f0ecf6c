"""Cohorts: opening for booking (dates, venue), starting, cancelling, the area rule."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cohorts.errors import CohortError
from cohorts.models import CancelReason, Cohort, CohortFormat, CohortStatus, PlaceStatus
from cohorts.services.cohorts import (
    cohort_cancel,
    cohort_create,
    cohort_mark_running,
    cohort_open_for_booking,
    cohort_update,
)
from cohorts.services.places import place_book, place_cancel
from tests.cohorts.factories import CohortFactory, PhaseFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 5)  # the frozen clock's date


def with_days(cohort, day_1, day_2):
    WorkshopFactory(cohort=cohort, day=1, date=day_1)
    WorkshopFactory(cohort=cohort, day=2, date=day_2)
    return cohort


def test_a_cohort_opens_with_both_future_days_about_six_weeks_apart(clock):
    cohort = with_days(CohortFactory(), dt.date(2026, 3, 2), dt.date(2026, 4, 13))

    assert cohort_open_for_booking(cohort=cohort) == []

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.OPEN


def test_workshops_under_four_weeks_apart_open_with_a_warning(clock):
    cohort = with_days(CohortFactory(), dt.date(2026, 3, 2), dt.date(2026, 3, 23))

    warnings = cohort_open_for_booking(cohort=cohort)

    assert warnings == [
        "The workshops are only 21 days apart. The programme recommends about six weeks, "
        "and at least 4 weeks, so that schools can act between them."
    ]
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.OPEN


@pytest.mark.parametrize(
    ("day_1", "day_2", "message"),
    [
        (dt.date(2025, 12, 1), dt.date(2026, 1, 12), "cannot open for booking with past dates"),
        (TODAY, dt.date(2026, 2, 16), "cannot open for booking with past dates"),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 2), "Workshop 2 .* must be after workshop 1"),
        (dt.date(2026, 1, 9), dt.date(2026, 2, 20), "would already have closed"),
    ],
)
def test_a_cohort_cannot_open_with_past_or_disordered_dates(clock, day_1, day_2, message):
    cohort = with_days(CohortFactory(), day_1, day_2)

    with pytest.raises(Exception, match=message):
        cohort_open_for_booking(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED


def test_a_cohort_cannot_open_without_both_days_or_without_its_venue(clock):
    cohort = CohortFactory()
    WorkshopFactory(cohort=cohort, day=1, date=dt.date(2026, 3, 2))
    with pytest.raises(CohortError, match="Set the dates of both workshops"):
        cohort_open_for_booking(cohort=cohort)

    online = with_days(
        CohortFactory(format=CohortFormat.ONLINE), dt.date(2026, 3, 2), dt.date(2026, 4, 13)
    )
    with pytest.raises(CohortError, match="online but has no joining link"):
        cohort_open_for_booking(cohort=online)


def test_a_cohort_needs_an_area_and_at_most_20_seats():
    phase = PhaseFactory()
    with pytest.raises(CohortError, match="needs an area"):
        cohort_create(phase=phase, name="Nowhere")
    with pytest.raises(CohortError, match="between 1 and 20"):
        cohort_create(phase=phase, name="Big", local_authority=LocalAuthorityFactory(), capacity=25)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(phase=phase, name="No area, straight to the table")


def test_the_services_refuse_a_name_or_venue_on_two_lines():
    phase, camden = PhaseFactory(), LocalAuthorityFactory()
    with pytest.raises(CohortError, match=r"^Name: Enter this on one line\.$"):
        cohort_create(phase=phase, name="Camden\nspring", local_authority=camden)
    assert not Cohort.objects.exists()
    cohort = cohort_create(
        phase=phase, name="Camden spring", local_authority=camden, venue_name="Civic Centre"
    )

    with pytest.raises(CohortError, match=r"^Venue name: Enter this on one line\.$"):
        cohort_update(
            cohort=cohort,
            name="Camden spring",
            local_authority=camden,
            mhst_area=None,
            format=CohortFormat.IN_PERSON,
            venue_name="Civic Centre\r\nHall 2",
        )

    cohort.refresh_from_db()
    assert (cohort.name, cohort.venue_name) == ("Camden spring", "Civic Centre")


def test_starting_a_cohort_releases_its_waiting_list(clock, attendee):
    cohort = make_open_cohort(capacity=1)
    booked, waiting = (
        place_book(
            establishment=EstablishmentFactory(la=cohort.local_authority),
            cohort=cohort,
            attendee=attendee,
        )
        for _ in range(2)
    )

    cohort_mark_running(cohort=cohort)

    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert booked.status == PlaceStatus.BOOKED
    assert (waiting.status, waiting.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.COHORT_STARTED,
    )
    place_cancel(place=booked)  # a seat freed on a running cohort is offered to no one
    assert not cohort.places.filter(status=PlaceStatus.OFFERED).exists()


def test_cancelling_a_cohort_cancels_its_places(clock, attendee):
    cohort = make_open_cohort()
    place = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee,
    )

    cohort_cancel(cohort=cohort)

    place.refresh_from_db()
    assert (place.status, place.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.COHORT_CANCELLED,
    )
    with pytest.raises(CohortError, match="already cancelled"):
        cohort_cancel(cohort=cohort)
