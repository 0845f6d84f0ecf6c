"""Project-wide pytest hooks: tests that need a real service say so with a marker.

``@pytest.mark.postgres``, ``@pytest.mark.redis`` and ``@pytest.mark.browser`` skip with a
reason when the service is missing. Under ``CI=true`` a missing service is a failure instead,
so a CI run can never go green by skipping the tests it exists to run; CI also refuses to
start at all unless the database is PostgreSQL and the Celery broker is Redis.
"""

import datetime as dt
import functools
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine

DEFAULT_CHROMIUM = "/usr/bin/chromium"
REDIS_TIMEOUT_SECONDS = 2


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _database_is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _broker_url() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL


def _broker_is_redis() -> bool:
    return _broker_url().startswith(("redis://", "rediss://"))


@functools.cache
def _redis_problem(url: str) -> str | None:
    """None when Redis at ``url`` answers PING, else why not (asked once per session)."""
    import redis

    client = redis.Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"Redis at {_redacted(url)} did not answer PING: {exc}"
    finally:
        client.close()
    return None


def chromium_executable() -> str:
    """The Chromium binary the browser tests drive: $LINK_CHROMIUM, else Debian's."""
    return os.environ.get("LINK_CHROMIUM") or DEFAULT_CHROMIUM


def _chromium_problem() -> str | None:
    path = Path(chromium_executable())
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (
        f"needs Chromium at {path}: install Debian's chromium package "
        "or set LINK_CHROMIUM to a Chromium binary"
    )


def pytest_sessionstart(session):
    """Under CI=true, refuse to run at all unless PostgreSQL and Redis are configured."""
    if not _under_ci():
        return
    problems = []
    if not _database_is_postgres():
        problems.append(
            "the database is not PostgreSQL: set DATABASE_URL=postgres://... "
            f"(DATABASE_URL is {os.environ.get('DATABASE_URL', 'unset')!r})"
        )
    if not _broker_is_redis():
        problems.append(
            "the Celery broker is not Redis: set CELERY_BROKER_URL=redis://... "
            f"(the broker is {_redacted(_broker_url())!r})"
        )
    elif problem := _redis_problem(_broker_url()):
        problems.append(problem)
    if problems:
        raise pytest.UsageError(
            "CI=true, but the services CI must test against are missing:\n  - "
            + "\n  - ".join(problems)
        )


def _service_problems(item) -> list[str]:
    """Why the services that ``item``'s markers ask for are missing (empty when all are there)."""
    problems = []
    if item.get_closest_marker("postgres") and not _database_is_postgres():
        problems.append("needs PostgreSQL: set DATABASE_URL")
    if item.get_closest_marker("redis"):
        if not _broker_is_redis():
            problems.append("needs Redis as the Celery broker: set CELERY_BROKER_URL=redis://...")
        elif problem := _redis_problem(_broker_url()):
            problems.append(f"needs Redis: {problem}")
    if item.get_closest_marker("browser") and (problem := _chromium_problem()):
        problems.append(problem)
    return problems


def pytest_collection_modifyitems(config, items):
    """Without CI, a test whose marked service is missing skips, saying why."""
    if _under_ci():
        return
    for item in items:
        if problems := _service_problems(item):
            item.add_marker(pytest.mark.skip(reason="; ".join(problems)))


def pytest_runtest_setup(item):
    """Under CI=true, a test whose marked service is missing fails instead."""
    if _under_ci() and (problems := _service_problems(item)):
        pytest.fail(
            "; ".join(problems) + " (CI=true: a missing service is a failure, not a skip)",
            pytrace=False,
        )


@pytest.fixture
def redis_broker_url() -> str:
    """The Redis broker URL of a ``@pytest.mark.redis`` test (checked by the marker)."""
    return _broker_url()


@pytest.fixture
def chromium_path() -> str:
    """The Chromium binary of a ``@pytest.mark.browser`` test (checked by the marker)."""
    return chromium_executable()


#: What Chromium writes to the console when the Content-Security-Policy blocks something
#: ("Refused to apply inline style because it violates the following Content Security Policy
#: directive: ...", "Refused to execute inline script ...", "Refused to load ...").
CSP_VIOLATION_MARKERS = ("Refused to", "Content Security Policy")


