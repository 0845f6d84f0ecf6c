"""Queue, send, retry and cancel emails. Every email Link sends goes through here.

Sending is at-least-once towards the SMTP server and exactly-once in the outbox: a row is
locked and moved to "sending" under a worker's lease before the SMTP conversation, which
happens outside any transaction, and marked sent straight after it; a redelivered or
duplicated task finds the row no longer sendable and stops. Only a worker that dies between
the SMTP server accepting a message and that mark can cause a repeat, of that one message,
once its lease lapses (``outbox.services.sweeping``). An email whose reason has gone by the
time it is sent is withdrawn instead (``outbox.relevance``).

- ``queueing``: render, key, queue, hand to the broker; retry, cancel, send now.
- ``sending``: claim, deliver, record (the worker's side).
- ``sweeping``: the safety net beat runs.
- ``fanning``: one event row written in a request, turned into many emails by a task.

Tasks go to Celery's current app (``celery.current_app``, resolved at each call), which is
the one ``linkprog.celery`` configures: the outbox sits below ``linkprog`` and does not import
it. ``celery_app`` here is that same lazy proxy, for tests that stub the broker.
"""

from celery import current_app as celery_app

from outbox.services.fanning import fan_out_record, fan_out_run, fan_outs_requeue_stuck
from outbox.services.queueing import (
    SEND_BATCH,
    SEND_NOW_STATUSES,
    TEXT_ENGINE,
    Areas,
    EmailSpec,
    OutboxError,
    can_send_again,
    email_cancel,
    email_enqueue,
    email_idempotency_key,
    email_render,
    email_retry,
    email_send_now,
    emails_cancel_unsent,
    emails_enqueue_bulk,
    emails_retry_failed,
    key_occurrence,
    redacted_key,
)
from outbox.services.sending import SendOutcome, email_send, emails_send_batch
from outbox.services.sweeping import emails_requeue_stuck

__all__ = [
    "Areas",
    "SEND_BATCH",
    "SEND_NOW_STATUSES",
    "TEXT_ENGINE",
    "EmailSpec",
    "OutboxError",
    "SendOutcome",
    "can_send_again",
    "celery_app",
    "email_cancel",
    "email_enqueue",
    "email_idempotency_key",
    "email_render",
    "email_retry",
    "email_send",
    "email_send_now",
    "emails_cancel_unsent",
    "emails_enqueue_bulk",
    "emails_retry_failed",
    "emails_requeue_stuck",
    "emails_send_batch",
    "fan_out_record",
    "fan_out_run",
    "fan_outs_requeue_stuck",
    "key_occurrence",
    "redacted_key",
]
