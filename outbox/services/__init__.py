"""Queue, send, retry and cancel emails. Every email Link sends goes through here.

Sending is at-least-once towards the SMTP server and exactly-once in the outbox: a row is
locked and moved to "sending" before the SMTP conversation, which happens outside any
transaction; a redelivered or duplicated task finds the row no longer sendable and stops.
Only a worker that dies between the SMTP server accepting a message and the row being
marked sent can cause a repeat, after ``stuck_sending_after_seconds``.
"""

from linkprog.celery import app as celery_app
from outbox.services.queueing import (
    SEND_BATCH,
    EmailSpec,
    OutboxError,
    email_cancel,
    email_dedupe_key,
    email_enqueue,
    email_render,
    email_retry,
    emails_enqueue_bulk,
)
from outbox.services.sending import SendOutcome, email_send, emails_send_batch
from outbox.services.sweeping import emails_requeue_stuck

__all__ = [
    "SEND_BATCH",
    "EmailSpec",
    "OutboxError",
    "SendOutcome",
    "celery_app",
    "email_cancel",
    "email_dedupe_key",
    "email_enqueue",
    "email_render",
    "email_retry",
    "email_send",
    "emails_enqueue_bulk",
    "emails_requeue_stuck",
    "emails_send_batch",
]
