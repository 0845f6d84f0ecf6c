"""The register's configurable values, read when needed through ``core.conf.setting``: a
settings override, else the environment (``GIAS_EXTRACT_PATH=/srv/gias``), else the default.
"""

from pathlib import Path

from core.conf import setting


def gias_extract_path() -> Path | None:
    """The folder where the day's GIAS extract (``edubasealldata*.csv``) is dropped for the
    scheduled sync; unset, the sync does nothing."""
    value = setting("GIAS_EXTRACT_PATH", "")
    return Path(value) if value else None
