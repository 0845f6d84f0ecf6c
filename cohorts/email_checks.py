"""Whether the cohorts' emails are still wanted when their turn comes to be sent.

Registered with the outbox (``outbox.relevance``) in ``CohortsConfig.ready``. Each check
costs one or two queries for any number of emails. The occurrence a reminder, confirmation
or offer was for is read from the occurrence in the email's uniqueness key, as
``cohorts.notifications`` and ``cohorts.services.reminders`` write it.
"""

import re
from datetime import datetime, timedelta

from django.utils import timezone

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKABLE_COHORT_STATUSES,
    BOOKED_STATUSES,
    ROSTER_STATUSES,
    AreaInterest,
    CohortStatus,
    Place,
    PlaceStatus,
)
from cohorts.rules import WorkshopDay
from core.dates import utc_stamp
from outbox.models import EmailKind, OutgoingEmail
from outbox.relevance import register_still_wanted
from outbox.services import key_occurrence
from schools.models import Establishment
from workshops.models import Professional, Workshop

_LIVE_COHORTS = (CohortStatus.OPEN, CohortStatus.FULL, CohortStatus.RUNNING)
_WORKSHOP_KEY = re.compile(r"^workshop-(\d+)-")
_COHORT_KEY = re.compile(r"^(?:booked|waiting)-(\d+)$")
_OFFER_KEY = re.compile(r"^offer-(\d{8}T\d{12})$")


def _occurrence(row: OutgoingEmail) -> str:
    return key_occurrence(row.idempotency_key)


def _places(rows: list[OutgoingEmail]) -> dict[int, Place]:
    ids = {row.subject_id for row in rows if row.subject_id}
    return Place.objects.select_related("cohort__delivery").in_bulk(ids)


