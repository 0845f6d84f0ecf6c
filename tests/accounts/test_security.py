"""Account security: password reset by email, lockout, session expiry and the admin's door.

django-axes is switched on for every test here, as it is in every real environment; the test
settings switch it off for the rest of the suite (see linkprog/settings/test.py and the last
tests below for why).
"""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from axes.exceptions import AxesBackendRequestParameterRequired
from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "an-old-password-for-tests"
NEW_PASSWORD = "a-brand-new-password-4-tests"
LOGIN = reverse("login")
RESET = reverse("password_reset")
RESET_DONE = reverse("password_reset_done")
OTHER_ADDRESS = "192.0.2.10"  # TEST-NET-1: an office elsewhere
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def axes_enabled(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="known-user", email="known.user@example.org", password=PASSWORD
    )


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail_to_sign_in(client, username, times, **extra):
    return [sign_in(client, username, "not-the-password", **extra) for _ in range(times)]


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def without_csrf_token(response) -> str:
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


# --- Password reset by email -------------------------------------------------------------------


def test_the_sign_in_page_links_to_password_reset(client):
    page = client.get(LOGIN).content.decode()

    assert f'<a href="{RESET}">Forgotten your password?</a>' in page


def test_the_emailed_link_sets_a_new_password_that_then_signs_in(client, user):
    response = client.post(RESET, {"email": "Known.User@example.org"})

    assert response.status_code == 302
    assert response.url == RESET_DONE
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["known.user@example.org"]
    assert email.subject == f"Reset your {settings.LINK_SHORT_NAME} password"
    assert email.alternatives == []  # plain text only
    assert "The link works once, within 1 hour." in email.body
    links = re.findall(r"http://testserver/accounts/password-reset/[^/\s]+/[^/\s]+/", email.body)
    assert len(links) == 1

    # Django swaps the token in the URL for one in the session, then shows the form.
    form_page = client.get(links[0], follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert b"Choose a new password" in form_page.content
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert set_password.status_code == 302
    assert set_password.url == reverse("password_reset_complete")
    assert not signed_in(client)  # the user signs in themselves, with the new password

    assert sign_in(client, "known-user", PASSWORD).status_code == 200
    assert not signed_in(client)
    signed = sign_in(client, "known-user", NEW_PASSWORD)
    assert signed.status_code == 302
    assert signed.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)

    # The link was for one use only.
    client.logout()
    used_again = client.get(links[0], follow=True)
    assert used_again.context["validlink"] is False
    assert b"This link no longer works" in used_again.content


def test_setting_a_new_password_by_email_lifts_a_lockout(client, user):
    fail_to_sign_in(client, "known-user", 5)
    assert sign_in(client, "known-user", PASSWORD).status_code == 429

    client.post(RESET, {"email": "known.user@example.org"})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    signed = sign_in(client, "known-user", NEW_PASSWORD)
    assert signed.status_code == 302
    assert signed_in(client)


