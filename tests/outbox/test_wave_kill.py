"""A 200-school wave through a real `celery worker` process that is killed mid-wave.

The worker runs as its own process (settings.local, the test database, Redis, the aiosmtpd
server) so it can be killed with SIGKILL. The dispatch is run twice; a second worker is
started after the kill, and beat's sweeper is run as it would be once its waiting time has
passed. Every school must get its invitation, as one message: a message the dead worker had
handed to the SMTP server is sent again with the same Message-ID, which mail clients show
once, so the test counts distinct Message-IDs per school.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from cohorts.models import Wave
from cohorts.services.waves import wave_dispatch, wave_launch
from linkprog.celery import app as celery_app
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import emails_requeue_stuck
from schools.models import Establishment
from tests.cohorts.factories import PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
QUEUE = "outbox-kill-tests"
SCHOOLS = 200


def start_worker(smtp_port: int, broker_url: str, var_dir: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LINK_VAR_DIR": str(var_dir),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "linkprog",
            "worker",
            "-Q",
            QUEUE,
            "-P",
            "solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def wait_until_stalled(count, quiet: float = 3.0, timeout: float = 60.0) -> None:
    """Wait until ``count()`` stops changing for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.2)
        now = count()
        if now != last:
            last, since = now, time.monotonic()


def sent() -> int:
    return OutgoingEmail.objects.filter(status=EmailStatus.SENT).count()


@pytest.fixture
def test_queue(redis_broker_url):
    saved = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    yield
    celery_app.conf.task_default_queue = saved


def test_a_killed_worker_loses_nothing_and_sends_each_school_one_message(
    test_queue, smtp, redis_broker_url, tmp_path
):
    la = LocalAuthorityFactory()
    Establishment.objects.bulk_create(
        [
            EstablishmentFactory.build(urn=700000 + n, la=la, contact_email=f"lead{n}@s.example")
            for n in range(SCHOOLS)
        ]
    )
    phase = PhaseFactory()
    phase.local_authorities.add(la)
    wave = Wave.objects.create(name="Kill test", phase=phase)
    wave_launch(wave=wave)
    workers = [start_worker(smtp.port, redis_broker_url, tmp_path)]
    try:
        assert wave_dispatch(wave_id=wave.pk) == SCHOOLS
        assert wave_dispatch(wave_id=wave.pk) == 0  # the dispatch run twice

        assert wait_until(lambda: sent() >= SCHOOLS // 4, timeout=60), sent()
        workers[0].send_signal(signal.SIGKILL)  # mid-wave, mid-whatever it was doing
        workers[0].wait(timeout=10)
        at_kill = sent()
        assert at_kill < SCHOOLS, "the wave finished before the kill: make it bigger"

        workers.append(start_worker(smtp.port, redis_broker_url, tmp_path))
        wait_until_stalled(sent)
        # What the dead worker held (a task it had taken, a row left "sending") comes back
        # through beat's sweeper once its waiting time has passed.
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=True):
            emails_requeue_stuck()
        assert wait_until(lambda: sent() == SCHOOLS, timeout=90), OutgoingEmail.objects.values(
            "status"
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)

    assert OutgoingEmail.objects.count() == SCHOOLS
    message_ids = defaultdict(set)
    for rcpt_tos, message in smtp.messages:
        for to in rcpt_tos:
            message_ids[to].add(message["Message-ID"])
    assert len(message_ids) == SCHOOLS  # every school reached
    assert all(len(ids) == 1 for ids in message_ids.values())  # as one message each
    raw_repeats = len(smtp.messages) - SCHOOLS
    print(f"killed at {at_kill}/{SCHOOLS} sent; SMTP deliveries repeated: {raw_repeats}")
