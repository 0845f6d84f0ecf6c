"""Benchmark a 22,000-school invitation wave against a raw send of the same messages.

    python scripts/bench_wave.py PATH/TO/edubasealldata20250718_open.csv.gz [--schools 22000]

Real parts on this machine: a scratch PostgreSQL database (link_bench_wave), Redis as the
broker (BENCH_BROKER_URL, default redis://127.0.0.1:6379/0), an aiosmtpd server in this
process, and real `celery worker` processes (--concurrency 2). The establishments are the real
extract's eligible ones, given reserved contact emails.

Raw: Django sends the same number of pre-rendered invitations over one SMTP connection.
Wave: from launch (dispatch rendering and queuing every invitation) until the outbox holds
every one as sent, throttle off. Goal: the wave takes no more than 2x the raw send.
"""

import argparse
import logging
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchlib import ROOT, fresh_database, manage, manage_env, write_section

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/link_bench_wave"
QUEUE = "bench-wave"


class Counter:
    """An SMTP handler that only counts what it accepts."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="edubasealldata20250718_open.csv.gz")
    parser.add_argument("--schools", type=int, default=22_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    if not args.extract.is_file():
        sys.exit(
            f"{args.extract}: not found. The benchmark reads the real GIAS extract from "
            "../shared/data/gias/ (not shipped with Link); pass its path."
        )
    url = os.environ.get("BENCH_WAVE_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
    if not broker.startswith("redis://"):
        sys.exit("The wave benchmark needs Redis as the broker (BENCH_BROKER_URL=redis://...).")

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    # Workers keep their database connection between tasks, as in docker-compose (a new
    # PostgreSQL connection per task would dominate the cost of an email).
    env = manage_env(
        url,
        CELERY_BROKER_URL=broker,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        CONN_MAX_AGE="300",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)  # this process uses the same database, broker and mail server

    print(f"scratch database {url}; SMTP on {smtp_port}")
    fresh_database(url)
    manage(url, "migrate", "-v0")
    manage(url, "import_gias", str(args.extract), "--no-progress")

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from cohorts.models import Phase, Wave
    from cohorts.services.waves import _spec, wave_dispatch, wave_launch
    from linkprog.celery import app as celery_app
    from outbox.models import EmailStatus, OutgoingEmail
    from outbox.services import email_render
    from schools.models import Establishment, LocalAuthority

    chosen = list(
        Establishment.objects.eligible().order_by("pk").values_list("pk", flat=True)[: args.schools]
    )
    Establishment.objects.filter(pk__in=chosen).update(
        contact_email=Concat(Value("lead."), Cast("urn", CharField()), Value("@bench.invalid"))
    )
    phase = Phase.objects.create(
        name="Bench", start_date=datetime(2026, 1, 1).date(), end_date=datetime(2026, 12, 31).date()
    )
    phase.local_authorities.set(LocalAuthority.objects.all())
    wave = Wave.objects.create(name="Bench wave", phase=phase)
    schools = list(Establishment.objects.filter(pk__in=chosen).select_related("la"))

    # Raw: the same invitations, rendered beforehand, over one SMTP connection.
    messages = []
    for establishment in schools:
        spec = _spec(wave, establishment)
        subject, text, html = email_render(template=spec.template, context=spec.context)
        message = EmailMultiAlternatives(subject, text, to=[spec.recipient])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    connection = get_connection()
    start = time.perf_counter()
    connection.open()
    for message in messages:
        connection.send_messages([message])
    connection.close()
    raw = time.perf_counter() - start
    raw_count = counter.count
    print(f"raw send: {raw_count} messages in {raw:.1f} s")

    # The wave, through real workers.
    celery_app.conf.task_default_queue = QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    workers = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "linkprog",
            "worker",
            "-Q",
            QUEUE,
            f"--concurrency={args.concurrency}",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    time.sleep(5)  # let the workers connect before the clock starts
    counter.count = 0
    start = time.perf_counter()
    wave_launch(wave=wave)
    dispatched = wave_dispatch(wave_id=wave.pk)
    dispatch_done = time.perf_counter() - start
    sent = OutgoingEmail.objects.filter(wave_key=wave.wave_key, status=EmailStatus.SENT)
    while sent.count() < dispatched and time.perf_counter() - start < 1800:
        time.sleep(1)
    wave_seconds = time.perf_counter() - start
    wave_sent = sent.count()
    workers.terminate()
    workers.wait(timeout=60)
    smtp.stop()
    ratio = wave_seconds / raw if raw else float("nan")
    print(f"wave: {wave_sent}/{dispatched} sent in {wave_seconds:.1f} s ({ratio:.2f}x raw)")

    write_section(
        "A 22,000-school invitation wave against a raw send",
        [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` "
            f"(`python scripts/bench_wave.py {args.extract.name}`) on {platform.node()}: "
            f"{os.cpu_count()} cores, PostgreSQL and Redis on this machine, an aiosmtpd server "
            f"in the benchmark process, {args.concurrency} `celery worker` processes, throttle "
            "off, DEBUG off.",
            "",
            "| what | messages | seconds | per second |",
            "|---|---:|---:|---:|",
            f"| raw: Django sends pre-rendered invitations over one SMTP connection "
            f"| {raw_count:,} | {raw:.1f} | {raw_count / raw:.0f} |",
            f"| the wave: dispatch renders and queues them all ({dispatch_done:.1f} s of it), "
            f"workers send through the outbox | {wave_sent:,} | {wave_seconds:.1f} "
            f"| {wave_sent / wave_seconds:.0f} |",
            "",
            f"The wave takes **{ratio:.2f}x** the raw send (goal: at most 2x). Each outbox email "
            "costs, besides the SMTP conversation, a locked read and two saves with their audit "
            "rows, and a Celery task; the raw send is only the SMTP conversation.",
        ],
    )


if __name__ == "__main__":
    main()
