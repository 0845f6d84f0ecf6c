"""Meetings: schedule, change and cancel one, choose who is invited (those invited, taken off
the list or told it is cancelled hear through the outbox), write its notes (every revision
kept) and record who attended."""

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core.actors import takes_actor
from core.dates import day
from core.validators import field_values_check
from facilitation import notifications
from facilitation.errors import FacilitationError
from facilitation.models import Engagement, Meeting, MeetingInvite, MeetingKind, Stage
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


def _chosen(engagement: Engagement, invitees: Collection[int]) -> set[int]:
    """``invitees`` (stakeholders' ids), each checked to be on ``engagement``; none is refused."""
    chosen = set(invitees)
    if not chosen:
        raise FacilitationError(
            "Choose who is invited: tick at least one stakeholder, or invite everyone.",
            code="no_invitees",
        )
    known = set(engagement.stakeholders.filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - known:
        raise FacilitationError(
            "Someone ticked is no longer on this engagement; nothing was saved. Look at the "
            "list again.",
            code="not_on_engagement",
        )
    return chosen


@takes_actor
def meeting_schedule(
    *,
    engagement: Engagement,
    kind: str,
    details: WorkshopDetails,
    agenda: str = "",
    invitees: Collection[int] | None = None,
) -> Meeting:
    """Schedule a meeting of ``engagement`` online and send its invitations with an .ics
    (after commit, by the outbox's task): to every stakeholder, and anyone added later
    (``invitees`` None: a consultation's usual list), or to the stakeholders ``invitees``
    names (a support session's few)."""
    if kind not in MeetingKind.values:
        raise FacilitationError(f"Unknown kind of meeting {kind!r}.")
    if details.date < timezone.localdate():
        raise FacilitationError(f"{day(details.date)} has passed: a new meeting is in the future.")
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if engagement.stage == Stage.CLOSED:
            raise FacilitationError(f"{engagement.name} is closed.")
        chosen = None if invitees is None else _chosen(engagement, invitees)
        number = (engagement.delivery.workshops.aggregate(n=Max("day"))["n"] or 0) + 1
        session, _ = _session(engagement, number, details)
        meeting = Meeting.objects.create(
            engagement=engagement,
            workshop=session,
            kind=kind,
            agenda=agenda.strip(),
            invite_all=chosen is None,
        )
        if chosen is None:
            chosen = engagement.stakeholders.values_list("pk", flat=True)
        MeetingInvite.objects.bulk_create(
            [MeetingInvite(meeting=meeting, stakeholder_id=pk) for pk in chosen]
        )
        notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting.pk)
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("engagement", "workshop")
        .get(pk=meeting.pk)
    )


def _not_cancelled(meeting: Meeting, doing: str) -> None:
    if meeting.is_cancelled:
        raise FacilitationError(
            f"This meeting was cancelled on {day(timezone.localdate(meeting.cancelled_at))}: "
            f"{doing}.",
            code="cancelled",
        )


@takes_actor
def meeting_invites_set(
    *, meeting: Meeting, everyone: bool, invitees: Collection[int] = ()
) -> tuple[int, int]:
    """Choose who is invited to a meeting still to come: everyone on the engagement (and
    anyone added later), or the stakeholders ``invitees`` names. Those added are sent the
    invitation with its .ics, those taken off a short notice that they are no longer needed
    with an .ics that removes it (after commit, by the outbox's task); the others hear
    nothing. Returns (how many added, how many taken off)."""
    with transaction.atomic():
        meeting = _lock(meeting)
        _not_cancelled(meeting, "its invite list stays as it was")
        if meeting.workshop.date < timezone.localdate():
            raise FacilitationError("This meeting has taken place; its invite list stays.")
        engagement = meeting.engagement
        if everyone:
            chosen = set(engagement.stakeholders.values_list("pk", flat=True))
        else:
            chosen = _chosen(engagement, invitees)
        invites = {i.stakeholder_id: i for i in meeting.invites.all()}
        on_list = {pk for pk, i in invites.items() if i.removed_at is None}
        added, removed = chosen - on_list, on_list - chosen
        now = timezone.now()
        MeetingInvite.objects.filter(meeting=meeting, stakeholder_id__in=removed).update(
            removed_at=now
        )
        back = {pk for pk in added if pk in invites}
        # Back before they were told they were off: as they were, nothing more to send.
        # Told already: invited again, in a new round.
        told_off = {pk for pk in back if invites[pk].off_told_at is not None}
        rows = MeetingInvite.objects.filter(meeting=meeting)
        rows.filter(stakeholder_id__in=back - told_off).update(removed_at=None)
        rows.filter(stakeholder_id__in=told_off).update(
            removed_at=None,
            told_digest="",
            told_at=None,
            reminded_at=None,
            off_told_at=None,
            round=F("round") + 1,
        )
        MeetingInvite.objects.bulk_create(
            [MeetingInvite(meeting=meeting, stakeholder_id=pk) for pk in added - back]
        )
        changed = meeting.invite_all != everyone
        meeting.invite_all = everyone
        if removed:
            meeting.sequence += 1  # their calendars take the event out: a higher SEQUENCE
        if changed or removed:
            meeting.save()
        if added or removed:
            notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting.pk)
    return len(added), len(removed)


