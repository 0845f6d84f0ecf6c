"""/healthz: 200 while the database answers, 503 when it does not; the broker is reported.

The failures are real ones, not mocks of the check: the database check talks to a real
database connection whose settings point where nothing listens, and the broker check to a
Redis URL on a closed port.
"""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.urls import reverse

from linkprog import views
from linkprog.celery import app as celery_app

CLOSED_REDIS_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def use_broker(monkeypatch):
    """Point the Celery app at another broker for one test.

    Celery reads the CELERY_BROKER_URL environment variable before its own configuration
    (``celery.app.utils.Settings.broker_url``), so the variable is what has to change.
    """

    def use(url):
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        assert celery_app.conf.broker_write_url == url

    return use


@pytest.fixture
def unreachable_database(tmp_path, monkeypatch):
    """Make the view's database connection one that cannot be opened.

    A second connection object of the same backend, configured with a PostgreSQL port where
    nothing listens (or, on SQLite, a file in a folder that does not exist), replaces the one
    the view uses; opening it fails in the real driver with OperationalError.
    """
    default = connections[DEFAULT_DB_ALIAS]
    settings_dict = dict(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    unreachable = type(default)(settings_dict, alias="unreachable")
    monkeypatch.setattr(views, "connection", unreachable)
    yield unreachable
    unreachable.close()


def _errors_logged(caplog, message):
    return [r.exc_info[1] for r in caplog.records if r.getMessage() == message and r.exc_info]


@pytest.mark.django_db
def test_healthz_is_ok_when_database_and_broker_answer(client, use_broker):
    use_broker("memory://")
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_the_real_redis_broker_ok(client, use_broker, redis_broker_url):
    use_broker(redis_broker_url)
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_degraded_when_the_broker_is_unreachable(client, caplog, use_broker):
    caplog.set_level(logging.ERROR, logger="linkprog.views")
    use_broker(CLOSED_REDIS_PORT_URL)
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}
    errors = _errors_logged(caplog, "healthz: broker check failed")
    assert errors, "the broker failure should be logged with its traceback"
    body = response.content.decode()
    for error in errors:
        assert str(error) not in body
    assert "Traceback" not in body


# db: lets the (unreachable) connection try for real instead of being blocked by pytest-django.
@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(
    client, caplog, use_broker, unreachable_database
):
    caplog.set_level(logging.ERROR, logger="linkprog.views")
    use_broker("memory://")
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}
    errors = _errors_logged(caplog, "healthz: database check failed")
    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError), errors[0]
    body = response.content.decode()
    assert str(errors[0]) not in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def test_healthz_answers_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405
