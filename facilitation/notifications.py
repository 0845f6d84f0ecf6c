"""The one place where facilitation tells people that something happened: meeting
invitations and their changes. Reminders are scheduled (``facilitation.services.reminders``).

Services call ``fan_out(...)`` in their own transaction: one row, and the outbox's task runs
the event after commit, queuing one email per stakeholder in a fixed number of queries
(``emails_enqueue_bulk``). What each stakeholder was sent of a meeting is recorded
(``MeetingInvite.told_digest``), so a change tells only those told something else, and a
stakeholder added later is sent the invitations to the meetings still to come. Every email
is keyed (kind, recipient, meeting, digest of the details), so a repeat sends nothing twice;
each is stamped with the engagement's area (``Areas.of``). Logs carry ids, never names or
addresses.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable

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
    sequence = int(meeting.workshop.updated_at.timestamp()) // 60
    body = meeting_calendar(meeting=meeting, sequence=sequence)
    return [{"filename": "link-meeting.ics", "content": body.decode(), "mimetype": "text/calendar"}]


def _meeting(meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("workshop", "engagement")
        .filter(pk=meeting_id, workshop__date__gte=timezone.localdate())
        .first()
    )


def _invite(meeting: Meeting, stakeholders: Iterable[Stakeholder]) -> int:
    """Send ``meeting``'s details to each of ``stakeholders`` not sent them as they are now
    (an invitation to the first-timers, a change notice to the others); returns how many."""
    digest = details_digest(meeting)
    told = dict(meeting.invites.values_list("stakeholder_id", "told_digest"))
    context = meeting_context(meeting)
    areas = Areas.of(meeting.engagement)
    attachments = _calendar(meeting)
    specs, invited = [], []
    for stakeholder in stakeholders:
        before = told.get(stakeholder.pk)
        if before == digest:
            continue
        kind = EmailKind.MEETING_INVITATION if before is None else EmailKind.MEETING_CHANGE
        specs.append(
            EmailSpec(
                kind=kind,
                recipient=stakeholder.email,
                template=str(kind),
                context={**context, "name": stakeholder.name},
                concerns=meeting,
                occurrence=digest,
                campaign=meeting.engagement.campaign,
                areas=areas,
                attachments=attachments,
            )
        )
        invited.append(stakeholder)
    emails_enqueue_bulk(specs)
    now = timezone.now()
    MeetingInvite.objects.bulk_create(
        [
            MeetingInvite(meeting=meeting, stakeholder=s, told_digest=digest, told_at=now)
            for s in invited
        ],
        update_conflicts=True,
        unique_fields=["meeting", "stakeholder"],
        update_fields=["told_digest", "told_at"],
    )
    return len(invited)


def meeting_invitations(*, meeting_id: int) -> None:
    """A meeting was set or changed: tell every stakeholder of its engagement not told it as
    it is now. A meeting that has passed tells no one."""
    logger.info("notification meeting_invitations meeting_id=%s", meeting_id)
    meeting = _meeting(meeting_id)
    if meeting is not None:
        _invite(meeting, meeting.engagement.stakeholders.all())


def stakeholder_joined(*, stakeholder_id: int) -> None:
    """A stakeholder was added: send them the invitations to the meetings still to come."""
    logger.info("notification stakeholder_joined stakeholder_id=%s", stakeholder_id)
    stakeholder = Stakeholder.objects.filter(pk=stakeholder_id).first()
    if stakeholder is None:
        return
    upcoming = Meeting.objects.filter(
        engagement_id=stakeholder.engagement_id, workshop__date__gte=timezone.localdate()
    ).select_related("workshop", "engagement")
    for meeting in upcoming:
        _invite(meeting, [stakeholder])


FAN_OUTS = (meeting_invitations, stakeholder_joined)


def register() -> None:
    for event in FAN_OUTS:
        register_fan_out(event)
