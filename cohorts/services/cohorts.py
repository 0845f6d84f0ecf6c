"""Cohorts: create and edit them, open them for booking, resize, start, finish, cancel."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.roles import users_with_role
from cohorts import notifications, professional_mail
from cohorts.errors import CohortError
from cohorts.models import (
    COHORT_TRANSITIONS,
    MAX_COHORT_CAPACITY,
    SEAT_HOLDING_STATUSES,
    CancelReason,
    Cohort,
    CohortFormat,
    CohortStatus,
    Phase,
    PlaceStatus,
)
from cohorts.notifications import fan_out, notify
from cohorts.rules import WorkshopDay
from cohorts.selectors import area_interests_to_tell
from cohorts.services.places import booking_last_day, lock_cohort, mark_cancelled, offer_free_seats
from cohorts.services.progress import places_settle
from cohorts.services.sessions import workshop_dates_check
from core.actors import takes_actor
from core.dates import day
from core.validators import field_values_check
from schools.models import LocalAuthority, MHSTArea


def _check_area(local_authority: LocalAuthority | None, mhst_area: MHSTArea | None) -> None:
    if local_authority is None and mhst_area is None:
        raise CohortError("A cohort needs an area: a local authority, an MHST area or both.")


def _check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_COHORT_CAPACITY:
        raise CohortError(
            f"A cohort takes between 1 and {MAX_COHORT_CAPACITY} schools (not {capacity})."
        )


def _check_text(*, name: str, venue_name: str, joining_link: str) -> None:
    """Names and venues on one line, within their lengths (whoever called, form or not)."""
    field_values_check(
        Cohort, error=CohortError, name=name, venue_name=venue_name, joining_link=joining_link
    )


def _check_facilitators(
    facilitators: list[AbstractBaseUser], *, cohort: Cohort | None = None
) -> None:
    """Only users holding the Facilitator role run cohorts; one who lost the role may stay
    on a cohort they were already running, but is not added to another."""
    kept = set(cohort.facilitators.values_list("pk", flat=True)) if cohort else set()
    allowed = kept | set(
        users_with_role(Role.FACILITATOR)
        .filter(pk__in=[user.pk for user in facilitators])
        .values_list("pk", flat=True)
    )
    refused = [user for user in facilitators if user.pk not in allowed]
    if refused:
        names = ", ".join(sorted(user.get_username() for user in refused))
        raise CohortError(
            f"{names} {'is' if len(refused) == 1 else 'are'} not a facilitator: only users with "
            "the Facilitator role can run a cohort (an admin gives the role in the Django "
            "admin, Users)."
        )


def _resize(cohort: Cohort, capacity: int) -> None:
    """Set a locked cohort's capacity, never below the seats taken (saved by the caller,
    which then offers any new seat: ``offer_free_seats``)."""
    _check_capacity(capacity)
    taken = cohort.places.filter(status__in=SEAT_HOLDING_STATUSES).count()
    if capacity < taken:
        raise CohortError(
            f"{taken} places on {cohort.name} are taken, so its capacity cannot go below "
            f"{taken}. Move or cancel places first."
        )
    cohort.capacity = capacity


def _check_transition(cohort: Cohort, action: str) -> None:
    """Refuse ``action`` (``cohorts.models.COHORT_TRANSITIONS``) unless the locked cohort's
    status allows it."""
    transition = COHORT_TRANSITIONS[action]
    if cohort.status not in transition.sources:
        raise CohortError(transition.refusal_for(cohort))


def _check_format(cohort: Cohort) -> None:
    if cohort.format == CohortFormat.ONLINE and not cohort.joining_link:
        raise CohortError(f"{cohort.name} is online but has no joining link.")
    if cohort.format == CohortFormat.IN_PERSON and not (cohort.venue_name and cohort.venue_address):
        raise CohortError(f"{cohort.name} is in person but has no venue name and address.")


@takes_actor
def cohort_create(
    *,
    phase: Phase,
    name: str,
    local_authority: LocalAuthority | None = None,
    mhst_area: MHSTArea | None = None,
    capacity: int = MAX_COHORT_CAPACITY,
    format: str = CohortFormat.IN_PERSON,
    venue_name: str = "",
    venue_address: str = "",
    joining_link: str = "",
    facilitators: Iterable[AbstractBaseUser] = (),
) -> Cohort:
    """Create a planned cohort. It takes bookings once opened (``cohort_open_for_booking``)."""
    _check_area(local_authority, mhst_area)
    _check_text(name=name, venue_name=venue_name, joining_link=joining_link)
    _check_capacity(capacity)
    facilitators = list(facilitators)
    _check_facilitators(facilitators)
    with transaction.atomic():
        cohort = Cohort.objects.create(
            phase=phase,
            name=name,
            local_authority=local_authority,
            mhst_area=mhst_area,
            capacity=capacity,
            format=format,
            venue_name=venue_name,
            venue_address=venue_address,
            joining_link=joining_link,
        )
        cohort.facilitators.set(facilitators)
    return cohort


@takes_actor
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    local_authority: LocalAuthority | None,
    mhst_area: MHSTArea | None,
    format: str,
    venue_name: str = "",
    venue_address: str = "",
    joining_link: str = "",
    facilitators: Iterable[AbstractBaseUser] = (),
    capacity: int | None = None,
) -> Cohort:
    """Edit a cohort's name, area, format, facilitators and (if given) capacity, all or
    nothing: a refused capacity saves none of the other changes either.

    A bookable cohort must keep its venue or joining link, since schools have booked on it.
    The capacity never goes below the seats taken; seats added are offered to the waiting
    list at once.
    """
    _check_area(local_authority, mhst_area)
    _check_text(name=name, venue_name=venue_name, joining_link=joining_link)
    facilitators = list(facilitators)
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
            raise CohortError(f"{cohort.name} is {cohort.get_status_display().lower()}.")
        _check_facilitators(facilitators, cohort=cohort)
        resized = capacity is not None and capacity != cohort.capacity
        if resized:
            _resize(cohort, capacity)
        cohort.name = name
        cohort.local_authority = local_authority
        cohort.mhst_area = mhst_area
        cohort.format = format
        cohort.venue_name = venue_name
        cohort.venue_address = venue_address
        cohort.joining_link = joining_link
        if cohort.status != CohortStatus.PLANNED:
            _check_format(cohort)
        cohort.save()
        cohort.facilitators.set(facilitators)
        if resized:
            offer_free_seats(cohort)
    return cohort


def _tell_interested_schools(cohort: Cohort) -> int:
    """Schools kept as interested in the area when a waiting list closed, that can book
    ``cohort`` and hold no place, are told it opened: once (``told_at``). Returns how many."""
    told = area_interests_to_tell(cohort=cohort).update(told_at=timezone.now(), told_about=cohort)
    if told:
        fan_out(notifications.area_cohort_opened, cohort_id=cohort.pk)
    return told


@takes_actor
def cohort_open_for_booking(*, cohort: Cohort) -> list[str]:
    """Open a planned cohort for booking; returns warnings (workshops under 4 weeks apart).
    The professionals already on it are invited (``professional_mail``).

    Refused unless both workshop days are set, in order, in the future and before booking
    would close, and the venue (in person) or joining link (online) is known. Schools that
    were waiting when booking closed on another cohort they could book are told.
    """
    today = timezone.localdate()
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _check_transition(cohort, "open")
        days = {w.day: w for w in cohort.workshops.all()}
        if set(days) != {WorkshopDay.DAY_1, WorkshopDay.DAY_2}:
            raise CohortError(f"Set the dates of both workshops of {cohort.name} first.")
        day_1, day_2 = days[WorkshopDay.DAY_1].date, days[WorkshopDay.DAY_2].date
        warnings = workshop_dates_check(day_1=day_1, day_2=day_2)
        if day_1 <= today:
            raise CohortError(
                f"Workshop 1 of {cohort.name} is on {day(day_1)}, which is not "
                "in the future: a cohort cannot open for booking with past dates."
            )
        last_day = booking_last_day(day_1=day_1)
        if today > last_day:
            raise CohortError(
                f"Booking for {cohort.name} would already have closed "
                f"({day(last_day)}). Move workshop 1 later first."
            )
        _check_format(cohort)
        cohort.status = CohortStatus.OPEN
        cohort.save(update_fields=["status", "updated_at"])
        offer_free_seats(cohort)  # also marks it full if the capacity is already taken
        _tell_interested_schools(cohort)
        if cohort.professionals.exists():  # each is invited, with both days
            fan_out(professional_mail.professionals_invited, cohort_id=cohort.pk)
    return warnings


@takes_actor
def cohort_set_capacity(*, cohort: Cohort, capacity: int) -> Cohort:
    """Change how many schools a cohort takes (at most 20, never below the seats taken).

    Seats added to a bookable cohort are offered to its waiting list at once.
    """
    _check_capacity(capacity)
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _resize(cohort, capacity)
        cohort.save(update_fields=["capacity", "updated_at"])
        offer_free_seats(cohort)
    return cohort


@takes_actor
def cohort_mark_running(*, cohort: Cohort) -> Cohort:
    """The workshops have begun: booking stops, and waiting-list entries and open offers
    are cancelled so those schools can book another cohort."""
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _check_transition(cohort, "start")
        cohort.status = CohortStatus.RUNNING
        cohort.save(update_fields=["status", "updated_at"])
        for place in cohort.places.select_for_update().filter(
            status__in=(PlaceStatus.WAITING, PlaceStatus.OFFERED)
        ):
            mark_cancelled(place, reason=CancelReason.COHORT_STARTED)
            notify(notifications.place_cancelled, place_id=place.pk)
    return cohort


@takes_actor
def cohort_mark_completed(*, cohort: Cohort) -> Cohort:
    """Both workshops have happened: each place on the roster settles by attendance
    (``places_settle``). Those present on one day or neither no longer hold a place in the
    programme, so they can book a later cohort."""
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _check_transition(cohort, "complete")
        cohort.status = CohortStatus.COMPLETED
        cohort.save(update_fields=["status", "updated_at"])
        places_settle(cohort=cohort)
    return cohort


@takes_actor
def cohort_cancel(*, cohort: Cohort) -> Cohort:
    """Cancel a cohort and every place on it that has not completed."""
    with transaction.atomic():
        cohort = lock_cohort(cohort.pk)
        _check_transition(cohort, "cancel")
        cohort.status = CohortStatus.CANCELLED
        cohort.save(update_fields=["status", "updated_at"])
        for place in cohort.places.select_for_update().exclude(
            status__in=(PlaceStatus.CANCELLED, PlaceStatus.COMPLETED)
        ):
            mark_cancelled(place, reason=CancelReason.COHORT_CANCELLED)
        fan_out(notifications.cohort_cancelled, cohort_id=cohort.pk)
    return cohort