def watch_csp_violations(page) -> list[str]:
    """Collect, as they happen, the CSP violations Chromium reports on ``page`` (and its frames):
    each as "URL: message". Every browser test's page is watched and must end with none."""
    violations: list[str] = []

    def on_console(message) -> None:
        if any(marker in message.text for marker in CSP_VIOLATION_MARKERS):
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def assert_no_csp_violations(violations: list[str]) -> None:
    assert not violations, "The Content-Security-Policy blocked:\n" + "\n".join(violations)


# --- Shared fixtures for tests of the apps that send mail ------------------------------------

#: A Monday morning in term time; every time-based test starts here.
NOW = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def at_scale(size: int):
    """The large size of a test that pins the same query count at a small and a large size,
    run on PostgreSQL only: SQLite (the embedded default) takes at most 999 parameters a
    statement, so Django splits a bulk insert of hundreds of emails into batches there, and
    the count grows with the rows by the database's design, not the code's."""
    return pytest.param(size, marks=pytest.mark.postgres, id=str(size))


@pytest.fixture
def clock():
    """A frozen clock at ``NOW``; ``clock.move_to(...)``/``clock.shift(...)`` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class StubBroker(list):
    """The ids of the emails handed to the broker, in order. A fan-out task handed over is
    run at once, as a worker would (``run_fan_outs = False`` keeps it: its ids are then in
    ``fan_outs``)."""

    run_fan_outs = True

    def __init__(self):
        super().__init__()
        self.fan_outs: list[int] = []


@pytest.fixture
def stub_outbox_broker(monkeypatch) -> StubBroker:
    """The ids of the emails handed to the broker, which is never reached: for tests of
    what is queued (tests/outbox tests the hand-over and the worker). An app's conftest makes
    it autouse as ``outbox_broker``."""
    from outbox.services import celery_app, fan_out_run
    from outbox.services.fanning import FAN_OUT_TASK

    dispatched = StubBroker()
    real_send_task = celery_app.send_task

    def send_task(name, args=None, kwargs=None, **options):
        if not name.startswith("outbox."):  # another app's task goes to the broker
            return real_send_task(name, args, kwargs, **options)
        ids = args[0]  # one id (send_email) or a batch of ids (send_batch)
        if name == FAN_OUT_TASK:
            dispatched.fan_outs.append(ids)
            if dispatched.run_fan_outs:
                fan_out_run(fan_out_id=ids)
            return
        dispatched.extend(ids if isinstance(ids, list) else [ids])

    monkeypatch.setattr("outbox.services.celery_app.send_task", send_task)
    return dispatched


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After every test that used the database and passed, the kept programme statuses
    (``cohorts.ProgrammeStatus``) must equal the rule worked out from places and invitations,
    each cohort's kept place counts (``cohorts.PlaceCount``) its places, and the evaluation
    report cells the answers (or be marked stale): whatever a test did to
    them, through whichever service, the summaries followed."""
    result = yield
    if item.get_closest_marker("django_db") or _DB_FIXTURES & set(item.fixturenames):
        from django.db import DatabaseError, transaction

        from cohorts.status_summary import programme_status_drift

        try:
            with transaction.atomic():  # a savepoint: a failed check leaves the test's state
                drift = programme_status_drift()
        except DatabaseError:
            return result  # the schema is not the current one (a test of old migrations)
        assert not drift, (
            "ProgrammeStatus is not what the places and invitations say "
            f"(establishment id, kept, live): {drift}"
        )
        from cohorts.place_counts import place_counts_drift

        with transaction.atomic():
            drift = place_counts_drift()
        assert not drift, (
            f"PlaceCount is not what the places say (cohort id, status, kept, live): {drift}"
        )
        from evaluation.cells import cells_drift

        with transaction.atomic():
            drift = cells_drift()
        assert not drift, (
            "The evaluation report cells are not what the answers say, and their cohorts "
            f"are not marked stale (table, kept or live, row): {drift}"
        )
    return result
