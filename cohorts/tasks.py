"""Celery tasks of the cohorts app: they call services and own nothing else."""

from celery import shared_task

from cohorts.services.places import offers_expire, waiting_lists_close_due


@shared_task(name="cohorts.tasks.expire_offers")
def expire_offers() -> int:
    """Lapse unanswered waiting-list offers and offer each seat to the next school."""
    return offers_expire()


@shared_task(name="cohorts.tasks.close_waiting_lists", ignore_result=True)
def close_waiting_lists() -> int:
    """End the waiting lists of cohorts whose booking has closed; tell those schools."""
    return waiting_lists_close_due()


@shared_task(name="cohorts.tasks.dispatch_waves", ignore_result=True)
def dispatch_waves() -> list[int]:
    """Queue the next invitations of every wave that is due."""
    from cohorts.services.waves import waves_dispatch_due

    return waves_dispatch_due()


@shared_task(name="cohorts.tasks.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Workshop reminders, 7 days and 1 day before."""
    from cohorts.services.reminders import reminders_send

    return reminders_send()


@shared_task(name="cohorts.tasks.send_nudges", ignore_result=True)
def send_nudges() -> int:
    """Nudge invited schools that have not responded."""
    from cohorts.services.reminders import nudges_send

    return nudges_send()


@shared_task(name="cohorts.tasks.run_set_up_import", acks_late=True, ignore_result=True)
def run_set_up_import(import_id: int) -> None:
    """Check or save a large cohort set-up file (``cohorts.services.setup_queue``)."""
    from cohorts.services.setup_queue import set_up_import_run

    set_up_import_run(import_id=import_id)
