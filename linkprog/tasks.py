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
