"""The waiting list: freed seats are offered in order, offers expire, capacity and moves."""

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from cohorts.errors import BookingError, CohortError
from cohorts.models import CancelReason, CohortStatus, PlaceStatus
from cohorts.services.cohorts import cohort_set_capacity
from cohorts.services.places import (
    Attendee,
    offer_accept,
    offer_decline,
    offers_expire,
    place_book,
    place_cancel,
    place_change_attendee,
    place_move,
)
from cohorts.tasks import expire_offers
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.conftest import NOW
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_cohort(clock, attendee):
    """A one-seat cohort: one school booked, two waiting (in that order)."""
    cohort = make_open_cohort(capacity=1)
    booked, first, second = (
        place_book(
            establishment=EstablishmentFactory(la=cohort.local_authority),
            cohort=cohort,
            attendee=attendee,
        )
        for _ in range(3)
    )
    return cohort, booked, first, second


def reload(*objs):
    for obj in objs:
        obj.refresh_from_db()


def test_a_cancellation_offers_the_seat_to_the_first_waiting_school_for_48_hours(full_cohort):
    cohort, booked, first, second = full_cohort

    place_cancel(place=booked)

    reload(booked, first, second, cohort)
    assert (booked.status, booked.cancel_reason) == (PlaceStatus.CANCELLED, CancelReason.BY_SCHOOL)
    assert first.status == PlaceStatus.OFFERED
    assert first.offer_expires_at == NOW + dt.timedelta(hours=48)
    assert first.waiting_position is None
    assert (second.status, second.waiting_position) == (PlaceStatus.WAITING, 2)
    assert cohort.status == CohortStatus.FULL  # the offer holds the seat


@override_settings(LINK_OFFER_HOURS=24)
def test_the_offer_period_is_configurable(full_cohort):
    cohort, booked, first, _ = full_cohort
    place_cancel(place=booked)
    first.refresh_from_db()
    assert first.offer_expires_at == NOW + dt.timedelta(hours=24)


def test_an_accepted_offer_becomes_a_booking(full_cohort, clock):
    _, booked, first, _ = full_cohort
    place_cancel(place=booked)
    clock.shift(dt.timedelta(hours=47))

    offer_accept(place=first)

    first.refresh_from_db()
    assert (first.status, first.offer_expires_at) == (PlaceStatus.BOOKED, None)


def test_an_offer_cannot_be_accepted_after_it_expired(full_cohort, clock):
    _, booked, first, _ = full_cohort
    place_cancel(place=booked)
    clock.shift(dt.timedelta(hours=48))

    with pytest.raises(BookingError, match="This offer expired at 7 January 2026, 10:00") as e:
        offer_accept(place=first)
    assert e.value.code == "offer_expired"


def test_an_unanswered_offer_expires_and_the_next_school_is_offered(full_cohort, clock):
    cohort, booked, first, second = full_cohort
    place_cancel(place=booked)

    clock.shift(dt.timedelta(hours=47, minutes=59))
    assert offers_expire() == 0
    clock.shift(dt.timedelta(minutes=1))
    assert offers_expire() == 1
    assert offers_expire() == 0  # a second run (or a second worker) changes nothing

    reload(first, second, cohort)
    assert (first.status, first.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.OFFER_EXPIRED,
    )
    assert second.status == PlaceStatus.OFFERED
    assert second.offer_expires_at == NOW + dt.timedelta(hours=96)
    assert cohort.status == CohortStatus.FULL


def test_when_the_last_offer_expires_with_no_one_waiting_the_cohort_reopens(full_cohort, clock):
    cohort, booked, first, second = full_cohort
    place_cancel(place=booked)
    clock.shift(dt.timedelta(hours=48))
    offers_expire()
    clock.shift(dt.timedelta(hours=48))
    offers_expire()

    reload(second, cohort)
    assert second.status == PlaceStatus.CANCELLED
    assert cohort.status == CohortStatus.OPEN


def test_a_declined_offer_passes_to_the_next_school(full_cohort):
    _, booked, first, second = full_cohort
    place_cancel(place=booked)

    offer_decline(place=first)

    reload(first, second)
    assert first.cancel_reason == CancelReason.OFFER_DECLINED
    assert second.status == PlaceStatus.OFFERED


def test_raising_the_capacity_offers_the_new_seats_in_order(full_cohort):
    cohort, _, first, second = full_cohort

    cohort_set_capacity(cohort=cohort, capacity=3)

    reload(first, second, cohort)
    assert first.status == second.status == PlaceStatus.OFFERED
    assert cohort.status == CohortStatus.FULL


