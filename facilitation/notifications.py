"""The one place where facilitation tells people that something happened: meeting
invitations, their changes, that someone is no longer needed at a meeting, and that a
meeting is cancelled. Reminders are scheduled (``facilitation.services.reminders``).

Services call ``fan_out(...)`` in their own transaction: one row, and the outbox's task runs
the event after commit, queuing one email per stakeholder in a fixed number of queries
(``emails_enqueue_bulk``). What each stakeholder was sent of a meeting is recorded
(``MeetingInvite``: ``told_digest``, ``off_told_at``), so a change tells only those told
something else, someone taken off a list or a cancellation is told once, and a stakeholder
added later is sent the invitations to the meetings still to come that invite everyone. Every email
is keyed (kind, recipient, meeting, digest of the details), so a repeat sends nothing twice;
each is stamped with the engagement's area (``Areas.of``). Logs carry ids, never names or
addresses.
"""

import hashlib
import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import clock, weekday
from facilitation.ics import meeting_calendar
from facilitation.models import Meeting, MeetingInvite, Stakeholder
from outbox.fanout import register_fan_out
from outbox.models import EmailKind
from outbox.services import Areas, EmailSpec, emails_enqueue_bulk, fan_out_record

logger = logging.getLogger("facilitation.notifications")


def fan_out(event: Callable[..., None], **ids: int | list[int] | None) -> None:
    """Record, in the caller's transaction, that ``event(**ids)`` is to tell many people."""
    logger.info("notification %s (fan-out)", event.__name__, extra={"event": event.__name__})
    fan_out_record(event, **ids)


def details_digest(meeting: Meeting) -> str:
    """A short digest of what invitees are told of ``meeting``: kind, date, times, link."""
    session = meeting.workshop
    details = (meeting.kind, session.date, session.start_time, session.end_time)
    return hashlib.sha256(repr((*details, meeting.joining_link)).encode()).hexdigest()[:12]


def meeting_context(meeting: Meeting) -> dict:
    """A meeting as the emails show it."""
    session = meeting.workshop
    return {
        "meeting": meeting,
        "engagement": meeting.engagement,
        "what": meeting.get_kind_display(),
        "when": f"{weekday(session.date)}, {clock(session.start_time)} to "
        f"{clock(session.end_time)}",
        "link": meeting.joining_link,
        "agenda": meeting.agenda,
    }


def _calendar(meeting: Meeting) -> list[dict]:
    body = meeting_calendar(meeting=meeting)
    return [{"filename": "link-meeting.ics", "content": body.decode(), "mimetype": "text/calendar"}]


def _cancel_calendar(meeting: Meeting, recipient: str) -> list[dict]:
    body = meeting_calendar(meeting=meeting, cancel=True, attendee=recipient)
    return [{"filename": "link-meeting.ics", "content": body.decode(), "mimetype": "text/calendar"}]


def _locked(meeting_id: int) -> Meeting | None:
    """The meeting, locked: a cancellation or an edit of the list waits for this run."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("workshop", "engagement")
        .filter(pk=meeting_id)
        .first()
    )


def _occurrence(invite: MeetingInvite, what: str) -> str:
    """Put back on the list, a stakeholder's round names new emails, sent again."""
    return what if invite.round == 1 else f"{what}-r{invite.round}"


def _spec(meeting: Meeting, invite: MeetingInvite, **fields) -> EmailSpec:
    stakeholder = invite.stakeholder
    return EmailSpec(
        recipient=stakeholder.email,
        context={**fields.pop("context"), "name": stakeholder.name},
        concerns=meeting,
        campaign=meeting.engagement.campaign,
        areas=Areas.of(meeting.engagement),
        **fields,
    )


def _invitees(meeting: Meeting, **filters):
    """Invites of ``meeting`` with an address to write to (an erased stakeholder has none)."""
    return (
        meeting.invites.filter(**filters)
        .exclude(stakeholder__email="")
        .select_related("stakeholder")
    )


