"""One way to configure: each app's conf.py reads its own values from the environment (with
a settings override for tests), and every variable the README documents is read somewhere."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from accounts import conf as accounts_conf
from cohorts import conf as cohorts_conf
from evaluation import conf as evaluation_conf
from facilitation import conf as facilitation_conf
from outbox import conf as outbox_conf

ROOT = Path(__file__).resolve().parents[2]
#: Where the project reads its configuration: settings, each app's conf.py, the servers' and
#: tools' own files.
READERS = [
    *ROOT.glob("linkprog/settings/*.py"),
    *ROOT.glob("*/conf.py"),
    ROOT / "gunicorn.conf.py",
    ROOT / "Makefile",
    ROOT / "Procfile.dev",
    ROOT / "docker-compose.yml",
    ROOT / ".ci" / "run",
    ROOT / "tests" / "conftest.py",
]


def documented_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    return set(re.findall(r"`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`", readme)) | set(
        re.findall(r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)=", readme)
    )


def test_every_variable_the_readme_documents_is_read():
    sources = "\n".join(path.read_text() for path in READERS if path.exists())
    documented = documented_variables()
    assert "LINK_SURVEY_MIN_CELL" in documented  # the extraction finds what it should
    unread = sorted(name for name in documented if not re.search(rf"\b{name}\b", sources))
    assert unread == []


@pytest.mark.parametrize(
    "read, name, value, expected",
    [
        (evaluation_conf.min_cell, "LINK_SURVEY_MIN_CELL", "10", 10),
        (evaluation_conf.follow_up_months, "LINK_SURVEY_FOLLOW_UP_MONTHS", "9", 9),
        (evaluation_conf.reminder_after, "LINK_SURVEY_REMINDER_DAYS", "3", timedelta(days=3)),
        (evaluation_conf.open_for, "LINK_SURVEY_OPEN_DAYS", "30", timedelta(days=30)),
        (evaluation_conf.link_max_age, "LINK_SURVEY_LINK_MAX_AGE_DAYS", "14", timedelta(14)),
        (cohorts_conf.booking_closes_days, "LINK_BOOKING_CLOSES_DAYS", "10", 10),
        (cohorts_conf.offer_duration, "LINK_OFFER_HOURS", "24", timedelta(hours=24)),
        (cohorts_conf.booking_link_max_age, "LINK_BOOKING_LINK_MAX_AGE_DAYS", "30", timedelta(30)),
        (cohorts_conf.workshop_min_gap_days, "LINK_WORKSHOP_MIN_GAP_DAYS", "21", 21),
        (cohorts_conf.nudge_after_days, "LINK_NUDGE_AFTER_DAYS", "7", 7),
        (facilitation_conf.meeting_reminder_days, "LINK_MEETING_REMINDER_DAYS", "2", 2),
        (facilitation_conf.notes_reminder_days, "LINK_NOTES_REMINDER_DAYS", "5", 5),
        (facilitation_conf.plan_reminder_days, "LINK_PLAN_REMINDER_DAYS", "14", 14),
        (facilitation_conf.rating_reminder_days, "LINK_RATING_REMINDER_DAYS", "10", 10),
        (outbox_conf.max_attempts, "OUTBOX_MAX_ATTEMPTS", "3", 3),
        (outbox_conf.retain_sent_days, "OUTBOX_RETAIN_SENT_DAYS", "30", 30),
        (cohorts_conf.retain_access_needs_days, "LINK_RETAIN_ACCESS_NEEDS_DAYS", "10", 10),
        (cohorts_conf.retain_attendees_months, "LINK_RETAIN_ATTENDEES_MONTHS", "36", 36),
        (facilitation_conf.retain_stakeholders_months, "LINK_RETAIN_STAKEHOLDERS_MONTHS", "12", 12),
        (evaluation_conf.retain_survey_link_days, "LINK_RETAIN_SURVEY_LINK_DAYS", "60", 60),
        (accounts_conf.deactivate_after_months, "LINK_DEACTIVATE_AFTER_MONTHS", "6", 6),
        (outbox_conf.rate_limit, "OUTBOX_RATE_LIMIT", "120/m", "120/m"),
        (outbox_conf.lease_seconds, "OUTBOX_LEASE_SECONDS", "90", 90),
        (outbox_conf.message_id_domain, "OUTBOX_MESSAGE_ID_DOMAIN", "link.example", "link.example"),
    ],
)
def test_each_value_is_set_by_its_environment_variable(monkeypatch, read, name, value, expected):
    default = read()
    monkeypatch.setenv(name, value)

    assert read() == expected != default


def test_a_settings_override_wins_over_the_environment(monkeypatch, settings):
    monkeypatch.setenv("LINK_SURVEY_MIN_CELL", "10")
    settings.LINK_SURVEY_MIN_CELL = 7

    assert evaluation_conf.min_cell() == 7


def test_an_empty_variable_means_the_default(monkeypatch):
    monkeypatch.setenv("OUTBOX_RATE_LIMIT", "")
    monkeypatch.setenv("LINK_SURVEY_MIN_CELL", "")

    assert outbox_conf.rate_limit() is None
    assert evaluation_conf.min_cell() == evaluation_conf.DEFAULT_MIN_CELL
