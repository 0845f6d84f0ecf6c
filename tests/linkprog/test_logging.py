"""Booking- and survey-link tokens never reach a log: the filter of linkprog.logging on
django.request, django.server and gunicorn's access log, configured as production does."""

import datetime as dt
import logging
import logging.config
import runpy
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse
from django.utils import timezone

from cohorts.services.links import booking_link_token
from evaluation.links import survey_link_token
from linkprog.logging import RedactBookingTokens, redact_booking_tokens
from linkprog.settings import base
from tests.evaluation.factories import SurveyInvitationFactory
from tests.schools.factories import EstablishmentFactory

LOGGERS = ("", "django", "django.request", "django.server", "gunicorn.access")


@pytest.fixture
def production_logging():
    """The LOGGING of linkprog.settings.base (test settings configure none), then the
    loggers as they were."""
    saved = {
        name: (
            list((logger := logging.getLogger(name)).handlers),
            list(logger.filters),
            logger.level,
            logger.propagate,
        )
        for name in LOGGERS
    }
    logging.config.dictConfig(base.LOGGING)
    yield
    for name, (handlers, filters, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.filters[:] = handlers, filters
        logger.setLevel(level)
        logger.propagate = propagate


def logged(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_a_tampered_link_is_logged_without_its_token(client, caplog, production_logging):
    token = booking_link_token(establishment=EstablishmentFactory())
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/cohorts/book/{tampered}/cancel/")

    assert response.status_code == 404
    assert "Not Found: /cohorts/book/[redacted]/cancel/" in logged(caplog)
    assert tampered not in caplog.text and tampered.split(":")[0] not in caplog.text


@pytest.mark.django_db
def test_an_expired_link_is_logged_without_its_token(client, caplog, production_logging):
    school = EstablishmentFactory()
    with time_machine.travel(dt.datetime(2025, 1, 6, tzinfo=dt.UTC), tick=False):
        token = booking_link_token(establishment=school)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("cohorts:book", kwargs={"token": token}))

    assert response.status_code == 410  # the "ask for a new link" page
    assert "Gone: /cohorts/book/[redacted]/" in logged(caplog)
    assert token not in caplog.text


def test_the_development_servers_request_lines_are_logged_without_tokens(
    caplog, production_logging
):
    # runserver's handler, as it logs each request; django.server does not propagate, so
    # listen on it directly.
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    server_log = logging.getLogger("django.server")
    server_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="django.server"):
            handler.log_message(
                '"%s" %s %s', "GET /cohorts/book/eyJlIjo1fQ:1tAbc:sig-_x/move/ HTTP/1.1", "200", "9"
            )
            handler.log_message('"%s" %s %s', "GET /cohorts/ HTTP/1.1", "200", "9")
    finally:
        server_log.removeHandler(caplog.handler)

    assert logged(caplog).splitlines() == [
        '"GET /cohorts/book/[redacted]/move/ HTTP/1.1" 200 9',
        '"GET /cohorts/ HTTP/1.1" 200 9',
    ]


def test_gunicorns_access_log_is_filtered_by_its_config_file(caplog):
    access = logging.getLogger("gunicorn.access")
    before = list(access.filters)
    runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    try:
        assert any(isinstance(f, RedactBookingTokens) for f in access.filters)
        with caplog.at_level(logging.INFO, logger="gunicorn.access"):
            # What gunicorn.glogging.Logger.access logs: the format and a dict of atoms.
            access.info(
                '"%(r)s" %(s)s "%(f)s"',
                {
                    "r": "GET /cohorts/book/eyJlIjo1fQ:1tAbc:sig/ HTTP/1.1",
                    "s": "200",
                    "f": "https://link.example/cohorts/book/eyJlIjo1fQ:1tAbc:sig/cancel/",
                },
            )
    finally:
        access.filters[:] = before
    assert logged(caplog) == (
        '"GET /cohorts/book/[redacted]/ HTTP/1.1" 200 '
        '"https://link.example/cohorts/book/[redacted]/cancel/"'
    )


@pytest.mark.django_db
def test_the_filter_matches_the_links_the_app_makes():
    token = booking_link_token(establishment=EstablishmentFactory())
    for name, kwargs in [("cohorts:book", {}), ("cohorts:book-cohort", {"cohort_id": 3})]:
        path = reverse(name, kwargs={"token": token, **kwargs})
        assert token not in redact_booking_tokens(f"GET {path}?a=1 HTTP/1.1")
    assert redact_booking_tokens("/cohorts/books/x/") == "/cohorts/books/x/"


# --- Survey links are credentials too ---------------------------------------------------------


@pytest.mark.django_db
def test_a_tampered_survey_link_is_logged_without_its_token(client, caplog, production_logging):
    token = survey_link_token(invitation=SurveyInvitationFactory())
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/survey/{tampered}/")

    assert response.status_code == 404
    assert "Not Found: /survey/[redacted]/" in logged(caplog)
    assert tampered not in caplog.text and tampered.split(":")[0] not in caplog.text


@pytest.mark.django_db
def test_an_expired_survey_link_is_logged_without_its_token(client, caplog, production_logging):
    invitation = SurveyInvitationFactory(closes_at=timezone.now() + dt.timedelta(days=400))
    with time_machine.travel(timezone.now() - dt.timedelta(days=60), tick=False):
        token = survey_link_token(invitation=invitation)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(reverse("survey:new-link", kwargs={"token": token}), {})
        response_get = client.get(reverse("survey:answer", kwargs={"token": token}))

    assert response.status_code == 200 and response_get.status_code == 410
    assert "Gone: /survey/[redacted]/" in logged(caplog)
    assert token not in caplog.text


@pytest.mark.django_db
def test_the_filter_matches_the_survey_links_the_app_makes():
    token = survey_link_token(invitation=SurveyInvitationFactory())
    for name in ("survey:answer", "survey:new-link"):
        path = reverse(name, kwargs={"token": token})
        redacted = redact_booking_tokens(f'"GET {path}?a=1 HTTP/1.1" 200 "https://x{path}"')
        assert token not in redacted and "/survey/[redacted]/" in redacted
    assert redact_booking_tokens("GET /surveys/x/") == "GET /surveys/x/"