def test_capacity_cannot_drop_below_the_seats_taken_or_exceed_20(full_cohort):
    cohort, *_ = full_cohort
    cohort_set_capacity(cohort=cohort, capacity=3)  # two offers now hold seats

    with pytest.raises(CohortError, match="3 places on .* are taken"):
        cohort_set_capacity(cohort=cohort, capacity=2)
    with pytest.raises(CohortError, match="between 1 and 20"):
        cohort_set_capacity(cohort=cohort, capacity=21)


def test_lowering_the_capacity_to_the_seats_taken_makes_the_cohort_full(clock, attendee):
    cohort = make_open_cohort(capacity=5)
    place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee,
    )
    cohort_set_capacity(cohort=cohort, capacity=1)
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.status) == (1, CohortStatus.FULL)


def test_a_booked_place_moves_to_a_cohort_with_room_and_frees_its_seat(full_cohort):
    cohort, booked, first, _ = full_cohort
    other = make_open_cohort(capacity=1, local_authority=cohort.local_authority)

    place_move(place=booked, to_cohort=other)

    reload(booked, first, other)
    assert (booked.cohort_id, booked.status) == (other.pk, PlaceStatus.BOOKED)
    assert other.status == CohortStatus.FULL
    assert first.status == PlaceStatus.OFFERED


def test_a_place_cannot_move_to_a_full_cohort_or_from_the_waiting_list(full_cohort):
    cohort, booked, first, second = full_cohort
    other = make_open_cohort(capacity=1, local_authority=cohort.local_authority)
    place_move(place=booked, to_cohort=other)  # other is now full
    offer_accept(place=first)  # first is now booked on cohort

    with pytest.raises(BookingError, match="has no free places") as refused:
        place_move(place=first, to_cohort=other)
    assert refused.value.code == "no_room"
    with pytest.raises(BookingError, match="Only a booked place can move"):
        place_move(place=second, to_cohort=make_open_cohort())
    reload(first)
    assert first.cohort_id == cohort.pk


def test_the_attendee_can_be_changed(full_cohort):
    _, booked, *_ = full_cohort
    new = Attendee(name="Jo New", role="Deputy head", email="jo@school.example")

    place_change_attendee(place=booked, attendee=new)

    booked.refresh_from_db()
    assert (booked.attendee_name, booked.attendee_role) == ("Jo New", "Deputy head")
    assert (booked.attendee_phone, booked.access_needs) == ("", "")


def test_services_write_their_emails_in_their_transaction_and_log_ids_only(
    clock, attendee, caplog, django_capture_on_commit_callbacks, outbox_broker
):
    cohort = make_open_cohort(capacity=1)
    school = EstablishmentFactory(la=cohort.local_authority)
    caplog.set_level(logging.INFO, logger="cohorts.notifications")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place = place_book(establishment=school, cohort=cohort, attendee=attendee)
    # Written before the commit, with the booking; only the hand-off to the broker waits.
    email = OutgoingEmail.objects.get(kind=EmailKind.BOOKING_CONFIRMATION)
    assert outbox_broker == []
    for callback in callbacks:
        callback()
    assert outbox_broker == [email.pk]

    assert [r.getMessage() for r in caplog.records] == [
        f"notification place_booked place_id={place.pk}"
    ]
    logged = caplog.text
    assert attendee.name not in logged and attendee.email not in logged


def test_a_refused_booking_notifies_no_one(clock, attendee, django_capture_on_commit_callbacks):
    cohort = make_open_cohort()
    school = EstablishmentFactory(la=cohort.local_authority)
    place_book(establishment=school, cohort=cohort, attendee=attendee)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(BookingError):
        place_book(establishment=school, cohort=cohort, attendee=attendee)
    assert callbacks == []


def test_the_periodic_task_expires_offers(full_cohort, clock):
    _, booked, first, second = full_cohort
    place_cancel(place=booked)
    clock.shift(dt.timedelta(hours=49))

    assert expire_offers.apply().get() == 1

    reload(second)
    assert second.status == PlaceStatus.OFFERED


def test_the_admin_cancel_action_goes_through_the_service(full_cohort, admin_client):
    _, booked, first, _ = full_cohort

    response = admin_client.post(
        reverse("admin:cohorts_place_changelist"),
        {"action": "cancel_places", "_selected_action": [booked.pk, first.pk]},
        follow=True,
    )

    assert response.status_code == 200
    reload(booked, first)
    assert (booked.status, booked.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.BY_COORDINATOR,
    )
    assert first.status == PlaceStatus.CANCELLED  # a waiting entry can be cancelled too
    assert "2 places cancelled." in response.content.decode()
