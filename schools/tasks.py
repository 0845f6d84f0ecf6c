"""The register's scheduled work."""

from celery import shared_task

from schools.services.sync import gias_sync


@shared_task
def sync_gias() -> str:
    """Import the day's GIAS extract from GIAS_EXTRACT_PATH, if there is a newer one."""
    return gias_sync()
