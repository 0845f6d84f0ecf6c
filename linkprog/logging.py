"""Logging filters. ``RedactBookingTokens`` keeps personal links' tokens out of the logs.

A booking link (``/cohorts/book/<token>/``) opens a school's booking without a login, so its
token is a credential: whoever reads it in a log could book, move or cancel the school's
place. A survey link (``/survey/<token>/``) is one too: it opens one person's answers. The
filter sits on the loggers that write request paths (``django.request``, ``django.server``,
and gunicorn's ``gunicorn.access`` through ``gunicorn.conf.py``) and rewrites the token part
of every such path in the record's message to ``[redacted]``, whatever the handler; the rest
of the path stays, so "GET /cohorts/book/[redacted]/cancel/ 404" still says what happened.
(The names say "booking" for the settings and gunicorn.conf.py that refer to them.)

This module imports nothing from Django, so gunicorn's master process can load it.
"""

import logging
import re

#: The token of a booking or survey link: the path segment after /cohorts/book/ or /survey/
#: (raw or %-encoded).
LINK_TOKEN = re.compile(r"(/cohorts/book/|/survey/)[^/?#\s\"']+")
REDACTED = "[redacted]"


def redact_booking_tokens(text: str) -> str:
    return LINK_TOKEN.sub(rf"\g<1>{REDACTED}", text)


#: Only the survey link's token (for pages that show emails to staff, see below).
SURVEY_TOKEN = re.compile(r"(/survey/)[^/?#\s\"'<]+")


def redact_survey_tokens(text: str) -> str:
    """Hide survey-link tokens in an email shown to staff (the outbox pages): whoever opens a
    survey link sees and can change that person's unsubmitted answers, and reports promise
    nobody sees who answered what. Booking links stay: coordinators may act for a school."""
    return SURVEY_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class RedactBookingTokens(logging.Filter):
    """Replace booking- and survey-link tokens in a record's message (and its arguments) before any
    handler formats it. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        redacted = redact_booking_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
