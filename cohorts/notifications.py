"""The one place where cohorts and workshops tell people that something happened.

Every function here is a call point for a message the outbox will send (the waves issue):
today each one only logs the event's name and the ids involved, never names or email
addresses. Services never call them directly: they call ``notify(...)``, which runs the
function after the surrounding transaction commits, so a rolled-back booking tells no one.

When the outbox arrives, each function's body becomes "enqueue an outbox row for these ids";
its name, arguments and callers stay as they are.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger("cohorts.notifications")


def notify(event: Callable[..., None], **ids: int | None) -> None:
    """Run ``event(**ids)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(event, **ids))


def _record(event: str, **ids: int | None) -> None:
    details = " ".join(f"{key}={value}" for key, value in ids.items())
    logger.info("notification %s %s", event, details, extra={"event": event, **ids})


def place_booked(*, place_id: int) -> None:
    """A school booked a seat on a cohort: confirm it to the attendee with both dates."""
    _record("place_booked", place_id=place_id)


def place_waiting_listed(*, place_id: int) -> None:
    """A school joined a full cohort's waiting list: tell the attendee their position."""
    _record("place_waiting_listed", place_id=place_id)


def offer_made(*, place_id: int) -> None:
    """A freed seat was offered to the first waiting school: ask them to accept by the
    expiry (``Place.offer_expires_at``) through their booking link."""
    _record("offer_made", place_id=place_id)


def offer_accepted(*, place_id: int) -> None:
    """A school accepted an offered seat: confirm the booking as for ``place_booked``."""
    _record("offer_accepted", place_id=place_id)


def offer_declined(*, place_id: int) -> None:
    """A school declined an offered seat: acknowledge it."""
    _record("offer_declined", place_id=place_id)


def offer_expired(*, place_id: int) -> None:
    """An offer was not answered in time and lapsed: tell the school it has gone."""
    _record("offer_expired", place_id=place_id)


def place_cancelled(*, place_id: int) -> None:
    """A place (or waiting-list entry) was cancelled by the school or a coordinator."""
    _record("place_cancelled", place_id=place_id)


def place_moved(*, place_id: int, from_cohort_id: int, to_cohort_id: int) -> None:
    """A place moved to another cohort: send the attendee the new dates."""
    _record(
        "place_moved", place_id=place_id, from_cohort_id=from_cohort_id, to_cohort_id=to_cohort_id
    )


def attendee_changed(*, place_id: int) -> None:
    """A school named a different attendee: confirm the booking to the new attendee."""
    _record("attendee_changed", place_id=place_id)


def cohort_cancelled(*, cohort_id: int) -> None:
    """A cohort was cancelled: tell every school that held a place on it."""
    _record("cohort_cancelled", cohort_id=cohort_id)


def workshop_changed(*, workshop_id: int) -> None:
    """The date, times or venue of a workshop of a bookable cohort changed: tell the
    schools holding places on it."""
    _record("workshop_changed", workshop_id=workshop_id)


def booking_link_requested(*, establishment_id: int) -> None:
    """A school opened an expired booking link and asked for a new one: send a fresh link
    to the establishment's contact email (``cohorts.services.links.booking_link_path``)."""
    _record("booking_link_requested", establishment_id=establishment_id)
