"""What one request costs: SQL queries and Celery tasks handed to the broker inside it.

Used by the tests that pin a request's cost and by ``scripts``-style measurements
(issue 12: "moving a workshop on a full cohort, before and after"). The broker publishes are
counted at ``Celery.send_task``, which every way of sending a task goes through
(``Task.apply_async`` and ``delay`` call it), whatever the broker (or a test's stub) does.
"""

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkprog.celery import app as celery_app


@dataclass(frozen=True)
class RequestCost:
    queries: int
    publishes: int
    status_code: int


def request_cost(monkeypatch, send) -> RequestCost:
    """Run ``send()`` (a test client's request) and count what it cost."""
    published: list[str] = []
    send_task = celery_app.send_task

    def counting_send_task(name, *args, **kwargs):
        published.append(name)
        return send_task(name, *args, **kwargs)

    monkeypatch.setattr(celery_app, "send_task", counting_send_task)
    with CaptureQueriesContext(connection) as queries:
        response = send()
    monkeypatch.setattr(celery_app, "send_task", send_task)
    return RequestCost(
        queries=len(queries.captured_queries),
        publishes=len(published),
        status_code=response.status_code,
    )
