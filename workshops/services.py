"""Writes of the sessions layer: a delivery's sessions, its professionals, attendance.

These know sessions and attendance only. The rules of a way of delivering (for a cohort: two
workshop days about six weeks apart, not in the past once booking opens, who is told when a
day moves, a school completing when present at both) are in its own app, which calls these
inside its transaction (``cohorts.services.sessions``).
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction

from core.validators import field_values_check
from workshops.errors import WorkshopError
from workshops.models import (
    Attendance,
    Delivery,
    OrganisationType,
    Participant,
    Professional,
    Workshop,
)


@dataclass(frozen=True)
class WorkshopDetails:
    """What a coordinator enters for one session: when, and where if not the delivery's."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time
    venue_name: str = ""
    venue_address: str = ""
    joining_link: str = ""


def session_details_check(details: WorkshopDetails) -> None:
    """Raise ``WorkshopError`` unless the session ends after it starts and its venue name
    and link are well formed."""
    if details.end_time <= details.start_time:
        raise WorkshopError("A workshop must end after it starts.")
    field_values_check(
        Workshop,
        error=WorkshopError,
        venue_name=details.venue_name,
        joining_link=details.joining_link,
    )


def session_write(
    *, delivery: Delivery, number: int, details: WorkshopDetails, change_reason: str = ""
) -> tuple[Workshop, bool]:
    """Create or change session ``number`` of ``delivery`` (in the caller's transaction);
    returns it and whether anything about it changed. Writes nothing if nothing changed.

    ``change_reason`` goes on the history record this write makes, so a reason is kept with
    the change it justifies; with nothing changed there is no record, and no reason kept."""
    session_details_check(details)
    values = asdict(details)
    session = delivery.workshops.filter(day=number).first()
    if session is None:
        session = Workshop(delivery=delivery, day=number, **values)
        changed = True
    else:
        changed = any(getattr(session, name) != value for name, value in values.items())
        for name, value in values.items():
            setattr(session, name, value)
    if changed:
        if change_reason:
            session._change_reason = change_reason  # read by simple_history's post_save
        session.save()
    return session, changed


def professional_check(*, name: str, organisation: str, organisation_type: str, email: str):
    """A known organisation type; one-line name and organisation, an email address."""
    if organisation_type not in OrganisationType.values:
        raise WorkshopError(f"Unknown organisation type {organisation_type!r}.")
    field_values_check(
        Professional, error=WorkshopError, name=name, organisation=organisation, email=email
    )


def professional_email_check(
    *, delivery: Delivery, email: str, professional: Professional | None = None
) -> None:
    """Each professional once on a delivery, known by their email address (without case)."""
    others = delivery.professionals.filter(email__iexact=email)
    if professional is not None:
        others = others.exclude(pk=professional.pk)
    other = others.first()
    if other is not None:
        raise WorkshopError(
            f"{other.name} is already on this cohort with the email address {email}: each "
            "professional is added once. Correct their details instead.",
            code="email_taken",
        )


def professional_save(professional: Professional) -> None:
    """Save, turning a race with another save of the same email into the readable refusal."""
    try:
        with transaction.atomic():
            professional.save()
    except IntegrityError:
        professional_email_check(
            delivery=professional.delivery, email=professional.email, professional=professional
        )
        raise


def sessions_present(participant: Participant) -> list[int]:
    """The numbers of the sessions ``participant`` is recorded present at, in order."""
    return list(
        participant.attendances.filter(present=True)
        .order_by("workshop__day")
        .values_list("workshop__day", flat=True)
    )


def sessions_present_on(participant: Participant) -> dict[int, dt.date]:
    """Each session ``participant`` is recorded present at: its number and its date."""
    return dict(
        participant.attendances.filter(present=True).values_list("workshop__day", "workshop__date")
    )


def participant_move(*, participant: Participant, delivery: Delivery) -> Participant:
    """Move ``participant`` to another delivery (a school's place moved to another cohort).
    What was recorded of them on the old one's sessions stays as it was."""
    if participant.delivery_id == delivery.pk:
        return participant
    participant.delivery = delivery
    participant.save(update_fields=["delivery", "updated_at"])
    return participant


def attendance_record(*, workshop: Workshop, participant: Participant, present: bool) -> Attendance:
    """Record whether ``participant`` was at ``workshop`` (a session of their delivery);
    marking again changes the record."""
    if participant.delivery_id != workshop.delivery_id:
        raise WorkshopError("That attendee is not on this workshop's delivery.")
    attendance, _ = Attendance.objects.update_or_create(
        workshop=workshop, participant=participant, defaults={"present": present}
    )
    return attendance
