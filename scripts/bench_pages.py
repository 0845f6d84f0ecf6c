"""Benchmark the coordinator pages and exports on a national dataset, at 1x and 10x.

    python scripts/bench_pages.py ../shared/data/gias/edubasealldata20250718_open.csv.gz
    python scripts/bench_pages.py GIAS.csv.gz --scales 1 --requests 5   # a quicker look

For each scale: a scratch PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/link_bench_pages``) gets the real register
(``import_gias``) and the programme's data (``scripts/bench_dataset.py``); gunicorn serves it
with the production settings (2 sync workers, as docker-compose.yml ships, DEBUG off); each
page and export is requested as a national admin and as a London regional coordinator, p50
and p95 of ``--requests`` requests (exports: ``--export-requests``), beside ``/healthz`` on
the same server in the same run (the baseline). Queries per request are counted once per page
in this process with Django's test client. Writes the table to docs/benchmarks.md.
"""

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg2  # noqa: E402
from benchlib import connect, fresh_database, manage, write_section  # noqa: E402

SECRET_KEY = "bench-pages-" + "k3y-0f-a-scr4tch-s3rv3r-" * 3
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/link_bench_pages"
#: Another benchmark on the same machine needs another port (BENCH_PORT).
PORT = int(os.environ.get("BENCH_PORT", "8765"))
TIMEOUT = 60
#: (label, URL name, its kwargs, is an export)
PAGES = (
    ("dashboard `/`", "home", {}, False),
    ("establishment list", "schools:establishment-list", {}, False),
    ("cohort list", "cohorts:list", {}, False),
    ("outbox list", "outbox:email-list", {}, False),
    ("evaluation report", "evaluation:report", {}, False),
    ("programme funnel", "evaluation:funnel", {}, False),
    ("establishments CSV", "schools:establishment-export-csv", {}, True),
    ("establishments XLSX", "schools:establishment-export-xlsx", {}, True),
    ("evaluation rates CSV", "evaluation:export-aggregates-csv", {"table": "rates"}, True),
    ("evaluation report XLSX", "evaluation:export-aggregates-xlsx", {}, True),
    ("anonymised responses CSV", "evaluation:export-responses-csv", {}, True),
    ("anonymised responses XLSX", "evaluation:export-responses-xlsx", {}, True),
)
USERS = (("national admin", "bench_national"), ("regional coordinator", "bench_regional"))


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkprog.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    # The sessions made here are read by gunicorn: the same key signs them.
    os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
    import django

    django.setup()


def _session_cookie(username: str) -> str:
    """A signed-in session for ``username``, made in the database gunicorn reads."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _queries(username: str, path: str) -> tuple[int, int]:
    """(status, queries) of one request in this process."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            for _ in response.streaming_content:
                pass
    return response.status_code, len(captured)


def _get(path: str, cookie: str | None) -> tuple[int, float, int, float]:
    """(status, seconds to the last byte, bytes, seconds to the first byte) of one request
    to gunicorn."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT)
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    start = time.perf_counter()
    first = 0.0
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        first = time.perf_counter() - start  # the headers come with the first piece
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, time.perf_counter() - start, size, first
    except (TimeoutError, OSError, http.client.HTTPException):
        return 599, time.perf_counter() - start, 0, first
    finally:
        conn.close()


def _measure(path: str, cookie: str | None, requests: int) -> dict:
    """p50/p95 of ``requests`` requests; stops after 3 when one takes over 10 s."""
    _get(path, cookie)  # warm-up: imports, template loading, PostgreSQL's cache
    times, firsts, statuses, size = [], [], set(), 0
    for _ in range(requests):
        status, seconds, size, first = _get(path, cookie)
        times.append(seconds)
        firsts.append(first)
        statuses.add(status)
        if seconds > 10 and len(times) >= 3:
            break
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "first_byte_p50": statistics.median(firsts),
        "n": len(times),
        "statuses": sorted(statuses),
        "bytes": size,
    }


def _production_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a process run with the production settings on ``url``."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_URL": "consolemail://",
        **extra,
    }


def _gunicorn(url: str, static_root: str) -> subprocess.Popen:
    env = {
        **_production_env(url),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "linkprog.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(60):
        if _get("/healthz", None)[0] == 200:
            return proc
        time.sleep(0.5)
    proc.terminate()
    sys.exit("gunicorn did not answer /healthz within 30 s")


#: The exports a worker builds when they are large: (label, ExportJob kind).
WORKER_EXPORTS = (
    ("anonymised responses CSV", "responses-csv"),
    ("anonymised responses XLSX", "responses-xlsx"),
    ("establishments XLSX", "establishments-xlsx"),
)
#: What the worker process runs: the job as ``linkprog.tasks.build_export`` runs it, its own
#: peak memory (``VmHWM``; ``ru_maxrss`` is carried across fork and exec) and the file's size.
WORKER_BUILD = """
import json, re, sys, time
from pathlib import Path
import django
django.setup()
from django.contrib.auth import get_user_model
from linkprog.exports.services import export_job_queue, export_job_run
from linkprog.models import ExportJob
from outbox.models import OutgoingEmail
kind, username = sys.argv[1], sys.argv[2]
user = get_user_model().objects.get(username=username)
start = time.perf_counter()
job = export_job_queue(kind=kind, params={}, actor=user)
queued = time.perf_counter() - start
start = time.perf_counter()
export_job_run(job_id=job.pk)
built = time.perf_counter() - start
job.refresh_from_db()
peak_kib = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
print(json.dumps({"status": job.status, "rows": job.rows, "bytes": job.size,
    "queue_seconds": queued, "build_seconds": built, "peak_mib": peak_kib / 1024,
    "error": job.error}))
