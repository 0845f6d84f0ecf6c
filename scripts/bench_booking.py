"""Benchmark schools booking through their signed links under load, on gunicorn as shipped.

    python scripts/bench_booking.py [--clients 200] [--race 30]

A scratch PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/link_bench_booking``) gets cohorts open for booking and
schools with booking links; gunicorn serves it with the production settings (2 sync workers,
as docker-compose.yml ships, DEBUG off). Then:

- **Load**: ``--clients`` schools book at once, each in its own thread and connection: the
  booking page (GET), then the form (POST, with its CSRF token), as a browser does. Counted:
  bookings made, answers that were errors (5xx or no answer), bookings a second, beside
  ``/healthz`` asked the same number of times at once on the same server (the baseline).
- **Race**: ``--race`` schools book the last seat of one cohort at once. Exactly one gets
  it (the others are put on its waiting list), and the cohort never holds more than its
  capacity.

Mail is queued in the outbox (a Celery broker nobody consumes: sending is not measured here).
Writes its section of docs/benchmarks.md.
"""

import argparse
import http.client
import os
import platform
import re
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import PORT, TIMEOUT, _gunicorn, _setup_django  # noqa: E402
from benchlib import ROOT, fresh_database, manage, write_section  # noqa: E402

sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/link_bench_booking"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"
#: Browser-like headers: the proxy says HTTPS (the production settings redirect plain HTTP).
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}


def _request(method: str, path: str, *, body: str = "", cookies: str = "") -> tuple:
    """(status, headers, text) of one request on a connection of its own; 599 for none."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
    headers = dict(HEADERS, Referer=f"https://{HOST}{path}")
    if cookies:
        headers["Cookie"] = cookies
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    except (TimeoutError, OSError, http.client.HTTPException):
        return 599, [], ""
    finally:
        conn.close()


def _book(path: str) -> int:
    """A school books through its link: the page, then the form. The status of the POST (302
    to the confirmation when booked or waiting), or the GET's when it failed."""
    from urllib.parse import urlencode

    status, headers, text = _request("GET", path)
    found = CSRF.search(text)
    if status != 200 or not found:
        return status if status != 200 else 598
    cookies = "; ".join(
        value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"
    )
    form = {
        "csrfmiddlewaretoken": found.group(1),
        "name": "Load Test Lead",
        "role": "Senior mental health lead",
        "email": "lead@school.example",
    }
    status, _, _ = _request("POST", path, body=urlencode(form), cookies=cookies)
    return status


def _at_once(targets) -> tuple[list, float]:
    """Run every target in its own thread, all released together: (results, seconds)."""
    barrier = threading.Barrier(len(targets) + 1)
    results: list = [None] * len(targets)

    def run(index, target):
        barrier.wait()
        results[index] = target()

    threads = [threading.Thread(target=run, args=(n, t)) for n, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def _build(clients: int, race: int) -> tuple[list[str], list[str], int]:
    """Cohorts of 20 seats for ``clients`` schools, and one cohort with one seat left for
    ``race`` more: (load paths, race paths, the race cohort's id)."""
    from django.urls import reverse

    from cohorts.models import PlaceStatus
    from cohorts.services.links import booking_link_token
    from tests.cohorts.factories import PlaceFactory, make_open_cohort
    from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

    def paths(la, cohort, n):
        found = []
        for _ in range(n):
            school = EstablishmentFactory(la=la)
            token = booking_link_token(establishment=school)
            found.append(
                reverse("cohorts:book-cohort", kwargs={"token": token, "cohort_id": cohort.pk})
            )
        return found

    load_la = LocalAuthorityFactory(name="Load", code="B01")
    load = []
    for n in range(0, clients, 20):
        cohort = make_open_cohort(local_authority=load_la, capacity=20, name=f"Load {n // 20}")
        load += paths(load_la, cohort, min(20, clients - n))
    race_la = LocalAuthorityFactory(name="Race", code="B02")
    last = make_open_cohort(local_authority=race_la, capacity=20, name="Last seat")
    for _ in range(19):
        PlaceFactory(cohort=last, status=PlaceStatus.BOOKED)
    return load, paths(race_la, last, race), last.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--race", type=int, default=30)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["CELERY_BROKER_URL"] = os.environ.get(
        "BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"
    )
    fresh_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    _setup_django(url)
    from django.db import connections

    from cohorts.models import SEAT_HOLDING_STATUSES, Place, PlaceStatus

    load, race, last_id = _build(args.clients, args.race)
    connections.close_all()
    with tempfile.TemporaryDirectory() as static_root:
        server = _gunicorn(url, static_root)
        try:
            _request("GET", "/healthz")
            health, health_seconds = _at_once([lambda: _request("GET", "/healthz")[0]] * len(load))
            booked, load_seconds = _at_once([lambda p=p: _book(p) for p in load])
            raced, _ = _at_once([lambda p=p: _book(p) for p in race])
        finally:
            server.terminate()
            server.wait()
    made = Place.objects.filter(cohort__local_authority__code="B01", status=PlaceStatus.BOOKED)
    seats = Place.objects.filter(cohort_id=last_id, status__in=SEAT_HOLDING_STATUSES).count()
    waiting = Place.objects.filter(cohort_id=last_id, status=PlaceStatus.WAITING).count()
    errors = sum(1 for status in booked if status >= 500)
    health_rate = len(health) / health_seconds
    rate = made.count() / load_seconds
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python scripts/bench_booking.py "
        f"--clients {args.clients} --race {args.race}` on {platform.node()}: {os.cpu_count()} "
        "cores, gunicorn with the production settings and 2 sync workers (as "
        f"docker-compose.yml), DEBUG off. Load average at the end: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        "| | requests | errors | time | per second | ratio to `/healthz` |",
        "|---|---:|---:|---:|---:|---:|",
        f"| `/healthz`, all at once | {len(health)} | "
        f"{sum(1 for s in health if s != 200)} | {health_seconds:.2f} s | {health_rate:.0f} | 1 |",
        f"| bookings (page, then form), all at once | {len(booked)} | {errors} | "
        f"{load_seconds:.2f} s | {rate:.1f} | {rate / health_rate:.3f} |",
        "",
        f"Bookings made: {made.count()} of {len(load)} (answers: "
        f"{', '.join(f'{s}: {booked.count(s)}' for s in sorted(set(booked)))}). The race for "
        f"the last seat: {len(race)} schools at once; the cohort holds {seats} seat-holding "
        f"places of 20, and {waiting} schools are on its waiting list (answers: "
        f"{', '.join(f'{s}: {raced.count(s)}' for s in sorted(set(raced)))}).",
    ]
    print("\n".join(lines))
    if seats > 20:
        sys.exit("The last seat was overbooked.")
    if not args.no_write:
        write_section("Booking through schools' links under load", lines)


if __name__ == "__main__":
    main()