@takes_actor
def meeting_cancel(*, meeting: Meeting, reason: str, actor=None) -> Meeting:
    """Cancel a meeting still to come, for ``reason`` (kept on it and in its history, with
    who cancelled it). Everyone sent it is told, once, with an .ics that removes it from
    their calendar (after commit, by the outbox's task); its reminders stop. A cancelled
    meeting is not changed again, nor is its attendance taken."""
    reason = " ".join(reason.split())
    if not reason:
        raise FacilitationError("Say why the meeting is cancelled.", code="reason")
    field_values_check(Meeting, error=FacilitationError, cancel_reason=reason)
    with transaction.atomic():
        meeting = _lock(meeting)
        _not_cancelled(meeting, "there is nothing more to cancel")
        if meeting.workshop.date < timezone.localdate():
            raise FacilitationError("This meeting has taken place; it cannot be cancelled.")
        meeting.cancelled_at, meeting.cancel_reason = timezone.now(), reason
        meeting.cancelled_by = actor if getattr(actor, "pk", None) else None
        meeting.sequence += 1
        meeting._change_reason = reason[:100]  # read by simple_history's post_save
        meeting.save()
        notifications.fan_out(notifications.meeting_cancelled, meeting_id=meeting.pk)
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
        meeting = _lock(meeting)
        _not_cancelled(meeting, "its details stay as they were")
        today = timezone.localdate()
        if meeting.workshop.date < today:
            raise FacilitationError("This meeting has taken place; its details stay as they were.")
        if details.date < today:
            raise FacilitationError(f"{day(details.date)} has passed: move it to a later day.")
        before = notifications.details_digest(meeting)
        session, _ = _session(meeting.engagement, meeting.workshop.day, details)
        meeting.workshop = session
        meeting.kind, meeting.agenda = kind, agenda.strip()
        told_changes = notifications.details_digest(meeting) != before
        if told_changes:
            meeting.sequence += 1  # invitees' calendars take the new details
        meeting.save()
        if told_changes:
            notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting.pk)
    return meeting


@takes_actor
def meeting_notes_save(*, meeting: Meeting, notes: str) -> Meeting:
    """Write a meeting's notes, from the day it happens; each save is a revision kept in
    its history. Saving them unchanged writes nothing."""
    notes = notes.strip()
    with transaction.atomic():
        meeting = _lock(meeting)
        _not_cancelled(meeting, "it has no notes")
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
def meeting_attendance_mark(*, meeting: Meeting, present_ids: Collection[int]) -> int:
    """The register of one meeting, from the day it happens, all or nothing: each
    stakeholder on its invite list is present if their id is given, else absent; a
    stakeholder of the engagement who came uninvited is present if given, and leaves the
    register if not. Returns how many were present."""
    present_ids = set(present_ids)
    with transaction.atomic():
        meeting = _lock(meeting)
        _not_cancelled(meeting, "no one attended it")
        if meeting.workshop.date > timezone.localdate():
            raise FacilitationError(
                f"Attendance can be recorded from {day(meeting.workshop.date)}, the day it happens."
            )
        stakeholders = {
            s.pk: s for s in meeting.engagement.stakeholders.select_related("participant")
        }
        if present_ids - stakeholders.keys():
            raise FacilitationError(
                "Someone marked present is no longer on this engagement; nothing was saved.",
                code="not_on_engagement",
            )
        invited = set(
            meeting.invites.filter(removed_at__isnull=True).values_list("stakeholder_id", flat=True)
        )
        for pk in sorted(invited | present_ids):
            attendance_record(
                workshop=meeting.workshop,
                participant=stakeholders[pk].participant,
                present=pk in present_ids,
            )
        uninvited_absent = [
            s.participant_id
            for pk, s in stakeholders.items()
            if pk not in invited and pk not in present_ids
        ]
        Attendance.objects.filter(
            workshop=meeting.workshop, participant_id__in=uninvited_absent
        ).delete()
    return Attendance.objects.filter(workshop=meeting.workshop, present=True).count()


def meeting_is_past(meeting: Meeting, *, today: dt.date | None = None) -> bool:
    return meeting.workshop.date < (today or timezone.localdate())