def test_successful_sign_ins_are_not_stored(client, user):
    from axes.models import AccessLog

    assert sign_in(client, "known-user", PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()


def test_the_reset_answer_is_the_same_for_a_known_and_an_unknown_address(
    client, user, django_user_model
):
    django_user_model.objects.create_user(
        username="gone", email="gone@example.org", password=PASSWORD, is_active=False
    )

    known = client.post(RESET, {"email": "known.user@example.org"}, follow=True)
    sent = len(mail.outbox)
    unknown = client.post(RESET, {"email": "unknown.user@example.org"}, follow=True)
    inactive = client.post(RESET, {"email": "gone@example.org"}, follow=True)

    assert sent == 1
    assert len(mail.outbox) == 1  # nothing for an unknown address or an inactive account
    for other in (unknown, inactive):
        assert other.redirect_chain == known.redirect_chain == [(RESET_DONE, 302)]
        assert other.status_code == known.status_code == 200
        assert other.content == known.content
    assert b"Check your email" in known.content


def test_a_reset_request_with_a_bad_address_shows_one_summary_linked_to_the_field(client):
    response = client.post(RESET, {"email": "not an address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reset your password" in page
    assert page.count("There is a problem") == 1
    assert '<a class="alert-link" href="#id_email">Enter a valid email address.</a>' in page
    assert 'aria-invalid="true"' in page
    assert len(mail.outbox) == 0


def test_new_passwords_that_differ_are_refused_with_the_summary(client, user):
    client.post(RESET, {"email": user.email})
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url

    response = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("There is a problem") == 1
    assert 'href="#id_new_password2"' in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Sign-in gives nothing away ----------------------------------------------------------------


def test_a_failed_sign_in_reads_the_same_for_an_unknown_name_a_wrong_password_or_inactive(
    client, user, django_user_model
):
    django_user_model.objects.create_user(username="inactive-u", password=PASSWORD, is_active=False)

    # Usernames of the same length, so that the pages differ only if the message does.
    wrong_password = sign_in(client, "known-user", "not-the-password")
    unknown_user = sign_in(client, "nobody-xyz", "not-the-password")
    inactive = sign_in(client, "inactive-u", PASSWORD)

    pages = [
        without_csrf_token(r).replace(name, "NAME")
        for r, name in [
            (wrong_password, "known-user"),
            (unknown_user, "nobody-xyz"),
            (inactive, "inactive-u"),
        ]
    ]
    assert wrong_password.status_code == unknown_user.status_code == inactive.status_code == 200
    assert pages[0] == pages[1] == pages[2]
    assert "The username and password did not match." in pages[0]
    assert not signed_in(client)


# --- Lockout -----------------------------------------------------------------------------------


def test_the_fifth_failure_locks_the_username_out_even_with_the_right_password(client, user):
    *first_four, fifth = fail_to_sign_in(client, "known-user", 5)

    assert [r.status_code for r in first_four] == [200] * 4
    assert fifth.status_code == 429
    assert "registration/lockout.html" in [t.name for t in fifth.templates]
    right_password = sign_in(client, "known-user", PASSWORD)
    assert right_password.status_code == 429
    assert not signed_in(client)


def test_the_lockout_page_offers_a_reset_and_names_no_one(client, user):
    locked = fail_to_sign_in(client, "known-user", 5)[-1]

    page = locked.content.decode()
    assert "<h1" in page and "Sign-in paused" in page
    assert "Try again later." in page
    assert f'href="{RESET}"' in page
    assert "known-user" not in page
    assert "your account" not in page.lower()


def test_a_lockout_reads_the_same_for_an_unknown_username(client, user):
    # Same length as "known-user", so the pages could differ only by what they say.
    known = fail_to_sign_in(client, "known-user", 5)[-1]
    unknown = fail_to_sign_in(client, "nobody-xyz", 5)[-1]

    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content


def test_the_lockout_holds_one_username_at_one_address_only(client, user, django_user_model):
    django_user_model.objects.create_user(username="colleague", password=PASSWORD)
    fail_to_sign_in(client, "known-user", 5)

    colleague = sign_in(client, "colleague", PASSWORD)  # same office, other name
    assert colleague.status_code == 302
    client.logout()
    elsewhere = sign_in(client, "known-user", PASSWORD, REMOTE_ADDR=OTHER_ADDRESS)
    assert elsewhere.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_the_lockout_lifts_after_an_hour(client, user):
    with time_machine.travel(START, tick=False) as clock:
        fail_to_sign_in(client, "known-user", 5)

        clock.shift(timedelta(minutes=59))
        assert sign_in(client, "known-user", PASSWORD).status_code == 429

        # That attempt during the lockout started the hour again.
        clock.shift(timedelta(minutes=61))
        assert sign_in(client, "known-user", PASSWORD).status_code == 302
        assert signed_in(client)


def test_a_successful_sign_in_clears_earlier_failures(client, user):
    fail_to_sign_in(client, "known-user", 4)
    assert sign_in(client, "known-user", PASSWORD).status_code == 302
    client.logout()

    responses = fail_to_sign_in(client, "known-user", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert sign_in(client, "known-user", PASSWORD).status_code == 302


def test_the_admin_sign_in_page_locks_out_too(client, user):
    admin_login = reverse("admin:login")
    responses = [
        client.post(admin_login, {"username": "known-user", "password": "wrong"}) for _ in range(5)
    ]

    assert [r.status_code for r in responses] == [200] * 4 + [429]


# --- Sessions ----------------------------------------------------------------------------------


def test_a_session_ends_after_eight_hours(client, user):
    home = reverse("home")
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)

        clock.shift(timedelta(hours=8) - timedelta(minutes=1))
        assert client.get(home).status_code == 200

        clock.shift(timedelta(minutes=2))
        expired = client.get(home)

    assert expired.status_code == 302
    assert expired.url == f"{LOGIN}?next={home}"


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client, user):
    response = sign_in(client, "known-user", PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


# --- The admin ---------------------------------------------------------------------------------


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_sign_in(client, user):
    client.force_login(user)

    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)

        assert response.status_code == 302
        assert response.url == f"{reverse('admin:login')}?next={url}"


def test_a_staff_user_gets_into_the_admin(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert response.context["user"] == user


# --- Settings ----------------------------------------------------------------------------------

PRINT_SECURITY_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.AXES_ENABLED, settings.AUTHENTICATION_BACKENDS[0], settings.MIDDLEWARE[-1], "
    "settings.AXES_LOCKOUT_PARAMETERS, settings.AXES_FAILURE_LIMIT, "
    "int(settings.AXES_COOLOFF_TIME.total_seconds()), settings.SESSION_COOKIE_AGE, "
    "settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, settings.SESSION_COOKIE_HTTPONLY, "
    "settings.PASSWORD_RESET_TIMEOUT, sep='|')"
)
SECURITY_VARIABLES = [
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "PASSWORD_RESET_TIMEOUT",
]


def production_security_settings(tmp_path, **env_vars) -> list[str]:
    """The production settings' security values, loaded as a server would load them."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "linkprog.settings.production",
        "DJANGO_SECRET_KEY": "a-long-random-secret-for-this-test-only-9d8c7b6a5f4e3d2c1b0a",
        "ALLOWED_HOSTS": "link.example.org",
        "EMAIL_URL": "smtp://mail.example.org:25",
        "LINK_VAR_DIR": str(tmp_path / "var"),
        **env_vars,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SECURITY_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_production_keeps_axes_on_with_these_defaults(tmp_path):
    dot_env = BASE_DIR / ".env"
    if dot_env.exists() and any(
        re.search(rf"^\s*(export\s+)?{name}\s*=", dot_env.read_text(), re.MULTILINE)
        for name in SECURITY_VARIABLES
    ):
        pytest.skip(f"{dot_env} sets one of {SECURITY_VARIABLES}, so defaults cannot be seen")

    assert production_security_settings(tmp_path) == [
        "True",
        "axes.backends.AxesStandaloneBackend",
        "axes.middleware.AxesMiddleware",
        "[['username', 'ip_address']]",
        "5",
        str(60 * 60),
        str(8 * 60 * 60),
        "True",
        "True",
        str(60 * 60),
    ]


def test_the_limits_come_from_the_environment(tmp_path):
    values = production_security_settings(
        tmp_path,
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="15",
        SESSION_COOKIE_AGE="3600",
        SESSION_EXPIRE_AT_BROWSER_CLOSE="false",
        PASSWORD_RESET_TIMEOUT="1800",
    )

    assert values[4:8] == ["3", str(15 * 60), "3600", "False"]
    assert values[9] == "1800"


def test_the_rest_of_the_suite_runs_with_axes_off_because_client_login_has_no_request(
    client, user, settings
):
    from linkprog.settings import test as test_settings

    assert test_settings.AXES_ENABLED is False
    # With axes on, the test client's login() and a bare authenticate() fail outright...
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="known-user", password=PASSWORD)
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="known-user", password=PASSWORD)
    # ...while force_login() works either way,
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    # and with the suite's setting they work.
    settings.AXES_ENABLED = test_settings.AXES_ENABLED
    assert authenticate(username="known-user", password=PASSWORD) == user
    assert client.login(username="known-user", password=PASSWORD)
