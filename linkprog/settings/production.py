"""Production settings: no secret defaults, so a missing or weak one stops the start-up loudly.

HTTPS is assumed: http is redirected to https and browsers are told (HSTS) to use nothing
else, both on by default and configurable for a proxy that does the redirect itself or a
first deployment. ``manage.py check --deploy`` passes with no warning (tests/linkprog).
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # ImproperlyConfigured when unset
# "a.example, b.example" must mean two hosts, and " " none.
ALLOWED_HOSTS = [host.strip() for host in env.list("ALLOWED_HOSTS") if host.strip()]
if not SECRET_KEY.strip() or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY and ALLOWED_HOSTS must both be non-empty.")
# Django's own bar for a key (its check security.W009), as a refusal: the key signs sessions,
# password-reset links and every booking and survey link.
if (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak: it must be at least {SECRET_KEY_MIN_LENGTH} characters "
        f"long (this one has {len(SECRET_KEY)}), random, and not start with "
        f"'{SECRET_KEY_INSECURE_PREFIX}'. Make one with: "
        'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail from the environment; required, so a site never starts unable to send. The scheme picks
# the backend: smtp+tls://user:password@smtp.example.org:587, smtps://..., consolemail://.
vars().update(env.email_url("EMAIL_URL"))

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# http is redirected to https, except the container health check, which calls the app
# directly over http (docker-compose.yml).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers use https only, for a year, on this host and the hosts below it; "preload" lets
# the domain's owner ask browsers to build that in (it is only a request until they do).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
