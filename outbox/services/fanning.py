"""Fan-outs: one row written in the request, many emails queued by a task.

``fan_out_record`` is called in the service's transaction: it writes one ``FanOut`` row and,
once that commits, hands its id to the broker (the only work after commit). The task runs
``fan_out_run``: it locks the row, runs the registered handler (``outbox.fanout``), which
queues the emails in the same transaction, and marks the row done; the emails go to the
broker when that commits. A fan-out the broker never got, or whose task died or failed, is
handed over again by the sweeper (``fan_outs_requeue_stuck``), up to the outbox's attempts.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox import conf
from outbox.fanout import fan_out_name, handler_for
from outbox.models import FanOut
from outbox.services.queueing import celery_app

logger = logging.getLogger("outbox.services")
FAN_OUT_TASK = "outbox.tasks.fan_out"


def _dispatch_fan_out(fan_out_id: int) -> None:
    try:
        celery_app.send_task(FAN_OUT_TASK, args=[fan_out_id])
    except Exception:
        logger.warning("outbox: broker unavailable; fan-out %s waits for the sweeper", fan_out_id)
        return
    FanOut.objects.filter(pk=fan_out_id).update(dispatched_at=timezone.now())


def fan_out_record(handler: Callable[..., None], **ids: int | list[int] | None) -> FanOut:
    """Write the fan-out of ``handler(**ids)`` in the caller's transaction; its task is
    handed to the broker after commit. One INSERT, however many people it will tell."""
    row = FanOut.objects.create(name=fan_out_name(handler), payload=ids)
    transaction.on_commit(lambda: _dispatch_fan_out(row.pk))
    return row


def fan_out_run(*, fan_out_id: int) -> bool:
    """Queue a fan-out's emails, once; returns whether it ran now. A failure rolls the emails
    back and is recorded on the row (its type only), for the task's retry or the sweeper."""
    try:
        with transaction.atomic():
            row = (
                FanOut.objects.select_for_update(skip_locked=True)
                .filter(pk=fan_out_id, done_at__isnull=True)
                .first()
            )
            if row is None:
                return False  # done already, or another worker is running it
            handler_for(row.name)(**row.payload)
            row.done_at, row.attempts, row.last_error = timezone.now(), row.attempts + 1, ""
            row.save(update_fields=["done_at", "attempts", "last_error", "updated_at"])
    except Exception as exc:
        logger.error("outbox: fan-out %s failed (%s)", fan_out_id, type(exc).__name__)
        FanOut.objects.filter(pk=fan_out_id).update(
            attempts=F("attempts") + 1, last_error=type(exc).__name__[:500]
        )
        raise
    return True


def fan_outs_requeue_stuck() -> int:
    """Hand the broker again the fan-outs not done: never handed over (30 seconds on), or
    handed over ``conf.lost_after_seconds`` ago and not done (their task died or failed),
    while they have attempts left. Returns how many."""
    now = timezone.now()
    due = list(
        FanOut.objects.filter(done_at__isnull=True, attempts__lt=conf.max_attempts())
        .filter(
            Q(dispatched_at__isnull=True, created_at__lt=now - timedelta(seconds=30))
            | Q(dispatched_at__lt=now - timedelta(seconds=conf.lost_after_seconds()))
        )
        .values_list("pk", flat=True)
    )
    for fan_out_id in due:
        _dispatch_fan_out(fan_out_id)
    return len(due)
