"""Production settings refuse to start without their secrets; with them, they load and check.

Each case imports the settings in a fresh interpreter with a clean environment, as a server
process would: only what a case sets is there.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = "linkprog.settings.production"
LOAD_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print('DEBUG', settings.DEBUG); print('ALLOWED_HOSTS', settings.ALLOWED_HOSTS)"
)
SECRET = "a-long-random-secret-for-this-test-only-4f8e1c2b9a7d6e5f3a2b1c0d"
COMPLETE = {
    "DJANGO_SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "link.example.org",
    "EMAIL_URL": "smtp://mail.example.org:25",
}


def _dot_env_defines(name: str) -> bool:
    """base.py fills in any variable the environment lacks from BASE_DIR/.env."""
    dot_env = BASE_DIR / ".env"
    if not dot_env.exists():
        return False
    for line in dot_env.read_text().splitlines():
        key, sep, _ = line.partition("=")
        if sep and key.strip().removeprefix("export ").strip() == name:
            return True
    return False


def run_python(tmp_path, env_vars, *args):
    """Run ``python *args`` in BASE_DIR with only PATH, HOME and ``env_vars`` set."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "LINK_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **env_vars,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(tmp_path, **env_vars):
    return run_python(tmp_path, env_vars, "-c", LOAD_SETTINGS)


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_when_a_required_variable_is_unset(tmp_path, missing):
    if _dot_env_defines(missing):
        pytest.skip(f"{BASE_DIR / '.env'} sets {missing}, so it cannot be unset here")
    env_vars = {name: value for name, value in COMPLETE.items() if name != missing}

    result = load_settings(tmp_path, **env_vars)

    assert result.returncode != 0, result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.strip().splitlines()[-1], result.stderr


