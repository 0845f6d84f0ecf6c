"""linkprog's configurable values (the worker-built exports, linkprog.exports), read through
``core.conf.setting`` (settings, else the environment, else the default here)."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings

from core.conf import setting

#: A finished file is kept this many hours, then deleted (``export_jobs_delete_expired``).
DEFAULT_KEEP_HOURS = 72
#: A running job that has shown no sign of life for this long is taken to have lost its
#: worker: it is handed to a worker again (``export_jobs_recover``).
DEFAULT_LEASE_SECONDS = 15 * 60
#: A job is tried this many times before it is marked failed for its owner to restart.
MAX_ATTEMPTS = 3
#: Rows written between two progress updates (one UPDATE each, and the heartbeat).
PROGRESS_EVERY = 5000


def keep_for() -> timedelta:
    return timedelta(hours=setting("LINK_EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def lease() -> timedelta:
    return timedelta(seconds=setting("LINK_EXPORT_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def export_dir() -> Path:
    """Where the files are written: shared by the web server and the workers, never
    served as static or media files (only ``exports:download`` hands them out)."""
    return Path(setting("LINK_EXPORT_DIR", str(settings.VAR_DIR / "exports")))
