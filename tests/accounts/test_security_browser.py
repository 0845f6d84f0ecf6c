"""The password reset and lockout pages in Chromium, with axe-core's checks.

Uses the browser fixture and the axe-core assertion of tests/test_browser.py.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)

pytestmark = pytest.mark.browser

PASSWORD = "a-browser-test-password"


def test_the_password_reset_request_page_passes_axe(live_server, page, django_user_model):
    django_user_model.objects.create_user(
        username="coordinator", email="coordinator@example.org", password=PASSWORD
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address.")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("Email").fill("coordinator@example.org")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert len(mail.outbox) == 1
    assert_no_serious_accessibility_violations(page)


def test_the_lockout_page_passes_axe(live_server, page, settings):
    settings.AXES_ENABLED = True  # as in every real environment (off for the test client)
    page.goto(f"{live_server.url}/accounts/login/")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("someone")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(page.get_by_role("link", name="reset your password")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