def _offers(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """An offer of a seat is wanted while that very offer is open."""
    places, gone = _places(rows), {}
    for row in rows:
        place = places.get(row.subject_id)
        match = _OFFER_KEY.match(_occurrence(row))
        if place is None or place.status != PlaceStatus.OFFERED or not match:
            gone[row.pk] = "the offer was accepted, declined or withdrawn"
        elif place.offer_expires_at <= now:
            gone[row.pk] = "the offer has expired"
        elif utc_stamp(place.offer_expires_at) != match[1]:
            gone[row.pk] = "a newer offer replaced it"
    return gone


def _reminders(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """A workshop reminder is wanted while the place is on that cohort's roster, the cohort
    is live and the workshop still ahead."""
    places = _places(rows)
    workshop_ids = {int(m[1]) for row in rows if (m := _WORKSHOP_KEY.match(_occurrence(row)))}
    workshops = Workshop.objects.in_bulk(workshop_ids)
    gone = {}
    for row in rows:
        place = places.get(row.subject_id)
        match = _WORKSHOP_KEY.match(_occurrence(row))
        workshop = workshops.get(int(match[1])) if match else None
        if place is None or place.status not in ROSTER_STATUSES:
            gone[row.pk] = "the place was cancelled"
        elif place.cohort.status not in _LIVE_COHORTS:
            gone[row.pk] = f"the cohort is {place.cohort.get_status_display().lower()}"
        elif workshop is None or workshop.delivery_id != place.cohort.delivery_id:
            gone[row.pk] = "the place moved to another cohort"
        elif workshop.date < timezone.localdate(now):
            gone[row.pk] = "the workshop has taken place"
    return gone


def _on_cohort(statuses, reason: str):
    """Wanted while the place is still in ``statuses`` on the cohort the email was about."""

    def check(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
        places, gone = _places(rows), {}
        for row in rows:
            place = places.get(row.subject_id)
            match = _COHORT_KEY.match(_occurrence(row))
            if (
                place is None
                or place.status not in statuses
                or (match and int(match[1]) != place.cohort_id)
            ):
                gone[row.pk] = reason
        return gone

    return check


def _not_yet_placed(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """An invitation or nudge is wanted while the school holds no place."""
    ids = {row.subject_id for row in rows if row.subject_id}
    placed = set(
        Place.objects.filter(
            establishment_id__in=ids, status__in=ACTIVE_PLACE_STATUSES
        ).values_list("establishment_id", flat=True)
    )
    return {row.pk: "the school has a place already" for row in rows if row.subject_id in placed}


def _cohort_still_bookable(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """News that a cohort opened in the area is wanted while the school holds no place and
    the cohort still takes bookings."""
    interests = AreaInterest.objects.select_related("told_about").in_bulk(
        {row.subject_id for row in rows if row.subject_id}
    )
    establishments = {i.establishment_id for i in interests.values()}
    placed = set(
        Place.objects.filter(
            establishment_id__in=establishments, status__in=ACTIVE_PLACE_STATUSES
        ).values_list("establishment_id", flat=True)
    )
    day_1 = dict(
        Workshop.objects.filter(
            delivery__cohort__in={i.told_about_id for i in interests.values()},
            day=WorkshopDay.DAY_1,
        ).values_list("delivery__cohort", "date")
    )
    # Booking is open up to and including day 1 minus N days (``booking_last_day``).
    first_open_day_1 = timezone.localdate(now) + timedelta(days=conf.booking_closes_days())
    gone = {}
    for row in rows:
        interest = interests.get(row.subject_id)
        cohort = interest.told_about if interest else None
        if cohort is None:
            gone[row.pk] = "the interest was removed"
        elif interest.establishment_id in placed:
            gone[row.pk] = "the school has a place already"
        elif cohort.status not in BOOKABLE_COHORT_STATUSES:
            gone[row.pk] = f"the cohort is {cohort.get_status_display().lower()}"
        elif cohort.pk not in day_1 or day_1[cohort.pk] < first_open_day_1:
            gone[row.pk] = "booking for the cohort has closed"
    return gone


def _professionals(rows: list[OutgoingEmail]) -> dict[int, Professional]:
    ids = {row.subject_id for row in rows if row.subject_id}
    return Professional.objects.select_related("delivery__cohort").in_bulk(ids)


def _professional_reminders(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """A professional's reminder is wanted while they are on the cohort, it is live and the
    workshop still ahead."""
    professionals = _professionals(rows)
    workshop_ids = {int(m[1]) for row in rows if (m := _WORKSHOP_KEY.match(_occurrence(row)))}
    workshops = Workshop.objects.in_bulk(workshop_ids)
    gone = {}
    for row in rows:
        professional = professionals.get(row.subject_id)
        match = _WORKSHOP_KEY.match(_occurrence(row))
        workshop = workshops.get(int(match[1])) if match else None
        if professional is None:
            gone[row.pk] = "the professional was taken off the cohort"
        elif (cohort := professional.delivery.cohort).status not in _LIVE_COHORTS:
            gone[row.pk] = f"the cohort is {cohort.get_status_display().lower()}"
        elif workshop is None or workshop.delivery_id != professional.delivery_id:
            gone[row.pk] = "the workshop is not this professional's"
        elif workshop.date < timezone.localdate(now):
            gone[row.pk] = "the workshop has taken place"
    return gone


def _professional_invitations(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    """An invitation is wanted while the professional is on the cohort and it is live."""
    professionals, gone = _professionals(rows), {}
    for row in rows:
        professional = professionals.get(row.subject_id)
        if professional is None:
            gone[row.pk] = "the professional was taken off the cohort"
        elif (cohort := professional.delivery.cohort).status not in _LIVE_COHORTS:
            gone[row.pk] = f"the cohort is {cohort.get_status_display().lower()}"
    return gone


def register() -> None:
    register_still_wanted([EmailKind.WORKSHOP_REMINDER], Professional, _professional_reminders)
    register_still_wanted(
        [EmailKind.PROFESSIONAL_INVITATION], Professional, _professional_invitations
    )
    register_still_wanted([EmailKind.WAITLIST_OFFER], Place, _offers)
    register_still_wanted([EmailKind.WORKSHOP_REMINDER], Place, _reminders)
    register_still_wanted(
        [EmailKind.BOOKING_CONFIRMATION],
        Place,
        _on_cohort(BOOKED_STATUSES, "the booking was cancelled or moved"),
    )
    register_still_wanted(
        [EmailKind.WAITLIST_JOINED],
        Place,
        _on_cohort((PlaceStatus.WAITING,), "the school is no longer waiting for this cohort"),
    )
    register_still_wanted([EmailKind.INVITATION, EmailKind.NUDGE], Establishment, _not_yet_placed)
    register_still_wanted([EmailKind.AREA_COHORT_OPEN], AreaInterest, _cohort_still_bookable)
