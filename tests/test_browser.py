"""Signing in with a real browser: labelled fields, the keyboard, and axe-core's checks.

Drives Debian's Chromium (or $LINK_CHROMIUM) through Playwright against pytest-django's
live server; Playwright's own browser downloads are never used.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
USERNAME = "coordinator"
PASSWORD = "a-browser-test-password"


@pytest.fixture
def page(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; without this, Django refuses
    # the ORM calls the test makes while the browser is open.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-GB")
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()
            # While Playwright's loop runs, asgiref keys Django's connections to the loop's
            # context, so ORM calls made meanwhile opened connections of their own. Close them
            # here, inside that context, or they outlive the test and block the test database's
            # teardown.
            connections.close_all()


def assert_no_serious_accessibility_violations(page):
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(
            f"    {node['target']}: {node['html']}\n      {node.get('failureSummary', '')}"
            for node in v["nodes"]
        )
        for v in blocking
    )
    assert not blocking, f"axe-core found on {page.url}:\n{report}"


def test_a_staff_user_signs_in_and_both_pages_pass_axe(live_server, page, django_user_model):
    django_user_model.objects.create_user(username=USERNAME, password=PASSWORD, is_staff=True)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Sign in to {settings.LINK_SHORT_NAME}"
    )
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name=settings.LINK_PROGRAMME_NAME)).to_be_visible()
    expect(page.get_by_text(f"Signed in as {USERNAME}")).to_be_visible()
    assert_no_serious_accessibility_violations(page)


def test_the_first_tab_on_the_home_page_reaches_the_skip_link(live_server, page, admin_client):
    # Reuse the session of pytest-django's signed-in admin client in the browser.
    session_cookie = admin_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": session_cookie.key, "value": session_cookie.value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name=settings.LINK_PROGRAMME_NAME)).to_be_visible()

    page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # shown when focused, though visually hidden until then

    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()