OutgoingEmail.objects.filter(subject_id=job.pk, kind="export_ready").delete()
job.delete()
"""


def _worker_build(url: str, kind: str, username: str) -> dict:
    """Build one export as a worker does, in a process of its own (production settings), and
    report its time and the process's peak resident memory."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = _production_env(url, LINK_VAR_DIR=var_dir, CELERY_BROKER_URL="memory://")
        done = subprocess.run(
            [sys.executable, "-c", WORKER_BUILD, kind, username],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        return {"status": "error", "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _has_data(url: str) -> bool:
    """Whether the scale's database exists and holds a built dataset (its users)."""
    name = urlparse(url).path.lstrip("/")
    conn = connect(url, dbname="postgres")
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
    conn.close()
    if not exists:
        return False
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM auth_user WHERE username = 'bench_national'")
            return cur.fetchone()[0] == 1
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def _counts() -> dict[str, int]:
    """What a reused dataset holds, by table (as ``build`` reports it)."""
    from cohorts.models import Cohort, Invitation, Place
    from evaluation.models import Answer, Response, SurveyInvitation
    from outbox.models import OutgoingEmail

    return {
        "cohorts": Cohort.objects.count(),
        "places": Place.objects.count(),
        "invitations": Invitation.objects.count(),
        "survey invitations": SurveyInvitation.objects.count(),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
        "outbox emails": OutgoingEmail.objects.count(),
    }


def _scale_url(url: str, scale: int) -> str:
    """Each scale has its own scratch database (``link_bench_pages_10x``), so that
    ``--reuse`` can measure again without building again."""
    parsed = urlparse(url)
    return parsed._replace(path=f"{parsed.path}_{scale}x").geturl()


def run_scale(url: str, gias: Path, scale: int, args) -> list[dict]:
    from bench_dataset import build
    from django.db import connections
    from django.urls import reverse

    # This process's queries (the dataset, sessions, query counts) go to the scale's database.
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = urlparse(url).path.lstrip("/")
    if args.reuse and _has_data(url):
        print(f"scale {scale}x: reusing the dataset in {urlparse(url).path[1:]}; migrating it")
        manage(url, "migrate", "--noinput", "-v0")
        counts = _counts()
    else:
        print(f"scale {scale}x: fresh database, register from {gias.name}")
        fresh_database(url)
        manage(url, "migrate", "--noinput", "-v0")
        seconds, _, _ = manage(url, "import_gias", str(gias))
        print(f"  register imported in {seconds:.1f} s; building the programme's data")
        start = time.perf_counter()
        counts = build(scale=scale)
        print(f"  built in {time.perf_counter() - start:.0f} s: {counts}")
    # A production database is vacuumed by autovacuum, which this machine's PostgreSQL (CI's
    # configuration) turns off: unvacuumed, no page is marked all-visible, so no index-only
    # scan can skip the table (the outbox list's capped count reads 2 KB rows instead).
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    cookies = {label: _session_cookie(username) for label, username in USERS}
    connections.close_all()
    rows = []
    with tempfile.TemporaryDirectory() as static_root:
        server = _gunicorn(url, static_root)
        try:
            baseline = _measure("/healthz", None, args.requests)
            print(f"  /healthz p50 {_ms(baseline['p50'])} ms")
            for label, name, kwargs, export in PAGES:
                path = reverse(name, kwargs=kwargs)
                for who, username in USERS:
                    result = _measure(
                        path, cookies[who], args.export_requests if export else args.requests
                    )
                    status, queries = _queries(username, path)
                    row = {
                        "scale": scale,
                        "page": label,
                        "who": who,
                        "queries": queries,
                        "in_process_status": status,
                        "baseline": baseline["p50"],
                        **result,
                    }
                    rows.append(row)
                    print(
                        f"  {label:28} {who:21} p50 {_ms(result['p50']):>7} ms "
                        f"p95 {_ms(result['p95']):>7} ms  first byte "
                        f"{_ms(result['first_byte_p50']):>6} ms  {queries} queries  "
                        f"status {result['statuses']}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)
    for label, kind in () if args.skip_worker_builds else WORKER_EXPORTS:
        for who, username in USERS:
            built = _worker_build(url, kind, username)
            rows.append({"scale": scale, "worker": label, "who": who, **built})
            print(
                f"  {label + ', by a worker':40} {who:21} "
                + (
                    f"{built['rows']:,} rows built in {built['build_seconds']:.1f} s "
                    f"(counted in {built['queue_seconds']:.1f} s), peak "
                    f"{built['peak_mib']:.0f} MiB, {built['bytes'] / 2**20:.1f} MiB file"
                    if built["status"] == "done"
                    else f"{built['status']}: {built.get('error')}"
                )
            )
    rows.append({"scale": scale, "counts": counts, "baseline": baseline["p50"]})
    return rows


def _write(rows: list[dict], args, gias: Path, load: tuple) -> None:
    scales = sorted({r["scale"] for r in rows})
    counts = {r["scale"]: r["counts"] for r in rows if "counts" in r}
    baselines = {r["scale"]: r["baseline"] for r in rows if "counts" in r}
    measured = [r for r in rows if "page" in r]
    header = "| page | who | " + " | ".join(f"{s}x p50 / p95 ms | {s}x queries" for s in scales)
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python scripts/bench_pages.py "
        f"{gias.name} --scales {' '.join(map(str, scales))}` on {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL at 127.0.0.1, "
        "gunicorn with the production settings and 2 sync workers (as docker-compose.yml), "
        f"DEBUG off. Load average at the start: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}.",
        "",
        f"Pages: p50 and p95 of {args.requests} requests after one warm-up; exports: "
        f"{args.export_requests} requests; a request over 10 s stops its series at 3. "
        "Time is to the last byte. Queries: one request in the benchmark's process. "
        "The baseline is `/healthz` on the same server in the same run.",
        "",
    ]
    for scale in scales:
        made = ", ".join(f"{value:,} {key}" for key, value in counts[scale].items())
        lines.append(
            f"- **{scale}x**: the register of 27,256 establishments, {made}. "
            f"`/healthz` p50 {_ms(baselines[scale])} ms."
        )
    lines += ["", header + " | goal |", "|---|---|" + "---:|---:|" * len(scales) + "---|"]
    for label, _, _, export in PAGES:
        for who, _ in USERS:
            cells = []
            for scale in scales:
                row = next(
                    r
                    for r in measured
                    if r["scale"] == scale and r["page"] == label and r["who"] == who
                )
                failed = [s for s in row["statuses"] if s not in (200, 302)]
                time_cell = f"{_ms(row['p50'])} / {_ms(row['p95'])}"
                if 302 in row["statuses"]:
                    time_cell += " (to a worker)"
                if failed:
                    time_cell += f" (**{', '.join(map(str, failed))}**)"
                cells += [time_cell, str(row["queries"])]
            if label == "establishments CSV":
                goal = "under 3 s"
            elif export:
                goal = "streams; a large one from a worker"
            else:
                goal = "< 300 ms" if who == "national admin" else "< 150 ms"
            lines.append(f"| {label} | {who} | " + " | ".join(cells) + f" | {goal} |")
    built = [r for r in rows if "worker" in r]
    for label, _ in WORKER_EXPORTS if built else ():
        for who, _ in USERS:
            cells = []
            for scale in scales:
                row = next(
                    r
                    for r in built
                    if r["scale"] == scale and r["worker"] == label and r["who"] == who
                )
                if row["status"] != "done":
                    cells += [f"**{row['status']}**", ""]
                    continue
                cells += [
                    f"{row['build_seconds'] * 1000:,.0f}, peak {row['peak_mib']:.0f} MiB",
                    f"{row['rows']:,} rows",
                ]
            lines.append(
                f"| {label}, built by a worker | {who} | "
                + " | ".join(cells)
                + " | worker under 300 MiB |"
            )
    lines += [
        "",
        "(to a worker): an export of more than 50,000 rows answers with a redirect to the page "
        'that asks a worker for it; its rows "built by a worker" give the worker\'s build time '
        "and its process's peak resident memory (one process running the job as the Celery task "
        "does).",
        "",
        "Status 599: no complete answer within 60 s (gunicorn's 30 s worker timeout cuts "
        "the request off); 500: the worker was killed mid-request.",
    ]
    write_section("Coordinator pages and exports at national scale", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gias", type=Path, help="a GIAS establishments extract (.csv or .csv.gz)")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--export-requests", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--skip-worker-builds",
        action="store_true",
        help="measure the pages only, not the exports a worker builds (minutes at 10x)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on a scale's dataset built by an earlier run (migrated first)",
    )
    args = parser.parse_args()
    if not args.gias.exists():
        sys.exit(
            f"{args.gias} is absent: the page benchmark needs the GIAS extract "
            "(../shared/data/gias/ beside the project; see its SOURCES.md)."
        )
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    load = os.getloadavg()
    _setup_django(url)
    rows = []
    for scale in args.scales:
        rows += run_scale(_scale_url(url, scale), args.gias, scale, args)
    if not args.no_write:
        _write(rows, args, args.gias, load)
        print("written to docs/benchmarks.md")


if __name__ == "__main__":
    main()
