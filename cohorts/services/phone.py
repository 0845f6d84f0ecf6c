"""A coordinator acting for a school that rang (or wrote): booking, moving or cancelling its
place on its behalf, with the reason in the place's history.

Each runs the school's own service (``cohorts.services.places``), so the school gets the
same emails as if it had used its booking link, in the same transaction; the history record
of the change names the coordinator (``actor``) and says why ("By phone: ..."), so the
cohort page can show who booked by phone and the audit trail keeps it.
"""

from django.db import transaction
from simple_history.utils import update_change_reason

from cohorts.errors import BookingError
from cohorts.models import PHONE_CHANGE_PREFIX, CancelReason, Cohort, Place
from cohorts.services.places import Attendee, place_book, place_cancel, place_move
from core.actors import takes_actor
from schools.models import Establishment

PHONE_PREFIX = PHONE_CHANGE_PREFIX
#: A booking's or move's reason lives in the history record's change reason (100 characters
#: with the prefix); a cancellation's on the place as well (``Place.cancel_note``).
REASON_MAX_LENGTH = 100 - len(PHONE_PREFIX)
CANCEL_REASON_MAX_LENGTH = 500


def phone_reason(reason: str, *, max_length: int = REASON_MAX_LENGTH) -> str:
    """The reason, trimmed; refused (``BookingError``, code ``reason``) when empty or too long."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise BookingError(
            "Say why you are changing the school's place for it (for example, the head "
            "teacher rang to book).",
            code="reason",
        )
    if len(reason) > max_length:
        raise BookingError(f"Keep the reason to {max_length} characters or fewer.", code="reason")
    return reason


def phone_note(reason: str) -> str:
    """The change reason recorded in the place's history (history keeps 100 characters)."""
    return f"{PHONE_PREFIX}{reason}"


@takes_actor
def place_book_by_phone(
    *, establishment: Establishment, cohort: Cohort, attendee: Attendee, reason: str
) -> Place:
    """Book ``establishment`` a place on ``cohort`` (or a waiting-list entry) for it, as the
    school would (``place_book``: the same rules, the same emails), recording why."""
    reason = phone_reason(reason)
    with transaction.atomic():
        place = place_book(establishment=establishment, cohort=cohort, attendee=attendee)
        update_change_reason(place, phone_note(reason))
    return place


@takes_actor
def place_move_by_phone(
    *, place: Place, to_cohort: Cohort, reason: str, outside_area: bool = False
) -> Place:
    """Move a school's booked place for it (``place_move``), recording why."""
    reason = phone_reason(reason)
    with transaction.atomic():
        place = place_move(place=place, to_cohort=to_cohort, outside_area=outside_area)
        update_change_reason(place, phone_note(reason))
    return place


@takes_actor
def place_cancel_by_phone(*, place: Place, reason: str, asked_by_school: bool) -> Place:
    """Cancel a school's place (or waiting-list entry) for it (``place_cancel``): at the
    school's request, or the programme team's decision; the reason is kept on the place."""
    reason = phone_reason(reason, max_length=CANCEL_REASON_MAX_LENGTH)
    return place_cancel(
        place=place,
        reason=CancelReason.BY_SCHOOL if asked_by_school else CancelReason.BY_COORDINATOR,
        note=reason,
    )
