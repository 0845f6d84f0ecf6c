"""Project-wide Celery tasks that belong to no single app."""

from celery import shared_task
from django.core.management import call_command

from linkprog.digest import digests_send


@shared_task(name="linkprog.tasks.ping")
def ping() -> str:
    """Answer "pong": lets an operator or a test check that a worker is consuming."""
    return "pong"


@shared_task(name="linkprog.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (Django's `clearsessions`)."""
    call_command("clearsessions")


@shared_task(name="linkprog.tasks.send_digests")
def send_digests() -> int:
    """Queue today's coordinators' digests (linkprog.digest)."""
    return digests_send()


@shared_task(name="linkprog.tasks.apply_retention")
def apply_retention() -> dict:
    """Apply every retention period (linkprog.privacy); returns the counts it recorded."""
    from linkprog.privacy import retention_run

    return retention_run().counts


@shared_task(name="linkprog.tasks.build_export", acks_late=True, ignore_result=True)
def build_export(job_id: int) -> None:
    """Build a large export's file (linkprog.exports); a second delivery does nothing."""
    from linkprog.exports.services import export_job_run

    export_job_run(job_id=job_id)


@shared_task(name="linkprog.tasks.recover_exports", ignore_result=True)
def recover_exports() -> int:
    """Hand again to a worker the exports whose worker was lost."""
    from linkprog.exports.services import export_jobs_recover

    return export_jobs_recover()


@shared_task(name="linkprog.tasks.delete_expired_exports", ignore_result=True)
def delete_expired_exports() -> int:
    """Delete export files kept past LINK_EXPORT_KEEP_HOURS."""
    from linkprog.exports.services import export_jobs_delete_expired

    return export_jobs_delete_expired()
