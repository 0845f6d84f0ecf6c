"""Signing in with a real browser: labelled fields, the keyboard, and axe-core's checks.

Drives Debian's Chromium (or $LINK_CHROMIUM) through Playwright against pytest-django's
live server; Playwright's own browser downloads are never used.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from accounts.models import Role
from accounts.services import user_assign_role
from schools.models import Region, TypeGroup
from tests.accounts.factories import UserFactory
from tests.conftest import assert_no_csp_violations, watch_csp_violations
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

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
            browser_page = context.new_page()
            violations = watch_csp_violations(browser_page)
            yield browser_page
            assert_no_csp_violations(violations)
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


def test_a_coordinator_signs_in_and_both_pages_pass_axe(live_server, page):
    user = UserFactory(username=USERNAME, password=PASSWORD)
    user_assign_role(user=user, role=Role.REGIONAL_COORDINATOR, regions=[Region.LONDON])

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Sign in to {settings.LINK_SHORT_NAME}"
    )
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name="Dashboard for your areas")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {USERNAME}")).to_be_visible()
    assert_no_serious_accessibility_violations(page)


def test_the_first_tab_on_the_home_page_reaches_the_skip_link(live_server, page, admin_client):
    # Reuse the session of pytest-django's signed-in admin client in the browser.
    session_cookie = admin_client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": session_cookie.key, "value": session_cookie.value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1, name="National dashboard")).to_be_visible()

    page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()  # shown when focused, though visually hidden until then

    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_a_coordinator_filters_exports_and_opens_an_establishment(live_server, page, tmp_path):
    camden = LocalAuthorityFactory(code="T01", name="Camden", region=Region.LONDON)
    leeds = LocalAuthorityFactory(code="T02", name="Leeds", region=Region.YORKSHIRE)
    EstablishmentFactory(urn=100008, name="Argyle Primary School", la=camden)
    EstablishmentFactory(
        urn=100054,
        name="The Camden School for Girls",
        la=camden,
        type_code=2,
        type_group=TypeGroup.LA_MAINTAINED,
    )
    EstablishmentFactory(
        urn=140000, name="Camden Academy", la=camden, type_code=34, type_group=TypeGroup.ACADEMIES
    )
    EstablishmentFactory(urn=107000, name="Leeds Camden Primary", la=leeds)  # out of scope
    user = UserFactory(username=USERNAME, password=PASSWORD)
    user_assign_role(user=user, role=Role.REGIONAL_COORDINATOR, local_authorities=[camden])

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert_no_serious_accessibility_violations(page)  # the dashboard

    page.get_by_role("link", name="Establishments").click()
    expect(page.get_by_role("heading", level=1, name="Establishments")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    page.get_by_label("Name, URN or postcode").fill("camden")
    page.get_by_label("Type group").select_option(label="Local authority maintained schools")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("status")).to_contain_text("1 establishment found")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("The Camden School for Girls")
    assert_no_serious_accessibility_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    exported = tmp_path / "export.csv"
    download_info.value.save_as(exported)
    lines = exported.read_text().splitlines()
    assert lines[0].startswith("URN,Name,")
    assert [line.split(",")[0] for line in lines[1:]] == ["100054"]

    page.get_by_role("link", name="The Camden School for Girls").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Camden School for Girls")
    expect(page.get_by_text("URN 100054")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
