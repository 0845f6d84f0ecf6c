"""A 200-school wave through a real `celery worker` process that is killed mid-wave.

The worker runs as its own process group (settings.local, the test database, Redis, the
aiosmtpd server, which takes 20 ms over each message as a real one would) so the whole group
can be killed with SIGKILL. The dispatch is run twice; a new worker is started straight after
the kill, and beat's sweeper runs every 30 seconds as beat runs it, in real time with the
real lease (60 s). Every school must get its invitation within 3 minutes of the kill; at most
the one message in flight at the kill may reach the server twice, and then with the same
Message-ID, which mail clients show once.
"""

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection

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
RECOVERY_LIMIT = 180  # seconds from the kill until every school has its invitation


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
        start_new_session=True,  # its own process group, killed whole
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


def test_a_killed_worker_loses_nothing_resends_at_most_one_and_recovers_within_minutes(
    test_queue, smtp, redis_broker_url, tmp_path
):
    smtp.delay = 0.02
    sweep_every = celery_app.conf.beat_schedule["outbox-requeue-stuck"]["schedule"]
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
        os.killpg(workers[0].pid, signal.SIGKILL)  # mid-wave, mid-whatever it was doing
        killed_at = time.monotonic()
        workers[0].wait(timeout=10)
        at_kill = sent()
        assert at_kill < SCHOOLS, "the wave finished before the kill: make it bigger"

        workers.append(start_worker(smtp.port, redis_broker_url, tmp_path))
        next_sweep = killed_at + sweep_every
        while sent() < SCHOOLS and time.monotonic() - killed_at < RECOVERY_LIMIT + 30:
            if time.monotonic() >= next_sweep:  # what beat does
                emails_requeue_stuck()
                next_sweep += sweep_every
            time.sleep(0.25)
        recovered_in = time.monotonic() - killed_at
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)

    assert sent() == SCHOOLS, OutgoingEmail.objects.values("status")
    assert OutgoingEmail.objects.count() == SCHOOLS
    message_ids = defaultdict(set)
    for rcpt_tos, message in smtp.messages:
        for to in rcpt_tos:
            message_ids[to].add(message["Message-ID"])
    assert len(message_ids) == SCHOOLS  # every school reached
    assert all(len(ids) == 1 for ids in message_ids.values())  # as one message each
    duplicates = len(smtp.messages) - SCHOOLS
    print(
        f"kill test: {SCHOOLS} targets, killed at {at_kill} sent, {duplicates} duplicate "
        f"deliveries, all delivered {recovered_in:.1f} s after the kill"
    )
    assert duplicates <= 1  # at most the message in flight at the kill
    assert recovered_in <= RECOVERY_LIMIT
