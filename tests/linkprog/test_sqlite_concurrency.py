"""The embedded default under load: web requests, a dispatching process and a real Celery
worker on the filesystem broker, all writing to one SQLite file at once (issue 10, item 7).

Before WAL, a busy timeout and immediate transactions, the worker logged "database is
locked" and left emails queued for an hour. Here every email must be sent within a minute,
every web request must answer, and no process may log a lock error.
"""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHOOLS = 300
USERS = 4

SETUP = f"""
from accounts.models import Role
from accounts.services import user_assign_role
from cohorts.models import Phase, Wave
from cohorts.services.waves import wave_launch
from django.contrib.auth import get_user_model
from schools.models import Establishment, LocalAuthority
import datetime as dt

la = LocalAuthority.objects.create(code="T99", name="Testshire")
Establishment.objects.bulk_create([
    Establishment(urn=800000 + n, name=f"School {{n}}", la=la, type_code=1, type_group=4,
                  status=1, contact_email=f"lead{{n}}@s.example")
    for n in range({SCHOOLS})
])
phase = Phase.objects.create(name="P", start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 1, 1))
phase.local_authorities.add(la)
wave = Wave.objects.create(name="Load", phase=phase)
wave_launch(wave=wave)
for n in range({USERS}):
    user = get_user_model().objects.create_user(f"admin{{n}}", password="a-long-test-password")
    user_assign_role(user=user, role=Role.NATIONAL_ADMIN)
print("wave", wave.pk)
"""

DISPATCH = """
from cohorts.models import Wave
from cohorts.services.waves import wave_dispatch
print("queued", wave_dispatch(wave_id=Wave.objects.get().pk))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded(tmp_path):
    """The environment of `make run`: settings.local, SQLite and the filesystem broker in a
    fresh var/ folder, mail written to files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "EMAIL_BACKEND")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.local",
        "LINK_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return env, tmp_path


def sign_in_and_out(base: str, username: str, rounds: int) -> list[int]:
    """Sign in, open two pages and sign out, ``rounds`` times: each round writes a session,
    the user's last login and deletes the session again. Returns the status codes."""
    codes = []
    for _ in range(rounds):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        data = urllib.parse.urlencode(
            {"username": username, "password": "a-long-test-password", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
        )
        codes.append(opener.open(request, timeout=30).status)
        codes.append(opener.open(f"{base}/outbox/", timeout=30).status)
        codes.append(opener.open(f"{base}/cohorts/waves/", timeout=30).status)
        csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        logout = urllib.request.Request(
            f"{base}/accounts/logout/",
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode(),
            headers={"Referer": f"{base}/"},
        )
        codes.append(opener.open(logout, timeout=30).status)
    return codes


def test_web_requests_and_a_real_worker_share_the_sqlite_file_without_a_lock_error(embedded):
    env, var = embedded
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = {name: open(var / f"{name}.log", "w") for name in ("web", "worker", "dispatch")}  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=logs["web"],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "linkprog",
                "worker",
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "runserver did not start"
                time.sleep(0.2)
        dispatch = subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", DISPATCH],
            cwd=ROOT,
            env=env,
            stdout=logs["dispatch"],
            stderr=subprocess.STDOUT,
        )
        processes.append(dispatch)
        # Sign-ins and page views from several users while the wave is queued and sent.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(USERS) as pool:
            results = list(pool.map(lambda n: sign_in_and_out(base, f"admin{n}", 6), range(USERS)))
        assert dispatch.wait(timeout=60) == 0

        database = sqlite3.connect(var / "db.sqlite3")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            (sent,) = database.execute(
                "select count(*) from outbox_outgoingemail where status = 'sent'"
            ).fetchone()
            if sent == SCHOOLS:
                break
            time.sleep(0.5)
        states = dict(
            database.execute("select status, count(*) from outbox_outgoingemail group by status")
        )
        database.close()
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        for log in logs.values():
            log.close()

    output = {name: (var / f"{name}.log").read_text() for name in logs}
    assert all(code == 200 for codes in results for code in codes), results
    assert states == {"sent": SCHOOLS}, states
    assert f"queued {SCHOOLS}" in output["dispatch"]
    for name, text in output.items():
        assert "database is locked" not in text, f"{name}: {text[-2000:]}"
    written = "".join(path.read_text() for path in (var / "mail").iterdir())
    assert written.count("\nMessage-ID: ") == SCHOOLS  # each worker writes a file of many
    assert not (ROOT / "control").exists()  # the broker keeps its exchange table in var/
