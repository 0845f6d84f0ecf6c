"""One way to configure Link's own values: each app's ``conf.py`` declares a value's name and
default and reads it through ``setting``, at call time.

A value comes from Django's settings when a settings module (or a test's override) sets it,
else from the environment (a ``.env`` file is read into it by the settings), else from the
default. So a deployment sets ``LINK_SURVEY_MIN_CELL=10`` in its environment, and nothing in
``linkprog/settings`` repeats the defaults.
"""

import os

from django.conf import settings


def setting(name: str, default, *, cast=None):
    """The value named ``name``: from settings, else the environment, else ``default``
    (cast to ``cast``, by default the default's type; an empty string reads as the
    default)."""
    cast = cast or type(default)
    if hasattr(settings, name):
        value = getattr(settings, name)
    else:
        # Read as it is now (tests change it), straight from the environment: a report asks
        # for the suppression threshold thousands of times.
        value = os.environ.get(name, "")
        if value == "":
            return default
    if value is None:
        return default
    return cast(value)


#: An export of more rows than this is built by a worker and offered for download on a page
#: of its own (``linkprog.exports``), rather than within the request.
DEFAULT_EXPORT_INLINE_ROWS = 50_000
#: The same for XLSX, which takes openpyxl several times as long per row as CSV.
DEFAULT_EXPORT_INLINE_XLSX_ROWS = 10_000


def export_inline_rows(export_format: str = "csv") -> int:
    """The most rows an export of ``export_format`` ("csv" or "xlsx") is built with in the
    request; a larger one goes to a worker (every export shares the threshold)."""
    if export_format == "xlsx":
        return setting("LINK_EXPORT_INLINE_XLSX_ROWS", DEFAULT_EXPORT_INLINE_XLSX_ROWS)
    return setting("LINK_EXPORT_INLINE_ROWS", DEFAULT_EXPORT_INLINE_ROWS)
