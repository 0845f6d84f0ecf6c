"""Celery tasks of the outbox: they take ids and call outbox.services."""

from celery import shared_task
from django.db import OperationalError

from outbox import conf
from outbox.models import EmailStatus
from outbox.services import (
    email_send,
    emails_requeue_stuck,
    emails_send_batch,
    fan_out_run,
    fan_outs_requeue_stuck,
)

#: A database that is briefly unavailable or locked (SQLite under load) is tried again soon,
#: rather than leaving the email for the sweeper.
DB_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(
    name="outbox.tasks.send_email",
    bind=True,
    acks_late=True,
    **DB_RETRY,
    rate_limit=conf.rate_limit(),
    ignore_result=True,
)
def send_email(self, email_id: int) -> str:
    """Send one outbox row; on a temporary error, try again after the row's back-off."""
    outcome = email_send(email_id=email_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status


@shared_task(name="outbox.tasks.send_batch", acks_late=True, ignore_result=True, **DB_RETRY)
def send_batch(email_ids: list[int]) -> int:
    """Send a batch of outbox rows (a wave's); each temporary failure is retried on its own
    after its back-off. Returns how many were sent."""
    outcomes = emails_send_batch(email_ids=email_ids)
    for email_id, outcome in outcomes.items():
        if outcome.status == EmailStatus.RETRYING:
            send_email.apply_async(args=[email_id], countdown=outcome.retry_in)
    return sum(outcome.status == EmailStatus.SENT for outcome in outcomes.values())


@shared_task(name="outbox.tasks.requeue_stuck", ignore_result=True, **DB_RETRY)
def requeue_stuck() -> int:
    """Re-hand the broker emails and fan-outs that a crash or a broker outage left behind."""
    return emails_requeue_stuck() + fan_outs_requeue_stuck()


@shared_task(
    name="outbox.tasks.fan_out",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def fan_out(fan_out_id: int) -> bool:
    """Turn one fan-out (a cohort cancelled, a workshop moved) into its emails, once."""
    return fan_out_run(fan_out_id=fan_out_id)
