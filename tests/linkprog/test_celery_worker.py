"""A real Celery worker consumes from the Redis broker and runs Link's tasks."""

import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state

from linkprog.celery import app as celery_app
from linkprog.tasks import ping

pytestmark = pytest.mark.redis

# A queue of the tests' own, so the worker neither takes nor is given anyone else's tasks.
TEST_QUEUE = "linkprog-tests"


def _reset_cached_backend(app):
    """Celery caches its result backend per app (or per thread); drop it to re-read the conf."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def redis_result_backend(redis_broker_url, monkeypatch):
    """Store task results in the broker's Redis, database 1, for this test only."""
    url = urlunsplit(urlsplit(redis_broker_url)._replace(path="/1"))
    # Celery reads CELERY_RESULT_BACKEND from the environment before its configuration.
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    saved = celery_app.conf.result_backend
    celery_app.conf.result_backend = url
    _reset_cached_backend(celery_app)
    yield url
    celery_app.conf.result_backend = saved
    _reset_cached_backend(celery_app)


@pytest.fixture
def worker(redis_result_backend):
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(TEST_QUEUE)
    with start_worker(
        celery_app,
        perform_ping_check=False,
        queues=[TEST_QUEUE],
        loglevel="WARNING",
        shutdown_timeout=30,
    ) as worker:
        yield worker


def test_the_worker_runs_ping_from_the_redis_broker(worker, redis_broker_url):
    assert celery_app.conf.broker_write_url == redis_broker_url
    task_id = f"test-ping-{uuid.uuid4()}"
    accepted_before = worker_state.total_count[ping.name]

    result = ping.apply_async(queue=TEST_QUEUE, task_id=task_id)

    try:
        assert result.get(timeout=20) == "pong"
        assert result.successful()
        assert result.id == task_id
        # ...and it was this in-process worker that took it off the queue.
        assert worker_state.total_count[ping.name] == accepted_before + 1
    finally:
        result.forget()
