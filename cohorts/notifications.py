"""The one place where cohorts and workshops tell people that something happened.

Every function here turns one event into outbox emails (``outbox.services.email_enqueue``).
Services never call them directly. They call ``notify(...)``, which runs the function in the
service's own transaction, so each email is written with what caused it: a rolled-back
booking tells no one, and an email is never lost between a commit and its writing (only the
hand-off to the broker waits for the commit). An event that tells a whole cohort (cancelled,
a workshop moved, a new cohort in the area) calls ``fan_out(...)`` instead: one row in the
request, and a Celery task queues the emails (``outbox.services.fan_out_record``), so the
request costs the same for 2 recipients or 40. Each function logs the event's name and the
ids involved, never names or email addresses.

Each email is queued once. The outbox's uniqueness key is (kind, recipient, the object it
concerns, occurrence); the occurrence here names the event, so a repeat of the same event
finds the first row while a genuinely new one (a second move, an offer with a new expiry, a
new link asked for on another day) makes a new email. Each email belongs to a campaign (the
cohort's, shown on the outbox page). What each recipient was told of a cohort's workshop
days is recorded with the email (``WorkshopDaysTold``), so a change tells only those who
were not told the days as they are now, whatever the emails' wording.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from cohorts import conf
from cohorts.ics import place_calendar
from cohorts.models import (
    AreaInterest,
    CancelReason,
    Cohort,
    Place,
    PlaceStatus,
)
from cohorts.told import already_told, details_digest, record_told, told_by_recipient
from core.dates import clock, moment, utc_stamp, weekday
from outbox.fanout import register_fan_out
from outbox.models import EmailKind, EmailStatus
from outbox.services import Areas, email_enqueue, fan_out_record
from schools.models import Establishment
from workshops.models import Workshop

logger = logging.getLogger("cohorts.notifications")

#: The campaign of new booking links asked for by schools (the outbox page's filter).
BOOKING_LINKS_CAMPAIGN = "Booking links"
#: Places whose attendee is told when a workshop changes (those holding a seat on it).
_SEAT_STATUSES = (PlaceStatus.BOOKED, PlaceStatus.OFFERED, PlaceStatus.ATTENDED_DAY_1)
#: Places whose attendee gets a booking confirmation.
_BOOKED_STATUSES = (PlaceStatus.BOOKED, PlaceStatus.ATTENDED_DAY_1)


def notify(event: Callable[..., None], **ids: int | list[int] | None) -> None:
    """Run ``event(**ids)`` now, in the caller's transaction: its emails commit or roll back
    with the change that caused them. An email that cannot be written becomes a failed row
    on the outbox page (``outbox.services.email_enqueue``), never only a log line."""
    event(**ids)


def fan_out(event: Callable[..., None], **ids: int | list[int] | None) -> None:
    """Record, in the caller's transaction, that ``event(**ids)`` is to tell many people; a
    Celery task runs it after commit (``FAN_OUTS`` are registered with the outbox)."""
    _record(f"{event.__name__} (fan-out)", **ids)
    fan_out_record(event, **ids)


def _ids(ids: dict) -> str:
    return " ".join(f"{key}={value}" for key, value in ids.items())


def _record(event: str, **ids: int | list[int] | None) -> None:
    logger.info("notification %s %s", event, _ids(ids), extra={"event": event, **ids})


# --- What the emails say ---------------------------------------------------------------------


def _days(workshops: list[Workshop]) -> list[dict]:
    """Each workshop day as the emails show it."""
    return [
        {
            "label": workshop.label,
            "when": f"{weekday(workshop.date)}, {clock(workshop.start_time)} to "
            f"{clock(workshop.end_time)}",
            "online": workshop.is_online,
            "where": workshop.location,
        }
        for workshop in workshops
    ]


def _booking_link(establishment: Establishment) -> str:
    """A fresh personal booking link, absolute (``settings.LINK_BASE_URL``)."""
    from cohorts.services.links import booking_link_path  # it imports this module

    return settings.LINK_BASE_URL + booking_link_path(establishment=establishment)


def _workshops(cohort: Cohort) -> list[Workshop]:
    return list(cohort.workshops.order_by("day"))


def _calendar(place: Place, workshops: list[Workshop]) -> dict:
    """Both workshop days as an .ics attachment (the file the booking page offers)."""
    body = place_calendar(place=place, workshops=workshops)
    return {"filename": "link-workshops.ics", "content": body.decode(), "mimetype": "text/calendar"}


def _place(place_id: int) -> Place | None:
    return Place.objects.select_related("cohort", "establishment").filter(pk=place_id).first()


def _to_attendee(
    place: Place,
    *,
    kind: EmailKind,
    template: str,
    occurrence: str,
    workshops: list[Workshop] | None = None,
    calendar: bool = False,
    concerns=None,
    **context,
) -> None:
    """Queue one email about ``place`` to its attendee, with its workshop days and link."""
    workshops = _workshops(place.cohort) if workshops is None else workshops
    email, created = email_enqueue(
        kind=kind,
        recipient=place.attendee_email,
        template=template,
        context={
            "place": place,
            "cohort": place.cohort,
            "establishment": place.establishment,
            "attendee_name": place.attendee_name,
            "days": _days(workshops),
            "link": _booking_link(place.establishment),
            "calendar_attached": calendar,
            **context,
        },
        concerns=place if concerns is None else concerns,
        establishment=place.establishment,
        occurrence=occurrence,
        campaign=place.cohort.campaign,
        # Made as the email is written: a calendar that cannot be made fails the email where
        # staff see it (the outbox page), instead of losing it.
        attachments=(lambda: [_calendar(place, workshops)]) if calendar else None,
    )
    if created and kind in _LISTS_DAYS and email.status != EmailStatus.FAILED:
        record_told(place.cohort, place.attendee_email, workshops)


def _confirm_booking(place: Place) -> None:
    """The booking confirmation, once per attendee address and cohort."""
    _to_attendee(
        place,
        kind=EmailKind.BOOKING_CONFIRMATION,
        template="booking_confirmation",
        occurrence=f"booked-{place.cohort_id}",
        calendar=True,
    )


def _acknowledge_waiting(place: Place) -> None:
    from cohorts.selectors import place_waiting_rank

    _to_attendee(
        place,
        kind=EmailKind.WAITLIST_JOINED,
        template="waiting_list",
        occurrence=f"waiting-{place.cohort_id}",
        position=place_waiting_rank(place=place),
        offer_hours=int(conf.offer_duration().total_seconds() // 3600),
    )


def _offer(place: Place) -> None:
    """The offer of a freed seat: one per offer (its expiry names it)."""
    _to_attendee(
        place,
        kind=EmailKind.WAITLIST_OFFER,
        template="waitlist_offer",
        occurrence=f"offer-{utc_stamp(place.offer_expires_at)}",
        expires=moment(place.offer_expires_at),
    )


# --- The events ------------------------------------------------------------------------------


def place_booked(*, place_id: int) -> None:
    """A school booked a seat on a cohort: confirm it to the attendee with both dates."""
    _record("place_booked", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.status in _BOOKED_STATUSES:
        _confirm_booking(place)


def place_waiting_listed(*, place_id: int) -> None:
    """A school joined a full cohort's waiting list: tell the attendee their position."""
    _record("place_waiting_listed", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.status == PlaceStatus.WAITING:
        _acknowledge_waiting(place)


def offer_made(*, place_id: int) -> None:
    """A freed seat was offered to the first waiting school: ask them to accept by the
    expiry (``Place.offer_expires_at``) through their booking link."""
    _record("offer_made", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.status == PlaceStatus.OFFERED:
        _offer(place)


def offer_accepted(*, place_id: int) -> None:
    """A school accepted an offered seat: confirm the booking as for ``place_booked``."""
    _record("offer_accepted", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.status in _BOOKED_STATUSES:
        _confirm_booking(place)


def offer_declined(*, place_id: int) -> None:
    """A school declined an offered seat: acknowledge it."""
    _record("offer_declined", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.cancel_reason == CancelReason.OFFER_DECLINED:
        _to_attendee(
            place, kind=EmailKind.OFFER_DECLINED, template="offer_declined", occurrence="declined"
        )


def offer_expired(*, place_id: int) -> None:
    """An offer was not answered in time and lapsed: tell the school it has gone."""
    _record("offer_expired", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.cancel_reason == CancelReason.OFFER_EXPIRED:
        _to_attendee(
            place, kind=EmailKind.OFFER_EXPIRED, template="offer_expired", occurrence="expired"
        )


def place_cancelled(*, place_id: int) -> None:
    """A place (or waiting-list entry) was cancelled by the school or a coordinator."""
    _record("place_cancelled", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.status == PlaceStatus.CANCELLED:
        _to_attendee(
            place,
            kind=EmailKind.CANCELLATION,
            template="place_cancelled",
            occurrence="cancelled",
            reason=place.cancel_reason,
        )


def _last_day_to_book(workshops: list[Workshop]) -> str:
    from cohorts.services.places import booking_last_day  # it imports this module

    return weekday(booking_last_day(day_1=workshops[0].date)) if workshops else ""


def waiting_list_closed(*, place_id: int) -> None:
    """Booking closed on a cohort before a place came free: tell the waiting school its entry
    has ended and that it will hear when the next cohort in its area opens."""
    _record("waiting_list_closed", place_id=place_id)
    place = _place(place_id)
    if place is not None and place.cancel_reason == CancelReason.BOOKING_CLOSED:
        workshops = _workshops(place.cohort)
        _to_attendee(
            place,
            kind=EmailKind.WAITLIST_CLOSED,
            template="waitlist_closed",
            occurrence="booking-closed",
            workshops=workshops,
            last_day=_last_day_to_book(workshops),
        )


def area_cohort_opened(*, cohort_id: int) -> None:
    """A cohort opened for booking: tell the schools kept as interested in its area (those
    ``cohort_open_for_booking`` marked as told about it), each through the attendee who was
    waiting when booking closed on the cohort before."""
    _record("area_cohort_opened", cohort_id=cohort_id)
    cohort = (
        Cohort.objects.select_related("local_authority", "mhst_area").filter(pk=cohort_id).first()
    )
    if cohort is None:
        return
    workshops = _workshops(cohort)
    interests = AreaInterest.objects.filter(told_about=cohort).select_related(
        "place", "place__establishment", "place__cohort"
    )
    for interest in interests:
        place = interest.place
        waited_for, place.cohort = place.cohort, cohort  # the email is about the new cohort
        _to_attendee(
            place,
            kind=EmailKind.AREA_COHORT_OPEN,
            template="area_cohort_open",
            occurrence=f"opened-{cohort.pk}",
            workshops=workshops,
            concerns=interest,
            waited_for=waited_for,
            last_day=_last_day_to_book(workshops),
        )


def place_moved(*, place_id: int, from_cohort_id: int, to_cohort_id: int) -> None:
    """A place moved to another cohort: send the attendee the new dates."""
    _record(
        "place_moved", place_id=place_id, from_cohort_id=from_cohort_id, to_cohort_id=to_cohort_id
    )
    place = _place(place_id)
    if place is None or place.cohort_id != to_cohort_id or place.status not in _BOOKED_STATUSES:
        return
    # The move saved the place, so its updated_at names this move: moving A → B → A → B
    # sends three emails, and running this twice for one move sends one.
    _to_attendee(
        place,
        kind=EmailKind.MOVE,
        template="place_moved",
        occurrence=f"to-{to_cohort_id}@{utc_stamp(place.updated_at)}",
        calendar=True,
        from_cohort=Cohort.objects.filter(pk=from_cohort_id).first(),
    )


def attendee_changed(*, place_id: int) -> None:
    """A school named a different attendee: confirm the booking to the new attendee.

    The new attendee gets the email the place's state calls for: the booking confirmation,
    the waiting-list acknowledgement or the open offer. Correcting the details of the same
    attendee sends nothing new (the address already had it).
    """
    _record("attendee_changed", place_id=place_id)
    place = _place(place_id)
    if place is None:
        return
    if place.status in _BOOKED_STATUSES:
        _confirm_booking(place)
    elif place.status == PlaceStatus.WAITING:
        _acknowledge_waiting(place)
    elif place.status == PlaceStatus.OFFERED:
        _offer(place)


def cohort_cancelled(*, cohort_id: int) -> None:
    """A cohort was cancelled: tell every school that held a place on it."""
    _record("cohort_cancelled", cohort_id=cohort_id)
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return
    workshops = _workshops(cohort)
    places = cohort.places.filter(
        status=PlaceStatus.CANCELLED, cancel_reason=CancelReason.COHORT_CANCELLED
    ).select_related("establishment")
    for place in places:
        place.cohort = cohort
        _to_attendee(
            place,
            kind=EmailKind.CANCELLATION,
            template="cohort_cancelled",
            occurrence="cohort-cancelled",
            workshops=workshops,
        )
    from cohorts.professional_mail import professionals_told_cohort_cancelled  # imports this

    professionals_told_cohort_cancelled(cohort, workshops)


#: Emails that list a cohort's workshop days as they stand: each records what it told.
_LISTS_DAYS = (
    EmailKind.BOOKING_CONFIRMATION,
    EmailKind.MOVE,
    EmailKind.WAITLIST_JOINED,
    EmailKind.WAITLIST_OFFER,
    EmailKind.WORKSHOP_CHANGE,
    EmailKind.PROFESSIONAL_NOTICE,
    EmailKind.PROFESSIONAL_INVITATION,
)


def workshops_changed(*, workshop_ids: list[int]) -> None:
    """The date, times or venue of one or both workshops of a bookable cohort changed (one
    save): tell the schools holding places on it, and the professionals attending, which
    workshop changed, how, and both days as they are now.

    A recipient already told the changed workshops as they are now is not told again (a
    repeat of this notification, or a booking confirmed since): ``cohorts.told``.
    """
    _record("workshops_changed", workshop_ids=workshop_ids)
    changed = list(
        Workshop.objects.select_related("delivery__cohort")
        .filter(pk__in=workshop_ids)
        .order_by("day")
    )
    if not changed:
        return
    cohort = changed[0].delivery.cohort
    workshops = _workshops(cohort)
    told = told_by_recipient(cohort)
    # The details and the save name the occurrence: back and forth tells each time.
    occurrence = f"{details_digest(changed)}@{utc_stamp(max(w.updated_at for w in changed))}"
    context = {
        "changes": _days(changed),
        # "workshop 2" or "both workshops": what the subject and first line say changed.
        "changed_what": (changed[0].label.lower() if len(changed) == 1 else "both workshops"),
    }
    places = cohort.places.filter(status__in=_SEAT_STATUSES).select_related("establishment")
    for place in places:
        place.cohort = cohort
        if already_told(told, place.attendee_email, changed):
            continue
        _to_attendee(
            place,
            kind=EmailKind.WORKSHOP_CHANGE,
            template="workshop_changed",
            occurrence=occurrence,
            workshops=workshops,
            calendar=place.status in _BOOKED_STATUSES,
            concerns=changed[0],
            **context,
        )
    for professional in cohort.professionals.all():
        if already_told(told, professional.email, changed):
            continue
        email, created = email_enqueue(
            kind=EmailKind.PROFESSIONAL_NOTICE,
            recipient=professional.email,
            template="professional_notice",
            context={
                "cohort": cohort,
                "days": _days(workshops),
                "name": professional.name,
                **context,
            },
            concerns=changed[0],
            occurrence=occurrence,
            campaign=cohort.campaign,
            areas=Areas.of(cohort),  # a professional's email is scoped by the cohort's areas
            attachments=_professional_calendar(professional, cohort, workshops),
        )
        if created and email.status != EmailStatus.FAILED:
            record_told(cohort, professional.email, workshops)


def _professional_calendar(professional, cohort: Cohort, workshops: list[Workshop]):
    from cohorts.professional_mail import professional_attachments  # it imports this module

    return lambda: professional_attachments(professional, cohort, workshops)


def booking_link_requested(*, establishment_id: int) -> None:
    """A school opened an expired booking link and asked for a new one: send a fresh link
    to the establishment's contact email (``cohorts.services.links.booking_link_path``).

    At most one a day per establishment, however often the button is pressed."""
    _record("booking_link_requested", establishment_id=establishment_id)
    establishment = Establishment.objects.filter(pk=establishment_id).first()
    if establishment is None:
        return
    if not establishment.contact_email:
        logger.warning(
            "notification booking_link_requested: no contact email for establishment_id=%s",
            establishment_id,
        )
        return
    email_enqueue(
        kind=EmailKind.NEW_LINK,
        recipient=establishment.contact_email,
        template="new_link",
        context={
            "establishment": establishment,
            "link": _booking_link(establishment),
            "link_days": conf.booking_link_max_age().days,
        },
        concerns=establishment,
        establishment=establishment,
        occurrence=f"link-{timezone.localdate().isoformat()}",
        campaign=BOOKING_LINKS_CAMPAIGN,
    )


#: The events that tell a whole cohort, run by the outbox's task (``fan_out``).
FAN_OUTS = (cohort_cancelled, workshops_changed, area_cohort_opened)


def register() -> None:
    for event in FAN_OUTS:
        register_fan_out(event)
