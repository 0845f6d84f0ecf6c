"""The outbox's safety net (beat, every 30 seconds): hand the broker again what a crash or an
outage left behind, soon enough that no email waits long for it.

- A row left "sending" whose worker's claim lapsed (``conf.lease_seconds``, 60 s: a live
  worker renews it as it sends) is retried at once: its worker died or stalled. Only the
  message that worker was handing over when it died can reach the mail server twice.
- A queued row never handed to the broker (the broker was down) goes after 30 seconds.
- A queued row handed over but not sent: its task may have died with a worker (which held
  it, unacknowledged, until the broker's own timeout of an hour) or failed (SQLite's
  "database is locked"). While other tasks still wait in the broker's queue it may simply
  be waiting its turn, so it is handed over again only after ``conf.redispatch_after_seconds``
  (an hour); once the queue is empty nothing is waiting its turn, so after
  ``conf.lost_after_seconds`` (a minute). Handing over twice is harmless: the send locks the
  row and checks its state.
- A retrying row more than two minutes past its next attempt (the retry task was lost).
"""

import logging
from datetime import timedelta

from celery import current_app as celery_app
from django.db.models import Q
from django.utils import timezone

from outbox import conf
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services.queueing import _dispatch_many

logger = logging.getLogger("outbox.services")


def _broker_backlog() -> int | None:
    """How many tasks wait in the broker's default queue (not those a worker holds), or None
    when the broker cannot say."""
    queue = celery_app.conf.task_default_queue
    try:
        with celery_app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=queue).message_count
    except Exception:  # the broker is down: what is queued waits for it either way
        logger.warning("outbox: the broker did not say how many tasks wait")
        return None


def emails_requeue_stuck() -> int:
    """Hand the broker every email that should be on its way but is not; returns how many."""
    now = timezone.now()
    lapsed = OutgoingEmail.objects.filter(status=EmailStatus.SENDING).filter(
        Q(lease_expires_at__lt=now)
        # Rows claimed before claims had leases.
        | Q(
            lease_expires_at__isnull=True,
            updated_at__lt=now - timedelta(seconds=conf.lease_seconds()),
        )
    )
    stuck = list(lapsed.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=stuck, status=EmailStatus.SENDING).update(
        status=EmailStatus.RETRYING,
        next_attempt_at=now,
        lease_token="",
        lease_expires_at=None,
        updated_at=now,
    )
    if stuck:
        logger.warning("outbox: %s emails whose worker stopped are sent again", len(stuck))
    waiting_its_turn = _broker_backlog() != 0
    handed_before = now - timedelta(
        seconds=conf.redispatch_after_seconds() if waiting_its_turn else conf.lost_after_seconds()
    )
    due = OutgoingEmail.objects.filter(
        Q(pk__in=stuck)
        | Q(
            status=EmailStatus.QUEUED,
            dispatched_at__isnull=True,
            created_at__lt=now - timedelta(seconds=30),
        )
        | Q(status=EmailStatus.QUEUED, dispatched_at__lt=handed_before)
        | Q(status=EmailStatus.RETRYING, next_attempt_at__lt=now - timedelta(minutes=2))
        | Q(status=EmailStatus.RETRYING, next_attempt_at__isnull=True)
    ).values_list("pk", flat=True)
    # In batch tasks, as a wave is sent: after a broker outage this may be thousands of rows.
    due_ids = list(due)
    _dispatch_many(due_ids)
    return len(due_ids)
