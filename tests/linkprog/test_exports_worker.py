"""Worker-built exports with their real parts: a Celery worker on Redis, PostgreSQL and an
SMTP server (aiosmtpd); and a `celery worker` process killed with SIGKILL mid-export."""

import datetime as dt
import os
import signal
import time

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from evaluation.cells import cells_fresh
from linkprog import conf
from linkprog.exports.services import export_jobs_recover
from linkprog.models import ExportJob
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.linkprog import test_exports as base
from tests.outbox import conftest as mail_server
from tests.outbox import test_outbox_worker as real_worker
from tests.outbox import test_wave_kill as kill
from tests.schools.factories import LocalAuthorityFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
# The export tests' fixtures and helpers, the outbox's real worker and SMTP server.
admin, national, exports, smtp = base.admin, base.national, base.exports, mail_server.smtp
ask, survey, zip_rows = base.ask, base.survey, base.zip_rows
worker, wait_until = real_worker.worker, real_worker.wait_until


def test_a_real_worker_builds_the_export_and_its_link_reaches_the_owner_by_smtp(
    national, admin, worker, smtp
):
    survey(LocalAuthorityFactory(name="Camden"))
    job = ask(national)

    assert wait_until(lambda: ExportJob.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert (job.status, job.rows, job.progress) == ("done", 12, 12)
    email = OutgoingEmail.objects.get(kind=EmailKind.EXPORT_READY)
    assert wait_until(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT)
    [(to, message)] = smtp.messages
    assert to == [admin.email]
    assert message["Subject"].endswith("your export is ready")
    body = message.get_body(("plain",)).get_content()
    assert reverse("exports:job", args=[job.pk]) in body
    rows = zip_rows(national.get(reverse("exports:download", args=[job.pk])).getvalue())
    assert len(rows) == 13


@pytest.fixture
def kill_queue(redis_broker_url):
    from linkprog.celery import app as celery_app

    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = kill.QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(kill.QUEUE)
    yield
    celery_app.conf.task_default_queue = saved


def _hold_answers():
    """Another session that locks the answers table, so a worker stops mid-export (its job
    running, its query waiting) for as long as the test needs."""
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    holder.cursor().execute("LOCK TABLE evaluation_answer IN ACCESS EXCLUSIVE MODE")
    return holder


def test_a_worker_killed_mid_export_leaves_a_job_the_next_worker_finishes(
    national,
    kill_queue,
    redis_broker_url,
    smtp,
    tmp_path,
    exports,
):
    survey(LocalAuthorityFactory(name="Camden"))
    # The report cells worked out, as the report page the export is asked from does: asking
    # counts the rows from them, and would otherwise wait for the lock below to read answers.
    cells_fresh()
    var_dir = tmp_path / "var"
    os.environ["LINK_EXPORT_DIR"] = str(exports)  # the worker processes write there too
    holder = _hold_answers()
    workers = [kill.start_worker(smtp.port, redis_broker_url, var_dir)]
    try:
        job = ask(national)
        running = lambda: ExportJob.objects.get(pk=job.pk).status == "running"  # noqa: E731
        assert wait_until(running), ExportJob.objects.get(pk=job.pk).status
        time.sleep(1)  # its query is now waiting for the lock
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        holder.rollback()  # the lock goes; the killed worker's query has no one to answer

        job.refresh_from_db()
        assert (job.status, job.attempts, job.file_name) == ("running", 1, "")
        assert export_jobs_recover() == 0  # within its lease nobody takes it over
        later = timezone.now() + conf.lease() + dt.timedelta(seconds=1)
        assert export_jobs_recover(now=later) == 1
        workers.append(kill.start_worker(smtp.port, redis_broker_url, var_dir))
        assert wait_until(lambda: ExportJob.objects.get(pk=job.pk).finished, timeout=90)
    finally:
        holder.close()
        os.environ.pop("LINK_EXPORT_DIR", None)
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows) == ("done", 2, 12)
    assert sorted(p.name for p in exports.iterdir()) == [job.file_name]  # no partial file
    rows = zip_rows(national.get(reverse("exports:download", args=[job.pk])).getvalue())
    assert len(rows) == 13
