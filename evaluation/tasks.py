"""Celery tasks of the evaluation app: they call services and own nothing else.

No retries of their own: each is a scan that beat runs again soon (``linkprog.celery``), and
the services let each email out once, so the next run is the retry.
"""

from celery import shared_task


@shared_task(name="evaluation.tasks.invite_due", ignore_result=True)
def invite_due() -> int:
    """Invite everyone whose survey time point is due, and send the unsent invitations."""
    from evaluation.services.surveys import surveys_invite_due

    return surveys_invite_due()


@shared_task(name="evaluation.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """The one survey reminder, to those invited a while ago who have not submitted."""
    from evaluation.services.surveys import surveys_remind

    return surveys_remind()
