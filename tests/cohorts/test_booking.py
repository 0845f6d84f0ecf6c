"""Booking a place: one active place per establishment, capacity, closing, the waiting list."""

import datetime as dt
import re

import pytest
from django.test import override_settings

from cohorts.errors import BookingError
from cohorts.models import CohortStatus, Place, PlaceStatus
from cohorts.services.places import Attendee, place_book, place_cancel, place_change_attendee
from schools.models import Status
from tests.cohorts.factories import CohortFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def school_in(cohort, **kwargs):
    return EstablishmentFactory(la=cohort.local_authority, **kwargs)


def test_booking_an_open_cohort_books_a_seat(clock, attendee):
    cohort = make_open_cohort(capacity=2)
    school = school_in(cohort)

    place = place_book(establishment=school, cohort=cohort, attendee=attendee)

    place.refresh_from_db()
    assert place.status == PlaceStatus.BOOKED
    assert place.waiting_position is None
    assert (place.attendee_name, place.attendee_email) == ("Sam Lead", "sam.lead@school.example")
    assert place.access_needs == "Step-free access"
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.OPEN


def test_the_last_seat_makes_the_cohort_full_and_later_bookings_wait_in_order(clock, attendee):
    cohort = make_open_cohort(capacity=1)
    first, second, third = (school_in(cohort) for _ in range(3))

    booked = place_book(establishment=first, cohort=cohort, attendee=attendee)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.FULL
    waiting_1 = place_book(establishment=second, cohort=cohort, attendee=attendee)
    waiting_2 = place_book(establishment=third, cohort=cohort, attendee=attendee)

    assert booked.status == PlaceStatus.BOOKED
    assert (waiting_1.status, waiting_1.waiting_position) == (PlaceStatus.WAITING, 1)
    assert (waiting_2.status, waiting_2.waiting_position) == (PlaceStatus.WAITING, 2)
    assert cohort.places.filter(status=PlaceStatus.BOOKED).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Sam\nLead", "Attendee name: Enter this on one line."),
        ("role", "SENCo\r\nDeputy head", "Attendee role: Enter this on one line."),
        ("phone", "020 7946\u20280000", "Attendee phone: Enter this on one line."),
        ("email", "sam@school.example\nBcc: x@y.example", "Attendee email: Enter a valid"),
    ],
)
def test_the_services_refuse_attendee_details_on_two_lines(clock, attendee, field, value, message):
    cohort = make_open_cohort()
    school = school_in(cohort)
    broken = Attendee(**{**vars(attendee), field: value})

    with pytest.raises(BookingError, match=re.escape(message)):
        place_book(establishment=school, cohort=cohort, attendee=broken)
    assert not Place.objects.exists()

    place = place_book(establishment=school, cohort=cohort, attendee=attendee)
    with pytest.raises(BookingError, match=re.escape(message)):
        place_change_attendee(place=place, attendee=broken)
    place.refresh_from_db()
    assert (place.attendee_name, place.attendee_role) == (attendee.name, attendee.role)


def test_an_establishment_holds_one_active_place_in_the_whole_programme(clock, attendee):
    cohort, other = make_open_cohort(), make_open_cohort()
    school = school_in(cohort)
    first = place_book(establishment=school, cohort=cohort, attendee=attendee)

    with pytest.raises(BookingError, match="already has a place in the programme") as refused:
        place_book(establishment=school, cohort=other, attendee=attendee)
    assert cohort.name in refused.value.message
    assert refused.value.code == "already_placed"

    place_cancel(place=first)
    again = place_book(establishment=school, cohort=other, attendee=attendee)
    assert again.status == PlaceStatus.BOOKED


def test_a_waiting_list_entry_also_counts_as_the_one_active_place(clock, attendee):
    full = make_open_cohort(capacity=1)
    place_book(establishment=school_in(full), cohort=full, attendee=attendee)
    school = school_in(full)
    place_book(establishment=school, cohort=full, attendee=attendee)  # waiting

    with pytest.raises(BookingError, match="on the waiting list"):
        place_book(establishment=school, cohort=make_open_cohort(), attendee=attendee)


def test_an_ineligible_establishment_is_refused(clock, attendee):
    cohort = make_open_cohort()
    closed = school_in(cohort, status=Status.CLOSED)

    with pytest.raises(BookingError, match="not eligible"):
        place_book(establishment=closed, cohort=cohort, attendee=attendee)
    assert not Place.objects.exists()


def test_a_planned_cohort_takes_no_bookings(clock, attendee):
    cohort = CohortFactory()

    with pytest.raises(BookingError, match="not open for booking"):
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)


def test_booking_closes_seven_days_before_workshop_1(clock, attendee):
    cohort = make_open_cohort(day_1=dt.date(2026, 2, 16))
    school = school_in(cohort)

    clock.move_to(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC))  # the 7th day before: closed
    with pytest.raises(BookingError, match="last day to book was 9 February 2026"):
        place_book(establishment=school, cohort=cohort, attendee=attendee)

    clock.move_to(dt.datetime(2026, 2, 9, 12, 0, tzinfo=dt.UTC))  # the last day to book
    assert place_book(establishment=school, cohort=cohort, attendee=attendee).pk


@override_settings(LINK_BOOKING_CLOSES_DAYS=14)
def test_the_booking_window_is_configurable(clock, attendee):
    cohort = make_open_cohort(day_1=dt.date(2026, 2, 16))
    clock.move_to(dt.datetime(2026, 2, 3, 12, 0, tzinfo=dt.UTC))

    with pytest.raises(BookingError, match="was 2 February 2026, 14 days before"):
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)


def test_a_cancelled_waiting_entry_keeps_the_order_of_the_others(clock, attendee):
    cohort = make_open_cohort(capacity=1)
    place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)
    entries = [
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)
        for _ in range(3)
    ]

    place_cancel(place=entries[0])

    waiting = list(cohort.places.filter(status=PlaceStatus.WAITING).order_by("waiting_position"))
    assert [p.pk for p in waiting] == [entries[1].pk, entries[2].pk]
    assert cohort.places.filter(status=PlaceStatus.OFFERED).count() == 0
