"""The apps below linkprog reach Link's Celery app as ``celery.current_app``, in any thread."""

import threading

from celery import current_app

from linkprog.celery import app
from outbox.services import celery_app as outbox_celery_app
from outbox.services.queueing import SEND_BATCH_TASK, SEND_TASK


def test_the_current_app_is_links_in_every_thread():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(current_app._get_current_object()))
    thread.start()
    thread.join()
    assert seen == [app]
    assert current_app._get_current_object() is app
    assert outbox_celery_app._get_current_object() is app


def test_the_outbox_sends_tasks_that_links_app_knows():
    app.loader.import_default_modules()  # what a worker imports as it starts
    assert {SEND_TASK, SEND_BATCH_TASK} <= set(app.tasks.keys())


def test_the_outbox_hands_tasks_to_links_app(monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args: sent.append((name, args)))
    outbox_celery_app.send_task(SEND_TASK, args=[1])
    assert sent == [(SEND_TASK, [1])]
