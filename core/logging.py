"""Logging filters. ``RedactLinkTokens`` keeps the tokens of personal links out of every log.

Three kinds of link open something without a password, so their tokens are credentials:

- a booking link (``/cohorts/book/<token>/``) opens a school's booking: whoever reads it in a
  log could book, move or cancel the school's place;
- a survey link (``/survey/<token>/``) opens one person's answers;
- a password-reset link (``/accounts/password-reset/<uidb64>/<token>/``) sets a new password
  for an account (and its first part names the account).

Request paths reach the logs from many places: Django's request and security loggers (a
failed CSRF check logs ``Forbidden (...): <path>`` on ``django.security.csrf``), runserver's
``django.server``, gunicorn's access log (request line and referrer) and error log ("Error
handling request <uri>"), and any traceback. So the filter sits on every *handler*, not on
chosen loggers (a logger's filter does not see records propagated from its children):
``LOGGING`` in the settings puts it on each handler it defines, and ``gunicorn.conf.py`` on each
handler gunicorn makes. It rewrites the token part of every such path in the message, the
formatted traceback and the stack to ``[redacted]``, and keeps the rest, so
"GET /cohorts/book/[redacted]/cancel/ 404" still says what happened. A path inside a query
string (``?next=%2Fsurvey%2F...``) is matched too.

This module imports nothing from Django, so gunicorn's master process can load it.
"""

import logging
import re

REDACTED = "[redacted]"

#: A slash, raw or %-encoded (a path inside a query string or a referrer).
_SLASH = r"(?:/|%2[fF])"
#: One path segment: up to the next slash (raw or encoded), query, fragment, quote or space.
_SEGMENT = r"(?:(?!%2[fF])[^/?#&\s\"'<>])+"

#: The token of a booking or survey link: the path segment after /cohorts/book/ or /survey/.
LINK_TOKEN = re.compile(
    rf"(?P<prefix>{_SLASH}cohorts{_SLASH}book{_SLASH}|{_SLASH}survey{_SLASH}){_SEGMENT}"
)
#: Django's step after a good reset link, whose name is kept.
SET_PASSWORD = "set-password"  # noqa: S105 - a path segment, not a password
#: The two segments of a password-reset link after /accounts/password-reset/: the account's
#: id and the token, or the account's id and "set-password" (Django's next step, which is
#: kept). The form's own pages, done/ and complete/, have a single segment and do not match.
RESET_TOKEN = re.compile(
    rf"(?P<prefix>{_SLASH}accounts{_SLASH}password-reset{_SLASH})"
    rf"{_SEGMENT}(?P<slash>{_SLASH})(?P<token>{_SEGMENT})"
)


def _redact_reset(match: re.Match) -> str:
    kept = SET_PASSWORD if match["token"] == SET_PASSWORD else REDACTED
    return f"{match['prefix']}{REDACTED}{match['slash']}{kept}"


def redact_link_tokens(text: str) -> str:
    """``text`` with the token of every booking, survey and password-reset link in it
    replaced by ``[redacted]``."""
    text = LINK_TOKEN.sub(rf"\g<prefix>{REDACTED}", text)
    return RESET_TOKEN.sub(_redact_reset, text)


#: Only the survey link's token (for pages that show emails to staff, see below).
SURVEY_TOKEN = re.compile(r"(/survey/)[^/?#\s\"'<]+")


def redact_survey_tokens(text: str) -> str:
    """Hide survey-link tokens in an email shown to staff (the outbox pages): whoever opens a
    survey link sees and can change that person's unsubmitted answers, and reports promise
    nobody sees who answered what. Booking links stay: coordinators may act for a school."""
    return SURVEY_TOKEN.sub(rf"\g<1>{REDACTED}", text)


_TRACEBACKS = logging.Formatter()


class RedactLinkTokens(logging.Filter):
    """Replace link tokens in a record's message (and its arguments), its traceback and its
    stack before the handler formats it. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        redacted = redact_link_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatters use exc_text when it is set, so the traceback is written redacted.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_link_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_link_tokens(record.stack_info)
        return True
