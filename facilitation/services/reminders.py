"""Scheduled mail of facilitation: meeting reminders to those invited, and the reminder to
facilitators whose meeting notes are not written.

Both run from beat and can run any number of times: each is let out once by the
programme's own record, written in the transaction that queues its email
(``MeetingInvite.reminded_at``, ``Meeting.notes_reminded_at``); the outbox's unique key
(kind, recipient, meeting, occurrence) stops a repeat as well. Each costs a fixed number of
queries per meeting, however many people it tells.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from facilitation import conf
from facilitation.models import Meeting, MeetingInvite, Stage
from facilitation.notifications import details_digest, meeting_context
from outbox.models import EmailKind
from outbox.services import Areas, EmailSpec, email_enqueue, emails_enqueue_bulk


def meeting_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each invitee ``conf.meeting_reminder_days()`` before a meeting (or on the first
    run after, up to the day itself), once; returns how many were queued. Those sent the
    invitation and still on the list are reminded; a cancelled meeting reminds no one."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Meeting.objects.filter(
        workshop__date__gte=today,
        workshop__date__lte=today + timedelta(days=conf.meeting_reminder_days()),
        cancelled_at__isnull=True,
    ).exclude(engagement__stage__in=(Stage.CLOSED, Stage.PAUSED))
    queued = 0
    for meeting in due.select_related("workshop", "engagement"):
        with transaction.atomic():
            invites = list(
                MeetingInvite.objects.select_for_update(of=("self",))
                .filter(meeting=meeting, reminded_at__isnull=True, removed_at__isnull=True)
                .exclude(told_digest="")
                .exclude(stakeholder__email="")
                .select_related("stakeholder")
            )
            context, digest = meeting_context(meeting), details_digest(meeting)
            specs = [
                EmailSpec(
                    kind=EmailKind.MEETING_REMINDER,
                    recipient=invite.stakeholder.email,
                    template="meeting_reminder",
                    context={**context, "name": invite.stakeholder.name},
                    concerns=meeting,
                    occurrence=f"{meeting.workshop.date.isoformat()}-{digest}",
                    campaign=meeting.engagement.campaign,
                    areas=Areas.of(meeting.engagement),
                )
                for invite in invites
            ]
            queued += len(emails_enqueue_bulk(specs))
            MeetingInvite.objects.filter(pk__in=[i.pk for i in invites]).update(reminded_at=now)
    return queued


def notes_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the facilitators of each meeting ``conf.notes_reminder_days()`` or more days
    past whose notes are not written, once per meeting; returns how many were queued."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - timedelta(days=conf.notes_reminder_days())
    due = (
        Meeting.objects.filter(
            workshop__date__lte=cutoff,
            notes="",
            notes_reminded_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .exclude(engagement__stage=Stage.CLOSED)
        .select_related("workshop", "engagement")
        .prefetch_related("engagement__facilitators")
    )
    queued = 0
    for meeting in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, notes_reminded_at__isnull=True).update(
                notes_reminded_at=now
            ):
                continue  # another run took it
            link = settings.LINK_BASE_URL + reverse("facilitation:meeting", args=[meeting.pk])
            for facilitator in meeting.engagement.facilitators.all():
                if not facilitator.email:
                    continue
                _, created = email_enqueue(
                    kind=EmailKind.NOTES_REMINDER,
                    recipient=facilitator.email,
                    template="notes_reminder",
                    context={
                        **meeting_context(meeting),
                        "name": facilitator.get_full_name() or facilitator.get_username(),
                        "page": link,
                        "days": conf.notes_reminder_days(),
                    },
                    concerns=meeting,
                    occurrence="notes",
                    campaign=meeting.engagement.campaign,
                    areas=Areas.of(meeting.engagement),
                )
                queued += created
    return queued
