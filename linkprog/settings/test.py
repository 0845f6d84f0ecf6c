"""Test settings: the real database and broker when DATABASE_URL / CELERY_BROKER_URL are set.

Without them the suite runs on SQLite and an in-memory broker; tests that need PostgreSQL or
Redis skip with a reason, or fail under CI=true (tests/conftest.py).
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# django-axes refuses authenticate() calls that carry no request, and the test client's
# login() and a bare authenticate(username=..., password=...) carry none. So the suite runs
# with axes off, as its docs advise; tests/accounts/test_security.py switches it back on and
# tests the lockout, and checks that the real settings keep it on.
AXES_ENABLED = False

# Serve static files straight from static/ (no collectstatic) outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
