"""Celery tasks of the outbox: they take ids and call outbox.services."""

from celery import shared_task

from outbox import conf
from outbox.services import email_send, emails_requeue_stuck


@shared_task(
    name="outbox.tasks.send_email",
    bind=True,
    acks_late=True,
    rate_limit=conf.rate_limit(),
    ignore_result=True,
)
def send_email(self, email_id: int) -> str:
    """Send one outbox row; on a temporary error, try again after the row's back-off."""
    outcome = email_send(email_id=email_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status


@shared_task(name="outbox.tasks.requeue_stuck", ignore_result=True)
def requeue_stuck() -> int:
    """Re-hand the broker emails that a crash or a broker outage left behind."""
    return emails_requeue_stuck()
