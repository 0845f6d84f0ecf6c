"""Celery tasks of the cohorts app: they call services and own nothing else."""

from celery import shared_task

from cohorts.services.places import offers_expire


@shared_task(name="cohorts.tasks.expire_offers")
def expire_offers() -> int:
    """Lapse unanswered waiting-list offers and offer each seat to the next school."""
    return offers_expire()