@pytest.mark.parametrize("empty", ["DJANGO_SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_when_a_required_variable_is_empty(tmp_path, empty):
    # An empty value also hides any value in .env (which never overrides the environment).
    result = load_settings(tmp_path, **{**COMPLETE, empty: ""})

    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert empty in last_line


def test_production_starts_and_passes_the_deploy_check_with_its_variables(tmp_path):
    loaded = load_settings(tmp_path, **COMPLETE)

    assert loaded.returncode == 0, loaded.stderr
    assert "DEBUG False" in loaded.stdout
    assert "ALLOWED_HOSTS ['link.example.org']" in loaded.stdout

    checked = run_python(
        tmp_path, COMPLETE, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    # Not one warning: HSTS, the https redirect, the key, the cookies, the CSP all pass.
    assert output.strip() == "System check identified no issues (0 silenced).", output
    assert SECRET not in output


@pytest.mark.parametrize(
    "weak",
    [
        pytest.param("abc", id="3 characters"),
        pytest.param(SECRET[:49], id="49 characters"),
        pytest.param("ab" * 40, id="2 different characters"),
        pytest.param("django-insecure-" + SECRET, id="made by startproject"),
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(tmp_path, weak):
    result = load_settings(tmp_path, **{**COMPLETE, "DJANGO_SECRET_KEY": weak})

    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert "DJANGO_SECRET_KEY" in last_line and "at least 50 characters" in last_line
    assert "secrets.token_urlsafe(50)" in last_line  # how to make a good one
    assert weak not in result.stderr


def test_a_secret_key_of_50_random_characters_is_accepted(tmp_path):
    loaded = load_settings(tmp_path, **{**COMPLETE, "DJANGO_SECRET_KEY": SECRET[:50]})

    assert loaded.returncode == 0, loaded.stderr


# --- HTTPS ------------------------------------------------------------------------------------

SHOW_HTTPS = """
import django

django.setup()
from django.test import Client

client = Client()
page = client.get("/cohorts/")
print("http page:", page.status_code, page.get("Location"))
health = client.get("/healthz")
print("http healthz:", health.status_code, health["Content-Type"])
secure = client.get("/healthz", secure=True)
print("https header:", secure.get("Strict-Transport-Security"))
"""


def show_https(tmp_path, **env_vars) -> list[str]:
    (tmp_path / "var").mkdir(exist_ok=True)
    env = {**COMPLETE, "ALLOWED_HOSTS": "testserver", **env_vars}
    result = run_python(tmp_path, env, "-c", SHOW_HTTPS)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-3:]


def test_production_redirects_to_https_and_sends_hsts_by_default(tmp_path):
    assert show_https(tmp_path) == [
        "http page: 301 https://testserver/cohorts/",
        # The container health check calls /healthz over plain http: never redirected.
        "http healthz: 200 application/json",
        "https header: max-age=31536000; includeSubDomains; preload",
    ]


def test_the_https_redirect_and_hsts_can_be_configured(tmp_path):
    assert show_https(
        tmp_path,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="300",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
    ) == [
        "http page: 302 /accounts/login/?next=/cohorts/",  # to sign in, over http
        "http healthz: 200 application/json",
        "https header: max-age=300",
    ]


def test_allowed_hosts_are_trimmed_and_blank_entries_dropped(tmp_path):
    loaded = load_settings(tmp_path, **{**COMPLETE, "ALLOWED_HOSTS": " a.example , b.example,"})

    assert loaded.returncode == 0, loaded.stderr
    assert "ALLOWED_HOSTS ['a.example', 'b.example']" in loaded.stdout

    blank = load_settings(tmp_path, **{**COMPLETE, "ALLOWED_HOSTS": " , "})
    assert blank.returncode != 0
    assert "ALLOWED_HOSTS" in blank.stderr.strip().splitlines()[-1]


def test_the_programme_rules_come_from_the_environment(tmp_path):
    show = (
        "import django; django.setup(); from cohorts import conf; "
        "print([conf.booking_closes_days(), int(conf.offer_duration().total_seconds()) // 3600, "
        "conf.nudge_after_days()])"
    )
    env = {
        **COMPLETE,
        "LINK_BOOKING_CLOSES_DAYS": "10",
        "LINK_OFFER_HOURS": "24",
        "LINK_NUDGE_AFTER_DAYS": "21",
    }

    result = run_python(tmp_path, env, "-c", show)

    assert result.returncode == 0, result.stderr
    assert "[10, 24, 21]" in result.stdout


SHOW_BASE_URL = (
    "import django; django.setup(); from django.conf import settings; "
    "print('LINK_BASE_URL', settings.LINK_BASE_URL)"
)


def test_make_run_links_to_the_host_and_port_it_serves_on(tmp_path):
    """`make run` serves on HOST:PORT (passed on as HOST and LINK_PORT); links in emails
    follow them unless LINK_BASE_URL says otherwise."""
    if _dot_env_defines("LINK_BASE_URL"):
        pytest.skip(f"{BASE_DIR / '.env'} sets LINK_BASE_URL, which rightly wins")
    local = {"DJANGO_SETTINGS_MODULE": "linkprog.settings.local"}

    served = run_python(
        tmp_path, {**local, "HOST": "127.0.0.1", "LINK_PORT": "8101"}, "-c", SHOW_BASE_URL
    )
    default = run_python(tmp_path, local, "-c", SHOW_BASE_URL)
    named = run_python(
        tmp_path,
        {**local, "LINK_PORT": "8101", "LINK_BASE_URL": "https://link.example.org/"},
        "-c",
        SHOW_BASE_URL,
    )

    for result in (served, default, named):
        assert result.returncode == 0, result.stderr
    assert "LINK_BASE_URL http://127.0.0.1:8101\n" in served.stdout
    assert "LINK_BASE_URL http://127.0.0.1:8000\n" in default.stdout
    assert "LINK_BASE_URL https://link.example.org\n" in named.stdout


def test_make_run_passes_its_host_and_port_to_everything_it_starts():
    """Every command of `make run` that may write a link (the demo data, the web server, the
    worker and beat) is given the address it serves on."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        [make, "-n", "run", "PORT=8101", "HOST=127.0.0.2"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    commands = [
        line for line in result.stdout.splitlines() if "seed_demo" in line or "honcho" in line
    ]
    assert len(commands) == 2, result.stdout
    for command in commands:
        assert "HOST=127.0.0.2 LINK_PORT=8101 " in command, command
