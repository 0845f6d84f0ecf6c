"""Meetings: schedule and change one (its invitees are told through the outbox), write its
notes (every revision kept) and record who attended."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.actors import takes_actor
from core.dates import day
from facilitation import notifications
from facilitation.errors import FacilitationError
from facilitation.models import Engagement, Meeting, MeetingKind, Stage
from workshops.errors import WorkshopError
from workshops.models import Attendance
from workshops.services import WorkshopDetails, attendance_record, session_write


def _session(engagement: Engagement, number: int, details: WorkshopDetails):
    if not (details.joining_link or engagement.joining_link):
        raise FacilitationError(
            "A meeting online needs a joining link: give one here, or set the engagement's."
        )
    try:
        return session_write(delivery=engagement.delivery, number=number, details=details)
    except WorkshopError as error:
        raise FacilitationError(error.message.replace("workshop", "meeting")) from None


@takes_actor
def meeting_schedule(
    *, engagement: Engagement, kind: str, details: WorkshopDetails, agenda: str = ""
) -> Meeting:
    """Schedule a meeting of ``engagement`` online; every stakeholder is sent an invitation
    with an .ics (after commit, by the outbox's task)."""
    if kind not in MeetingKind.values:
        raise FacilitationError(f"Unknown kind of meeting {kind!r}.")
    if details.date < timezone.localdate():
        raise FacilitationError(f"{day(details.date)} has passed: a new meeting is in the future.")
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if engagement.stage == Stage.CLOSED:
            raise FacilitationError(f"{engagement.name} is closed.")
        number = (engagement.delivery.workshops.aggregate(n=Max("day"))["n"] or 0) + 1
        session, _ = _session(engagement, number, details)
        meeting = Meeting.objects.create(
            engagement=engagement, workshop=session, kind=kind, agenda=agenda.strip()
        )
        notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting.pk)
    return meeting


@takes_actor
def meeting_update(
    *, meeting: Meeting, kind: str, details: WorkshopDetails, agenda: str = ""
) -> Meeting:
    """Change a meeting still to come. When what invitees were told changes (kind, date,
    times, link), each is sent the change with a new .ics; a new agenda alone tells no one."""
    if kind not in MeetingKind.values:
        raise FacilitationError(f"Unknown kind of meeting {kind!r}.")
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("engagement", "workshop")
            .get(pk=meeting.pk)
        )
        today = timezone.localdate()
        if meeting.workshop.date < today:
            raise FacilitationError("This meeting has taken place; its details stay as they were.")
        if details.date < today:
            raise FacilitationError(f"{day(details.date)} has passed: move it to a later day.")
        before = notifications.details_digest(meeting)
        session, _ = _session(meeting.engagement, meeting.workshop.day, details)
        meeting.workshop = session
        meeting.kind, meeting.agenda = kind, agenda.strip()
        meeting.save()
        if notifications.details_digest(meeting) != before:
            notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting.pk)
    return meeting


@takes_actor
def meeting_notes_save(*, meeting: Meeting, notes: str) -> Meeting:
    """Write a meeting's notes, from the day it happens; each save is a revision kept in
    its history. Saving them unchanged writes nothing."""
    notes = notes.strip()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("workshop", "engagement")
            .get(pk=meeting.pk)
        )
        if meeting.workshop.date > timezone.localdate():
            raise FacilitationError(
                f"Notes can be written from {day(meeting.workshop.date)}, the day it happens."
            )
        if notes == meeting.notes:
            return meeting
        meeting.notes, meeting.notes_written_at = notes, timezone.now() if notes else None
        meeting.save()
    return meeting


@takes_actor
def meeting_attendance_mark(*, meeting: Meeting, present_ids: set[int]) -> int:
    """The register of one meeting: each stakeholder of the engagement is present if their
    id is given, else absent; all or nothing, from the day it happens. Returns how many were
    present."""
    if meeting.workshop.date > timezone.localdate():
        raise FacilitationError(
            f"Attendance can be recorded from {day(meeting.workshop.date)}, the day it happens."
        )
    stakeholders = list(meeting.engagement.stakeholders.select_related("participant"))
    unknown = present_ids - {s.pk for s in stakeholders}
    if unknown:
        raise FacilitationError("Someone marked present is not on this engagement.")
    with transaction.atomic():
        for stakeholder in stakeholders:
            attendance_record(
                workshop=meeting.workshop,
                participant=stakeholder.participant,
                present=stakeholder.pk in present_ids,
            )
    return Attendance.objects.filter(workshop=meeting.workshop, present=True).count()


def meeting_is_past(meeting: Meeting, *, today: dt.date | None = None) -> bool:
    return meeting.workshop.date < (today or timezone.localdate())
