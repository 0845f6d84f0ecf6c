"""One way to configure Link's own values: each app's ``conf.py`` declares a value's name and
default and reads it through ``setting``, at call time.

A value comes from Django's settings when a settings module (or a test's override) sets it,
else from the environment (a ``.env`` file is read into it by the settings), else from the
default. So a deployment sets ``LINK_SURVEY_MIN_CELL=10`` in its environment, and nothing in
``linkprog/settings`` repeats the defaults.
"""

import environ
from django.conf import settings

_env = environ.Env()


def setting(name: str, default, *, cast=None):
    """The value named ``name``: from settings, else the environment, else ``default``
    (cast to ``cast``, by default the default's type; an empty string reads as the
    default)."""
    cast = cast or type(default)
    if hasattr(settings, name):
        value = getattr(settings, name)
    else:
        value = _env.str(name, default="")
        if value == "":
            return default
    if value is None:
        return default
    return cast(value)
