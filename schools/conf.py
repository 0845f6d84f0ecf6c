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


def gias_extract_url() -> str:
    """Where to download the day's extract from, with ``{date:%Y%m%d}`` for its date (e.g.
    GIAS's public download address); unset, the sync only reads GIAS_EXTRACT_PATH."""
    return setting("GIAS_EXTRACT_URL", "")


def gias_links_url() -> str:
    """The same for the links file (``links_edubasealldata{date:%Y%m%d}.csv``)."""
    return setting("GIAS_LINKS_URL", "")