def _invite(meeting: Meeting) -> int:
    """Send ``meeting``'s details to each on its list not sent them as they are now (an
    invitation to the first-timers, a change notice to the others); returns how many."""
    digest = details_digest(meeting)
    context, attachments = meeting_context(meeting), _calendar(meeting)
    specs, told = [], []
    for invite in _invitees(meeting, removed_at__isnull=True).exclude(told_digest=digest):
        kind = EmailKind.MEETING_INVITATION if not invite.told_digest else EmailKind.MEETING_CHANGE
        specs.append(
            _spec(
                meeting,
                invite,
                kind=kind,
                template=str(kind),
                context=context,
                occurrence=_occurrence(invite, digest),
                attachments=attachments,
            )
        )
        told.append(invite.pk)
    emails_enqueue_bulk(specs)
    MeetingInvite.objects.filter(pk__in=told).update(told_digest=digest, told_at=timezone.now())
    return len(told)


def _tell_off(meeting: Meeting, invites, *, template: str, occurrence: str) -> int:
    """Tell each of ``invites`` (each sent the meeting before) that it is off for them, with
    the .ics that takes it out of their calendar; once each. Returns how many."""
    context = {**meeting_context(meeting), "reason": meeting.cancel_reason}
    specs, told = [], []
    for invite in invites.filter(off_told_at__isnull=True).exclude(told_digest=""):
        specs.append(
            _spec(
                meeting,
                invite,
                kind=EmailKind.CANCELLATION,
                template=template,
                context=context,
                occurrence=_occurrence(invite, occurrence),
                attachments=_cancel_calendar(meeting, invite.stakeholder.email),
            )
        )
        told.append(invite.pk)
    emails_enqueue_bulk(specs)
    MeetingInvite.objects.filter(pk__in=told).update(off_told_at=timezone.now())
    return len(told)


def _everyone_on_the_list(meeting: Meeting) -> None:
    """A meeting that invites everyone has each stakeholder of its engagement on its list."""
    missing = meeting.engagement.stakeholders.exclude(invites__meeting=meeting)
    MeetingInvite.objects.bulk_create(
        [
            MeetingInvite(meeting=meeting, stakeholder_id=pk)
            for pk in missing.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def _tell(meeting_id: int) -> None:
    """Tell each person on or off ``meeting_id``'s list what they have not been told: a
    cancelled meeting, its cancellation (to those sent it); else, to those taken off the
    list, that they are no longer needed, and to those on it the meeting as it is now. A
    meeting that has passed tells no one anything but its cancellation."""
    with transaction.atomic():  # the outbox's task runs it in one; anything else too
        meeting = _locked(meeting_id)
        if meeting is None:
            return
        if meeting.is_cancelled:
            _tell_off(
                meeting, _invitees(meeting), template="meeting_cancelled", occurrence="cancelled"
            )
            return
        if meeting.workshop.date < timezone.localdate():
            return
        if meeting.invite_all:
            _everyone_on_the_list(meeting)
        _tell_off(
            meeting,
            _invitees(meeting, removed_at__isnull=False),
            template="meeting_withdrawn",
            occurrence="removed",
        )
        _invite(meeting)


def meeting_invitations(*, meeting_id: int) -> None:
    """A meeting was set or changed, or its invite list edited: tell those on its list, and
    those taken off it, what they have not been told."""
    logger.info("notification meeting_invitations meeting_id=%s", meeting_id)
    _tell(meeting_id)


def meeting_cancelled(*, meeting_id: int) -> None:
    """A meeting was cancelled: tell everyone sent it, once, with the .ics that removes it."""
    logger.info("notification meeting_cancelled meeting_id=%s", meeting_id)
    _tell(meeting_id)


def stakeholder_joined(*, stakeholder_id: int) -> None:
    """A stakeholder was added (or their address changed): send them the invitations to the
    meetings still to come that invite everyone or have them on their list."""
    logger.info("notification stakeholder_joined stakeholder_id=%s", stakeholder_id)
    stakeholder = Stakeholder.objects.filter(pk=stakeholder_id).first()
    if stakeholder is None:
        return
    upcoming = Meeting.objects.filter(
        Q(invite_all=True) | Q(invites__stakeholder=stakeholder),
        engagement_id=stakeholder.engagement_id,
        workshop__date__gte=timezone.localdate(),
        cancelled_at__isnull=True,
    )
    for meeting_id in upcoming.values_list("pk", flat=True).distinct():
        _tell(meeting_id)


FAN_OUTS = (meeting_invitations, meeting_cancelled, stakeholder_joined)


def register() -> None:
    for event in FAN_OUTS:
        register_fan_out(event)
