"""The accounts app's configurable values and their defaults (``core.conf.setting``)."""

from core.conf import setting

#: A staff account nobody has signed in to for this many months is deactivated.
DEFAULT_DEACTIVATE_AFTER_MONTHS = 12


def deactivate_after_months() -> int:
    return setting("LINK_DEACTIVATE_AFTER_MONTHS", DEFAULT_DEACTIVATE_AFTER_MONTHS)
