"""Development settings for `make run`: debug on, mail written to files under var/mail."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development only: production.py never falls back to this.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# `make run` serves on HOST:LINK_PORT (its HOST= and PORT=), so links in emails point there,
# unless LINK_BASE_URL (the environment or .env) says otherwise.
LINK_BASE_URL = env.str(
    "LINK_BASE_URL",
    default=f"http://{env.str('HOST', default='127.0.0.1')}:{env.int('LINK_PORT', default=8000)}",
).rstrip("/")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Or a real SMTP server (a local Mailpit, say): EMAIL_URL=smtp://127.0.0.1:1025
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# The embedded default keeps its SQLite file, broker folders and mail under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Serve static files straight from static/ (no collectstatic) outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
