"""Settings shared by every environment, read from the environment with django-environ.

Nothing secret has a default here: local.py supplies development-only values, and
production.py refuses to start without the real ones.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file fills in what the real environment lacks (the environment wins).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Runtime state for the embedded default (SQLite file, filesystem broker, mail files).
VAR_DIR = Path(env.str("LINK_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form (expired page, blocked cookies) gets a page of the site saying what to do.
CSRF_FAILURE_VIEW = "linkprog.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    # The project package: cross-app management commands (seed_demo), and the record of each
    # retention run (linkprog.models).
    "linkprog",
    "core",
    "accounts",
    "schools",
    "cohorts",
    "facilitation",
    "workshops",
    "evaluation",
    "outbox",
    "axes",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below); its checks run with Django's.
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header on every response Django makes (below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store, private on everything a signed-in user or a personal link sees.
    "core.middleware.PersonalPagesNotStored",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change, for the audit history of records.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linkprog.urls"
WSGI_APPLICATION = "linkprog.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linkprog.context_processors.programme",
            ],
        },
    },
    {
        # Plain text (email subjects and text parts, outbox.services.email_render): written out
        # as it is, never HTML-escaped, so "St Alban's … & …" does not arrive as "&#x27;"/"&amp;".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database: PostgreSQL when DATABASE_URL is set, else an embedded SQLite file -----------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web requests, a worker and beat from one file at once.
    # WAL lets readers run beside the one writer; a busy timeout makes a writer wait for the
    # lock rather than fail with "database is locked"; IMMEDIATE transactions take the write
    # lock when they begin, so two never deadlock upgrading a read to a write (which SQLite
    # answers with that error at once, whatever the timeout).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Account security --------------------------------------------------------------------------
# django-axes checks every sign-in first; Django's ModelBackend then does the checking itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username *from one IP address*: a lockout then happens the same way for names that
# exist and names that don't, one office cannot lock out everyone, and nobody can lock a
# colleague out from elsewhere. Failures older than the cool-off are forgotten.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=60))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Successful sign-ins (username, IP, browser) are personal data that nothing here needs:
# only failures are kept, and only until the cool-off forgets them.
AXES_DISABLE_ACCESS_LOG = True
# Behind a reverse proxy every request comes from the proxy's address, so one person could
# lock out a known username for everyone: say how many proxies to trust and which header
# carries the client's address (e.g. 1 and HTTP_X_FORWARDED_FOR).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]
)

# Sessions end after SESSION_COOKIE_AGE seconds (8 hours) or when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
# A password reset link works once, for this many seconds (1 hour).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Content Security Policy (django-csp), in every environment ---------------------------------
# Scripts, styles, fonts and frames only from Link itself: no inline <script>, <style> or
# style="..." anywhere (templates use classes in static/css and code in static/js), so an
# injected tag or attribute does nothing. Images may also be data: URIs, which Bootstrap's CSS
# uses for its icons. No plugins, no <base>, no framing of Link by any site, forms post only
# to Link. The one page with a looser policy is the outbox's email preview, an HTML email shown
# in a sandboxed frame (linkprog.outbox_pages.views.OutboxPreviewView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail --------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Link Programme <link@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LINK_CONTACT_EMAIL = env.str("LINK_CONTACT_EMAIL", default="linkprogramme@localhost")
# Links in emails are absolute, built on this (no trailing slash).
LINK_BASE_URL = env.str("LINK_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The outbox's own values (attempts, rate, lease) are read by outbox/conf.py; the apps'
# rules of booking, mail and surveys by cohorts/conf.py and evaluation/conf.py.
EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds one SMTP operation may take before it fails (and is retried): well under a sending
# worker's claim on its emails (OUTBOX_LEASE_SECONDS), so a slow server never outlives it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)

# --- Celery ------------------------------------------------------------------------------------
# The embedded default is kombu's filesystem transport: a broker that needs no server. The
# folders are absolute and created on start (linkprog/celery.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        # The exchange table; kombu's default is "control" in the working directory.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
# The worker logs through LOGGING below, so its records pass the same token filter as the
# web's, instead of through handlers of Celery's own that carry no filter.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Programme ---------------------------------------------------------------------------------
LINK_PROGRAMME_NAME = "Mental Health Services and Schools and Colleges Link Programme"
# The dashboard's targets: establishments offered the programme, and sessions (cohorts).
LINK_TARGET_ESTABLISHMENTS = env.int("LINK_TARGET_ESTABLISHMENTS", default=22_000)
LINK_TARGET_COHORTS = env.int("LINK_TARGET_COHORTS", default=1_000)
LINK_SHORT_NAME = "Link"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Booking, survey and password-reset links are credentials: their tokens never reach a log.
    # The filter sits on every handler, so every logger that writes a path is covered
    # (django.request, django.security.csrf, django.server, tracebacks); gunicorn.conf.py does
    # the same for gunicorn's own handlers. A handler added here must carry it too.
    "filters": {"link_tokens": {"()": "core.logging.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["link_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default logging gives "django" handlers of its own (a console in DEBUG, and
        # mail to ADMINS, whose body repeats the request's path unredacted): replaced by the
        # root's console, which "django" propagates to.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # axes announces itself at INFO on every start, management commands included.
        "axes": {"level": "WARNING"},
    },
}
