"""Outbox settings, each with a default (override in Django settings)."""

from django.conf import settings


def max_attempts() -> int:
    """Tries per email before it is marked failed."""
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6)


def rate_limit() -> str | None:
    """Celery rate limit of the send task per worker, e.g. "120/m" for a provider's limit."""
    return getattr(settings, "OUTBOX_RATE_LIMIT", None)


def redispatch_after_seconds() -> int:
    """A queued row handed to the broker this long ago without being sent is handed again."""
    return getattr(settings, "OUTBOX_REDISPATCH_AFTER", 60 * 60)


def stuck_sending_after_seconds() -> int:
    """A row left "sending" this long (a worker died mid-send) is retried."""
    return getattr(settings, "OUTBOX_STUCK_SENDING_AFTER", 15 * 60)
