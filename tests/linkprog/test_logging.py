"""Booking-, survey- and password-reset-link tokens never reach a log: the one filter of
core.logging on every handler of the settings' LOGGING and of gunicorn, configured as
production does, and read back from what the handlers write."""

import datetime as dt
import http.client
import io
import logging
import logging.config
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.log import DEFAULT_LOGGING
from gunicorn.config import Config

from cohorts.services.links import booking_link_token
from core.logging import RedactLinkTokens, redact_link_tokens
from evaluation.links import survey_link_token
from linkprog.settings import base
from tests.accounts.factories import UserFactory
from tests.evaluation.factories import SurveyInvitationFactory
from tests.schools.factories import EstablishmentFactory

LOGGERS = (
    "",
    "django",
    "django.request",
    "django.security",
    "django.security.csrf",
    "django.server",
    "gunicorn.access",
    "gunicorn.error",
)


@pytest.fixture
def production_logging():
    """What the handlers of linkprog.settings.base's LOGGING write (test settings configure
    none), configured over Django's defaults as Django does; then the loggers as they were."""
    saved = {
        name: (
            list((logger := logging.getLogger(name)).handlers),
            list(logger.filters),
            logger.level,
            logger.propagate,
        )
        for name in LOGGERS
    }
    logging.config.dictConfig(DEFAULT_LOGGING)
    logging.config.dictConfig(base.LOGGING)
    written = io.StringIO()
    for handler in logging.getLogger().handlers:
        if handler.get_name() == "console":
            handler.setStream(written)
    yield written
    for name, (handlers, filters, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.filters[:] = handlers, filters
        logger.setLevel(level)
        logger.propagate = propagate


def written_by_handlers(output: io.StringIO) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return output.getvalue()


def _reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


# --- Failed CSRF checks (a browser that blocks cookies) on personal links ----------------------


@pytest.mark.django_db
def test_a_failed_csrf_check_on_personal_links_is_logged_without_their_tokens(
    production_logging,
):
    booking_token = booking_link_token(establishment=EstablishmentFactory())
    survey_token = survey_link_token(invitation=SurveyInvitationFactory())
    user = UserFactory()
    reset_link = _reset_link(user)
    reset_uid, reset_token = reset_link.strip("/").split("/")[-2:]
    browser_without_cookies = Client(enforce_csrf_checks=True)

    for path in (
        reverse("cohorts:book", kwargs={"token": booking_token}),
        reverse("survey:answer", kwargs={"token": survey_token}),
        reset_link,
    ):
        assert browser_without_cookies.post(path, {"x": "1"}).status_code == 403

    written = written_by_handlers(production_logging)
    assert written.count("WARNING django.security.csrf: Forbidden (CSRF cookie not set.)") == 3
    assert "Forbidden (CSRF cookie not set.): /cohorts/book/[redacted]/" in written
    assert "Forbidden (CSRF cookie not set.): /survey/[redacted]/" in written
    assert (
        "Forbidden (CSRF cookie not set.): /accounts/password-reset/[redacted]/[redacted]/"
        in written
    )
    for secret in (booking_token, survey_token, reset_token, reset_uid):
        assert secret not in written


# --- Links refused by the views ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_tampered_link_is_logged_without_its_token(client, production_logging):
    token = booking_link_token(establishment=EstablishmentFactory())
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    response = client.get(f"/cohorts/book/{tampered}/cancel/")

    assert response.status_code == 404
    written = written_by_handlers(production_logging)
    assert "WARNING django.request: Not Found: /cohorts/book/[redacted]/cancel/" in written
    assert tampered not in written and tampered.split(":")[0] not in written


@pytest.mark.django_db
def test_an_expired_link_is_logged_without_its_token(client, production_logging):
    school = EstablishmentFactory()
    with time_machine.travel(dt.datetime(2025, 1, 6, tzinfo=dt.UTC), tick=False):
        token = booking_link_token(establishment=school)

    response = client.get(reverse("cohorts:book", kwargs={"token": token}))

    assert response.status_code == 410  # the "ask for a new link" page
    written = written_by_handlers(production_logging)
    assert "Gone: /cohorts/book/[redacted]/" in written
    assert token not in written


@pytest.mark.django_db
def test_a_tampered_survey_link_is_logged_without_its_token(client, production_logging):
    token = survey_link_token(invitation=SurveyInvitationFactory())
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    response = client.get(f"/survey/{tampered}/")

    assert response.status_code == 404
    written = written_by_handlers(production_logging)
    assert "Not Found: /survey/[redacted]/" in written
    assert tampered not in written and tampered.split(":")[0] not in written


@pytest.mark.django_db
def test_an_expired_survey_link_is_logged_without_its_token(client, production_logging):
    invitation = SurveyInvitationFactory(closes_at=timezone.now() + dt.timedelta(days=400))
    with time_machine.travel(timezone.now() - dt.timedelta(days=60), tick=False):
        token = survey_link_token(invitation=invitation)

    response = client.post(reverse("survey:new-link", kwargs={"token": token}), {})
    response_get = client.get(reverse("survey:answer", kwargs={"token": token}))

    assert response.status_code == 200 and response_get.status_code == 410
    written = written_by_handlers(production_logging)
    assert "Gone: /survey/[redacted]/" in written
    assert token not in written


def test_a_traceback_is_written_without_tokens(production_logging):
    path = "/survey/eyJpIjo1fQ:1tAbc:sig/"
    try:
        raise LookupError(f"no page at {path}")
    except LookupError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", path)

    written = written_by_handlers(production_logging)
    assert "Internal Server Error: /survey/[redacted]/" in written
    assert "LookupError: no page at /survey/[redacted]/" in written
    assert "eyJpIjo1fQ" not in written


# --- Every handler carries the filter ---------------------------------------------------------

LIST_BARE_HANDLERS = """
import logging

import django

django.setup()
from core.logging import RedactLinkTokens

loggers = [logging.getLogger()] + [
    logger for logger in logging.root.manager.loggerDict.values()
    if isinstance(logger, logging.Logger)
]
for logger in loggers:
    for handler in logger.handlers:
        if isinstance(handler, logging.NullHandler):  # writes nothing anywhere
            continue
        if not any(isinstance(f, RedactLinkTokens) for f in handler.filters):
            print("bare:", logger.name, handler)
print("loggers:", len(loggers))
"""


@pytest.mark.parametrize(
    "settings_module", ["linkprog.settings.production", "linkprog.settings.local"]
)
def test_every_handler_the_settings_configure_redacts_tokens(tmp_path, settings_module):
    from tests.linkprog.test_settings import COMPLETE, run_python

    result = run_python(
        tmp_path,
        {**COMPLETE, "DJANGO_SETTINGS_MODULE": settings_module},
        "-c",
        LIST_BARE_HANDLERS,
    )

    assert result.returncode == 0, result.stderr
    assert "loggers:" in result.stdout
    assert "bare:" not in result.stdout, result.stdout


def test_the_celery_worker_logs_through_those_handlers_not_its_own():
    """A worker left to hijack the root logger replaces the filtered handlers with bare ones."""
    from linkprog.celery import app

    assert app.conf.worker_hijack_root_logger is False


# --- The development server and gunicorn ------------------------------------------------------


def test_the_development_servers_request_lines_are_logged_without_tokens(production_logging):
    # runserver's handler, as it logs each request.
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.log_message(
        '"%s" %s %s', "GET /cohorts/book/eyJlIjo1fQ:1tAbc:sig-_x/move/ HTTP/1.1", "200", "9"
    )
    handler.log_message(
        '"%s" %s %s', "GET /accounts/password-reset/MQ/d4-1a2b3c/ HTTP/1.1", "302", "0"
    )
    handler.log_message('"%s" %s %s', "GET /cohorts/ HTTP/1.1", "200", "9")

    lines = [
        line.split(": ", 1)[1] for line in written_by_handlers(production_logging).splitlines()
    ]
    assert lines == [
        '"GET /cohorts/book/[redacted]/move/ HTTP/1.1" 200 9',
        '"GET /accounts/password-reset/[redacted]/[redacted]/ HTTP/1.1" 302 0',
        '"GET /cohorts/ HTTP/1.1" 200 9',
    ]


@pytest.fixture
def gunicorn_logger():
    """gunicorn's logger as gunicorn.conf.py configures it (access log on stdout), with its
    handlers writing into a buffer; then gunicorn's loggers as they were."""
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("logger_class", config["logger_class"])
    cfg.set("accesslog", "-")
    saved = {name: list(logging.getLogger(name).handlers) for name in LOGGERS}
    logger = cfg.logger_class(cfg)
    written = io.StringIO()
    try:
        for log in (logger.error_log, logger.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setStream(written)
        yield logger, written
    finally:
        for name, handlers in saved.items():
            logging.getLogger(name).handlers[:] = handlers


def test_gunicorns_access_and_error_logs_are_filtered_by_its_config_file(gunicorn_logger):
    logger, written = gunicorn_logger
    made = [
        h
        for h in logger.error_log.handlers + logger.access_log.handlers
        if getattr(h, "_gunicorn", False)
    ]
    assert len(made) == 2  # one for the error log, one for the access log
    for handler in made:
        assert any(isinstance(f, RedactLinkTokens) for f in handler.filters)

    # What gunicorn.glogging.Logger.access logs: the format and a dict of atoms.
    logger.access_log.info(
        '"%(r)s" %(s)s "%(f)s"',
        {
            "r": "GET /cohorts/book/eyJlIjo1fQ:1tAbc:sig/ HTTP/1.1",
            "s": "200",
            "f": "https://link.example/cohorts/book/eyJlIjo1fQ:1tAbc:sig/cancel/",
        },
    )
    # What a worker logs when the app raises (gunicorn.workers.base.Worker.handle_error).
    logger.exception("Error handling request %s", "/survey/eyJpIjo1fQ:1tAbc:sig/")

    lines = written.getvalue().splitlines()
    assert lines[0] == (
        '"GET /cohorts/book/[redacted]/ HTTP/1.1" 200 '
        '"https://link.example/cohorts/book/[redacted]/cancel/"'
    )
    assert lines[1].endswith("[ERROR] Error handling request /survey/[redacted]/")
    assert "eyJlIjo1fQ" not in written.getvalue() and "eyJpIjo1fQ" not in written.getvalue()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {server.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening")


def _request(port: int, path: str, *, method: str = "GET", headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=b"" if method == "POST" else None, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_the_production_settings_logs_no_token(tmp_path, settings):
    """The real server, as the image runs it: a reset link, a booking link whose form fails
    the CSRF check, a referrer carrying a survey link; then what gunicorn and Django wrote."""
    from tests.linkprog.test_settings import COMPLETE, run_python

    settings.SECRET_KEY = COMPLETE["DJANGO_SECRET_KEY"]  # the server's, so its links are good
    booking_token = booking_link_token(establishment=EstablishmentFactory())
    survey_token = survey_link_token(invitation=SurveyInvitationFactory())
    reset_link = _reset_link(UserFactory())
    reset_uid, reset_token = reset_link.strip("/").split("/")[-2:]
    db = settings.DATABASES["default"]
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.production",
        "LINK_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **COMPLETE,
        "ALLOWED_HOSTS": "127.0.0.1",
        # The test database, where this test's rows are committed.
        "DATABASE_URL": (
            f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@"
            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    collected = run_python(tmp_path, env, "manage.py", "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "linkprog.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, server)
        behind_tls = {"X-Forwarded-Proto": "https"}
        survey_url = f"https://127.0.0.1{reverse('survey:answer', kwargs={'token': survey_token})}"
        assert _request(port, reset_link, headers=behind_tls) == 302  # to set-password/
        booking = reverse("cohorts:book", kwargs={"token": booking_token})
        assert (
            _request(port, booking, method="POST", headers={**behind_tls, "Referer": survey_url})
            == 403
        )
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)

    written = stdout + stderr
    assert '"GET /accounts/password-reset/[redacted]/[redacted]/ HTTP/1.1" 302' in written
    assert '"POST /cohorts/book/[redacted]/ HTTP/1.1" 403' in written
    assert '"https://127.0.0.1/survey/[redacted]/"' in written  # the referrer
    assert "django.security.csrf: Forbidden (" in written
    assert "): /cohorts/book/[redacted]/" in written
    for secret in (booking_token, survey_token, reset_token, reset_uid + "/"):
        assert secret not in written, written


# --- The patterns ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_filter_matches_the_links_the_app_makes():
    token = booking_link_token(establishment=EstablishmentFactory())
    for name, kwargs in [("cohorts:book", {}), ("cohorts:book-cohort", {"cohort_id": 3})]:
        path = reverse(name, kwargs={"token": token, **kwargs})
        assert token not in redact_link_tokens(f"GET {path}?a=1 HTTP/1.1")
    assert redact_link_tokens("/cohorts/books/x/") == "/cohorts/books/x/"


@pytest.mark.django_db
def test_the_filter_matches_the_survey_links_the_app_makes():
    token = survey_link_token(invitation=SurveyInvitationFactory())
    for name in ("survey:answer", "survey:new-link"):
        path = reverse(name, kwargs={"token": token})
        redacted = redact_link_tokens(f'"GET {path}?a=1 HTTP/1.1" 200 "https://x{path}"')
        assert token not in redacted and "/survey/[redacted]/" in redacted
    assert redact_link_tokens("GET /surveys/x/") == "GET /surveys/x/"


@pytest.mark.django_db
def test_the_filter_matches_the_password_reset_links_the_app_makes():
    link = _reset_link(UserFactory())
    uid, token = link.strip("/").split("/")[-2:]

    assert redact_link_tokens(f"GET {link} HTTP/1.1") == (
        "GET /accounts/password-reset/[redacted]/[redacted]/ HTTP/1.1"
    )
    # Django's next step keeps its name; the form's own pages have nothing to hide.
    for kept in (
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
    ):
        assert redact_link_tokens(f"GET {kept} HTTP/1.1") == f"GET {kept} HTTP/1.1"
    assert redact_link_tokens(f"/accounts/password-reset/{uid}/set-password/") == (
        "/accounts/password-reset/[redacted]/set-password/"
    )
    assert token not in redact_link_tokens(f"https://link.example{link}")


def test_the_filter_matches_links_inside_a_query_string():
    text = "GET /accounts/login/?next=%2Fsurvey%2FeyJpIjo1fQ%3A1tAbc%3Asig%2F&x=1 HTTP/1.1"

    assert redact_link_tokens(text) == (
        "GET /accounts/login/?next=%2Fsurvey%2F[redacted]%2F&x=1 HTTP/1.1"
    )
