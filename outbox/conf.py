"""Outbox settings, each with a default (override in Django settings)."""

from core.conf import setting


def max_attempts() -> int:
    """Tries per email before it is marked failed."""
    return setting("OUTBOX_MAX_ATTEMPTS", 6)


def rate_limit() -> str | None:
    """Celery rate limit of the send task per worker, e.g. "120/m" for a provider's limit."""
    return setting("OUTBOX_RATE_LIMIT", None, cast=str)


def redispatch_after_seconds() -> int:
    """A queued row handed to the broker this long ago, not yet sent while other tasks still
    wait in the broker's queue, is handed over again (it may have been lost)."""
    return setting("OUTBOX_REDISPATCH_AFTER", 60 * 60)


def lost_after_seconds() -> int:
    """A queued row handed to the broker this long ago, not yet sent although nothing waits
    in the broker's queue, was lost (a killed worker held its task): handed over again."""
    return setting("OUTBOX_LOST_AFTER", 60)


def lease_seconds() -> int:
    """How long a worker's claim on the emails it is sending lasts. The worker renews it as it
    sends (every third of it); a claim left to lapse (the worker died) is taken back by the
    sweeper. Keep it well above EMAIL_TIMEOUT, so one slow SMTP exchange never outlives it."""
    return setting("OUTBOX_LEASE_SECONDS", 60)


def message_id_domain() -> str:
    """The domain in each email's Message-ID."""
    return setting("OUTBOX_MESSAGE_ID_DOMAIN", "link.localhost")


def retain_sent_days() -> int:
    """A sent email's body, attachments and address are emptied this many days after it was
    sent (``outbox.retention``)."""
    return setting("OUTBOX_RETAIN_SENT_DAYS", 90)
