"""Shared helpers of the benchmarks: a scratch PostgreSQL database, timed manage.py runs,
and writing one section of docs/benchmarks.md without touching the others."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def connect(url: str, dbname: str | None = None):
    """An autocommit connection to the scratch database (or to ``dbname`` on its server)."""
    parsed = urlparse(url)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=dbname or parsed.path.lstrip("/"),
    )
    conn.autocommit = True
    return conn


def fresh_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    conn = connect(url, dbname="postgres")
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage_env(url: str, **extra: str) -> dict:
    # DEBUG off as in production: with it on, Django keeps every SQL string it ran.
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.local",
        "DJANGO_DEBUG": "false",
        **extra,
    }


def manage(url: str, *args: str) -> tuple[float, int, str]:
    """Run manage.py; return (seconds, peak RSS in MiB, output)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=manage_env(url),
            stdout=out,
            stderr=out,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{text}")
    return seconds, usage.ru_maxrss // 1024, text


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a running process has used so far; None off Linux or once
    the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_section(heading: str, lines: list[str]) -> None:
    """Replace the "## heading" section of docs/benchmarks.md (or append it)."""
    BENCHMARKS.parent.mkdir(exist_ok=True)
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    section = "\n".join([f"## {heading}", "", *lines]).rstrip() + "\n"
    start = text.find(f"## {heading}\n")
    if start == -1:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("" if end == -1 else text[end:])
    BENCHMARKS.write_text(text)
