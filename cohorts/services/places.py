"""Places on cohorts: booking, the waiting list, offers, moves and cancellations.

Every function that changes who holds a seat locks the cohort row first
(``select_for_update``), so two bookings of the last seat on PostgreSQL queue up behind each
other and the second sees the first. Capacity counts booked, offered, attended and completed
places (an offer holds its seat until it is answered or lapses); waiting places do not.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cohorts import conf, notifications
from cohorts.errors import BookingError
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKABLE_COHORT_STATUSES,
    SEAT_HOLDING_STATUSES,
    AreaInterest,
    CancelReason,
    Cohort,
    CohortStatus,
    Place,
    PlaceStatus,
)
from cohorts.notifications import notify
from cohorts.rules import WorkshopDay
from core.actors import takes_actor
from core.dates import day, day_and_time
from core.validators import field_values_check
from schools.models import Establishment
from workshops.models import Workshop
from workshops.services import participant_move


@dataclass(frozen=True)
class Attendee:
    """The member of staff who attends both workshop days for a school."""

    name: str
    role: str
    email: str
    phone: str = ""
    access_needs: str = ""


def _check_attendee(attendee: Attendee) -> None:
    """The attendee's details as a place holds them: one-line name, role and phone, an
    email address, each within its length."""
    field_values_check(
        Place,
        error=BookingError,
        attendee_name=attendee.name,
        attendee_role=attendee.role,
        attendee_email=attendee.email,
        attendee_phone=attendee.phone,
    )


def lock_cohort(cohort_id: int) -> Cohort:
    """The cohort, its row locked until the transaction ends (call inside ``atomic``)."""
    return (
        Cohort.objects.select_for_update(of=("self",)).select_related("delivery").get(pk=cohort_id)
    )


def lock_place(place_id: int) -> Place:
    return Place.objects.select_for_update().get(pk=place_id)


def _seats_taken(cohort: Cohort) -> int:
    return cohort.places.filter(status__in=SEAT_HOLDING_STATUSES).count()


def _first_day(cohort: Cohort) -> Workshop | None:
    return Workshop.objects.filter(delivery__cohort=cohort, day=WorkshopDay.DAY_1).first()


def booking_last_day(*, day_1: date) -> date:
    """The last day a place can be booked on a cohort whose workshop 1 is on ``day_1``."""
    return day_1 - timedelta(days=conf.booking_closes_days())


def _check_takes_bookings(cohort: Cohort, *, today: date) -> None:
    """Raise unless ``cohort`` (locked) takes bookings or waiting-list entries today."""
    if cohort.status not in BOOKABLE_COHORT_STATUSES:
        raise BookingError(
            f"{cohort.name} is not open for booking (it is {cohort.get_status_display().lower()})."
        )
    day_1 = _first_day(cohort)
    if day_1 is None:
        raise BookingError(f"{cohort.name} has no workshop dates yet, so it cannot be booked.")
    last_day = booking_last_day(day_1=day_1.date)
    if today > last_day:
        raise BookingError(
            f"Booking for {cohort.name} has closed: the last day to book was {day(last_day)}, "
            f"{conf.booking_closes_days()} days before workshop 1. "
            "Choose another cohort or contact the programme team.",
            code="closed",
        )


def _sync_full_status(cohort: Cohort, *, seats_taken: int | None = None) -> None:
    """Open ↔ full as seats fill and free (locked cohort; other statuses are left alone)."""
    if cohort.status not in BOOKABLE_COHORT_STATUSES:
        return
    taken = _seats_taken(cohort) if seats_taken is None else seats_taken
    status = CohortStatus.FULL if taken >= cohort.capacity else CohortStatus.OPEN
    if status != cohort.status:
        cohort.status = status
        cohort.save(update_fields=["status", "updated_at"])


def booking_closed(cohort: Cohort, *, today: date) -> bool:
    """Whether booking for ``cohort`` has closed (``conf.booking_closes_days()`` before
    workshop 1). A cohort without workshop days has not opened, so it has not closed."""
    day_1 = _first_day(cohort)
    return day_1 is not None and today > booking_last_day(day_1=day_1.date)


def offer_free_seats(cohort: Cohort) -> list[Place]:
    """Offer every free seat of ``cohort`` (locked by the caller) to the waiting list, in
    order, each offer held for ``conf.offer_duration()``. Returns the places offered.

    Once booking has closed no offer is made: the waiting list closes instead
    (``waiting_list_close``)."""
    offered: list[Place] = []
    if cohort.status not in BOOKABLE_COHORT_STATUSES:
        return offered
    if booking_closed(cohort, today=timezone.localdate()):
        waiting_list_close(cohort)
        _sync_full_status(cohort)
        return offered
    taken = _seats_taken(cohort)
    expires_at = timezone.now() + conf.offer_duration()
    waiting = cohort.places.filter(status=PlaceStatus.WAITING).order_by("waiting_position")
    for place in waiting[: max(cohort.capacity - taken, 0)]:
        place.status = PlaceStatus.OFFERED
        place.waiting_position = None
        place.offer_expires_at = expires_at
        place.save(update_fields=["status", "waiting_position", "offer_expires_at", "updated_at"])
        notify(notifications.offer_made, place_id=place.pk)
        offered.append(place)
    _sync_full_status(cohort, seats_taken=taken + len(offered))
    return offered


def existing_active_place(establishment: Establishment) -> Place | None:
    return (
        Place.objects.filter(establishment=establishment, status__in=ACTIVE_PLACE_STATUSES)
        .select_related("cohort")
        .first()
    )


def _already_placed(establishment: Establishment, existing: Place | None) -> BookingError:
    where = (
        f" ({existing.get_status_display().lower()} on {existing.cohort.name})" if existing else ""
    )
    return BookingError(
        f"{establishment.name} already has a place in the programme{where}. "
        "A school can hold one place at a time: change or cancel that one instead.",
        code="already_placed",
    )


@takes_actor
def place_book(*, establishment: Establishment, cohort: Cohort, attendee: Attendee) -> Place:
    """Book ``establishment`` a seat on ``cohort``, or put it on the waiting list if full.

    Refused (``BookingError``) when the establishment is not eligible or already holds an
    active place, when the cohort is not open, or when booking has closed. The cohort row is
    locked, so concurrent bookings never exceed the capacity.
    """
    if not establishment.is_eligible:
        raise BookingError(f"{establishment.name} is not eligible for the programme.")
    _check_attendee(attendee)
    today = timezone.localdate()
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _check_takes_bookings(cohort, today=today)
        existing = existing_active_place(establishment)
        if existing is not None:
            raise _already_placed(establishment, existing)
        waiting = cohort.places.filter(status=PlaceStatus.WAITING)
        taken = _seats_taken(cohort)
        fields = {
            "establishment": establishment,
            "cohort": cohort,
            "attendee_name": attendee.name,
            "attendee_role": attendee.role,
            "attendee_email": attendee.email,
            "attendee_phone": attendee.phone,
            "access_needs": attendee.access_needs,
        }
        if taken < cohort.capacity and not waiting.exists():
            fields["status"] = PlaceStatus.BOOKED
            fields["booked_at"] = timezone.now()
            taken += 1
        else:
            last = waiting.aggregate(last=Max("waiting_position"))["last"] or 0
            fields["status"] = PlaceStatus.WAITING
            fields["waiting_position"] = last + 1
        try:
            with transaction.atomic():
                place = Place.objects.create(**fields)
        except IntegrityError as error:
            # The one-active-place constraint: another transaction booked this establishment
            # on another cohort meanwhile (this cohort's bookings are serialised by its lock).
            if Place.objects.filter(
                establishment=establishment, status__in=ACTIVE_PLACE_STATUSES
            ).exists():
                raise _already_placed(establishment, None) from error
            raise
        _sync_full_status(cohort, seats_taken=taken)
        if place.status == PlaceStatus.BOOKED:
            notify(notifications.place_booked, place_id=place.pk)
        else:
            notify(notifications.place_waiting_listed, place_id=place.pk)
    return place


@takes_actor
def place_cancel(*, place: Place, reason: str = CancelReason.BY_SCHOOL, note: str = "") -> Place:
    """Cancel a booked or offered place, or a waiting-list entry. A freed seat is offered
    to the first school on the waiting list. ``note`` is why, in a coordinator's words: it
    is kept on the place (``cancel_note``) and in its history."""
    with transaction.atomic():
        cohort = lock_cohort(place.cohort_id)
        place = lock_place(place.pk)
        if place.status not in (PlaceStatus.BOOKED, PlaceStatus.WAITING, PlaceStatus.OFFERED):
            raise BookingError(
                f"This place cannot be cancelled: it is {place.get_status_display().lower()}."
            )
        mark_cancelled(place, reason=reason, note=note.strip())
        offer_free_seats(cohort)
        notify(notifications.place_cancelled, place_id=place.pk)
    return place


def mark_cancelled(place: Place, *, reason: str, note: str = "") -> None:
    """Set a locked place to cancelled for ``reason``; frees nothing by itself."""
    place.status = PlaceStatus.CANCELLED
    place.cancel_reason = reason
    place.cancel_note = note
    place.cancelled_at = timezone.now()
    place.waiting_position = None
    place.offer_expires_at = None
    # The history record of this change says why (django-simple-history's change reason, 100
    # characters at most: the whole note is on the place).
    place._change_reason = (note or place.get_cancel_reason_display())[:100]
    place.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancel_note",
            "cancelled_at",
            "waiting_position",
            "offer_expires_at",
            "updated_at",
        ]
    )


def waiting_list_close(cohort: Cohort) -> list[Place]:
    """Booking for ``cohort`` (locked by the caller) has closed: end its waiting list. Each
    waiting school is told, and kept as interested in its area (``AreaInterest``), to be told
    when the next cohort it can book opens. Returns the places whose entry ended."""
    waiting = list(
        cohort.places.select_for_update()
        .filter(status=PlaceStatus.WAITING)
        .order_by("waiting_position")
    )
    for place in waiting:
        mark_cancelled(place, reason=CancelReason.BOOKING_CLOSED)
        AreaInterest.objects.get_or_create(
            establishment_id=place.establishment_id,
            told_at__isnull=True,
            defaults={"place": place},
        )
        notify(notifications.waiting_list_closed, place_id=place.pk)
    return waiting


@takes_actor
def waiting_lists_close_due(*, today: date | None = None) -> int:
    """End the waiting list of every cohort whose booking has closed by ``today``.

    A periodic task calls this (``cohorts.tasks.close_waiting_lists``), so the waiting
    schools hear on the day booking closes, whether or not a seat came free. Safe to run
    twice or from two workers: each cohort is locked and its list re-read. Returns how many
    waiting-list entries ended.
    """
    today = today or timezone.localdate()
    # Booking has closed when day 1 is before today + N days (see booking_last_day).
    closes_before = today + timedelta(days=conf.booking_closes_days())
    cohort_ids = (
        Cohort.objects.filter(
            status__in=BOOKABLE_COHORT_STATUSES,
            places__status=PlaceStatus.WAITING,
            delivery__workshops__day=WorkshopDay.DAY_1,
            delivery__workshops__date__lt=closes_before,
        )
        .values_list("pk", flat=True)
        .distinct()
    )

    def close(cohort: Cohort) -> int:
        if cohort.status in BOOKABLE_COHORT_STATUSES and booking_closed(cohort, today=today):
            return len(waiting_list_close(cohort))
        return 0

    return _each_cohort_locked(cohort_ids, close)


def _each_cohort_locked(cohort_ids, act: Callable[[Cohort], int]) -> int:
    """``act`` on each cohort, in id order, each in a transaction of its own with the
    cohort's row locked (a second worker waits, then finds nothing left to do). Returns the
    sum of what ``act`` returns."""
    done = 0
    for cohort_id in sorted(set(cohort_ids)):
        with transaction.atomic():
            done += act(lock_cohort(cohort_id))
    return done


@takes_actor
def offer_accept(*, place: Place) -> Place:
    """The school takes the seat it was offered, if the offer has not lapsed."""
    with transaction.atomic():
        lock_cohort(place.cohort_id)
        place = lock_place(place.pk)
        if place.status != PlaceStatus.OFFERED:
            raise BookingError(
                f"There is no open offer to accept: this place is "
                f"{place.get_status_display().lower()}."
            )
        if timezone.now() >= place.offer_expires_at:
            raise BookingError(
                f"This offer expired at {day_and_time(place.offer_expires_at)} and has passed "
                "to the next school on the waiting list.",
                code="offer_expired",
            )
        place.status = PlaceStatus.BOOKED
        place.offer_expires_at = None
        place.booked_at = timezone.now()
        place.save(update_fields=["status", "offer_expires_at", "booked_at", "updated_at"])
        notify(notifications.offer_accepted, place_id=place.pk)
    return place


@takes_actor
def offer_decline(*, place: Place) -> Place:
    """The school turns down the seat it was offered; the next waiting school is offered it."""
    with transaction.atomic():
        cohort = lock_cohort(place.cohort_id)
        place = lock_place(place.pk)
        if place.status != PlaceStatus.OFFERED:
            raise BookingError(
                f"There is no open offer to decline: this place is "
                f"{place.get_status_display().lower()}."
            )
        mark_cancelled(place, reason=CancelReason.OFFER_DECLINED)
        offer_free_seats(cohort)
        notify(notifications.offer_declined, place_id=place.pk)
    return place


@takes_actor
def offers_expire(*, now: datetime | None = None) -> int:
    """Lapse every offer not answered by its expiry and offer each seat to the next school.

    A periodic task calls this (``cohorts.tasks.expire_offers``). Safe to run twice or from
    two workers: each cohort is locked and its offers re-read. Returns how many lapsed.
    """
    now = now or timezone.now()
    cohort_ids = (
        Place.objects.filter(status=PlaceStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("cohort_id", flat=True)
        .distinct()
    )

    def expire(cohort: Cohort) -> int:
        lapsed = list(
            cohort.places.select_for_update().filter(
                status=PlaceStatus.OFFERED, offer_expires_at__lte=now
            )
        )
        for place in lapsed:
            mark_cancelled(place, reason=CancelReason.OFFER_EXPIRED)
            notify(notifications.offer_expired, place_id=place.pk)
        offer_free_seats(cohort)
        return len(lapsed)

    return _each_cohort_locked(cohort_ids, expire)


@takes_actor
def place_move(*, place: Place, to_cohort: Cohort, outside_area: bool = False) -> Place:
    """Move a booked place to another cohort that has a free seat and is still taking
    bookings. The seat it leaves is offered to that cohort's waiting list.

    A cohort outside the school's area (``Cohort.serves``) is refused (code ``outside_area``)
    unless ``outside_area`` says the move there is meant."""
    if place.cohort_id == to_cohort.pk:
        raise BookingError("The place is already on that cohort.")
    today = timezone.localdate()
    with transaction.atomic():
        # Lock both cohorts in id order, so two opposite moves cannot deadlock.
        locked = {
            c.pk: c
            for c in Cohort.objects.select_for_update()
            .filter(pk__in=[place.cohort_id, to_cohort.pk])
            .order_by("pk")
        }
        from_cohort, to_cohort = locked[place.cohort_id], locked[to_cohort.pk]
        place = lock_place(place.pk)
        if place.status != PlaceStatus.BOOKED:
            raise BookingError(
                f"Only a booked place can move; this one is {place.get_status_display().lower()}."
            )
        if not outside_area and not to_cohort.serves(place.establishment):
            raise BookingError(
                f"{to_cohort.name} is in {to_cohort.area_name}, outside "
                f"{place.establishment.name}'s area. Choose a cohort in its area, or confirm "
                "that the school will attend there.",
                code="outside_area",
            )
        _check_takes_bookings(to_cohort, today=today)
        taken = _seats_taken(to_cohort)
        if (
            taken >= to_cohort.capacity
            or to_cohort.places.filter(status=PlaceStatus.WAITING).exists()
        ):
            raise BookingError(
                f"{to_cohort.name} has no free places. Choose a cohort with places left.",
                code="no_room",
            )
        place.cohort = to_cohort
        place.booked_at = timezone.now()
        place.save(update_fields=["cohort", "booked_at", "updated_at"])
        participant_move(participant=place.participant, delivery=to_cohort.delivery)
        _sync_full_status(to_cohort, seats_taken=taken + 1)
        offer_free_seats(from_cohort)
        notify(
            notifications.place_moved,
            place_id=place.pk,
            from_cohort_id=from_cohort.pk,
            to_cohort_id=to_cohort.pk,
        )
    return place


@takes_actor
def place_change_attendee(*, place: Place, attendee: Attendee) -> Place:
    """Name a different member of staff (or correct the details) for an active place."""
    _check_attendee(attendee)
    with transaction.atomic():
        place = lock_place(place.pk)
        if place.status not in ACTIVE_PLACE_STATUSES or place.status == PlaceStatus.COMPLETED:
            raise BookingError(
                f"The attendee cannot be changed: this place is "
                f"{place.get_status_display().lower()}."
            )
        place.attendee_name = attendee.name
        place.attendee_role = attendee.role
        place.attendee_email = attendee.email
        place.attendee_phone = attendee.phone
        place.access_needs = attendee.access_needs
        place.save()
        notify(notifications.attendee_changed, place_id=place.pk)
    return place
