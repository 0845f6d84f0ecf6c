"""The outbox's safety net (beat): hand the broker again what a crash or an outage left."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from outbox import conf
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services.queueing import _dispatch_many


def emails_requeue_stuck() -> int:
    """Hand the broker every email that should be on its way but is not (beat, each minute):

    - queued and never handed over (the broker was down at the time), or handed over long ago;
    - retrying and past its next attempt by more than a few minutes (the retry was lost);
    - sending for too long (the worker died mid-send): retried, as an attempt.
    Handing over twice is harmless: the send task locks the row and checks its status.
    """
    now = timezone.now()
    stuck_sending = OutgoingEmail.objects.filter(
        status=EmailStatus.SENDING,
        updated_at__lt=now - timedelta(seconds=conf.stuck_sending_after_seconds()),
    )
    stuck = list(stuck_sending.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=stuck).update(
        status=EmailStatus.RETRYING, next_attempt_at=now, updated_at=now
    )
    due = OutgoingEmail.objects.filter(
        Q(pk__in=stuck)
        | Q(
            status=EmailStatus.QUEUED,
            dispatched_at__isnull=True,
            created_at__lt=now - timedelta(seconds=30),
        )
        | Q(
            status=EmailStatus.QUEUED,
            dispatched_at__lt=now - timedelta(seconds=conf.redispatch_after_seconds()),
        )
        | Q(status=EmailStatus.RETRYING, next_attempt_at__lt=now - timedelta(minutes=2))
        | Q(status=EmailStatus.RETRYING, next_attempt_at__isnull=True)
    ).values_list("pk", flat=True)
    # In batch tasks, as a wave is sent: after a broker outage this may be thousands of rows.
    due_ids = list(due)
    _dispatch_many(due_ids)
    return len(due_ids)
