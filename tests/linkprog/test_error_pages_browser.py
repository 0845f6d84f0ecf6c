"""The error pages in Chromium: each says what happened and what to do next, with its
styles loaded, and axe-core finds no serious or critical violation on it."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)

pytestmark = pytest.mark.browser


def sign_in(page, live_server, client, user):  # noqa: F811
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def check(page, heading: str) -> None:  # noqa: F811
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("heading", level=2)).to_have_text("What you can do")
    # Bootstrap is loaded: its .btn-primary is not the browser's default button.
    button = page.locator("main .btn-primary")
    expect(button).to_have_css("background-color", "rgb(13, 110, 253)")
    assert_no_serious_accessibility_violations(page)


def test_not_allowed_and_not_found_pages_pass_axe(live_server, page, client):  # noqa: F811
    page.goto(f"{live_server.url}/no-such-page/")
    check(page, "Page not found")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    sign_in(page, live_server, client, user_with_role(Role.FACILITATOR))
    page.goto(f"{live_server.url}/cohorts/{CohortFactory().pk}/edit/")
    check(page, "You do not have permission to do this")
    page.get_by_role("link", name="Go to your dashboard").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(
        "You do not have permission to do this"
    )


def test_a_refused_form_page_passes_axe(live_server, page):  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    page.context.clear_cookies()  # as when a browser blocks them, or the page grew old
    page.get_by_label("Username").fill("someone")
    page.get_by_label("Password").fill("a-password")
    page.get_by_role("button", name="Sign in").click()

    check(page, "Your form was not sent")


def test_the_server_error_page_passes_axe(live_server, page, client, failing_dashboard):  # noqa: F811
    sign_in(page, live_server, client, user_with_role(Role.NATIONAL_ADMIN))

    response = page.goto(f"{live_server.url}/")

    assert response.status == 500
    check(page, "Sorry, something went wrong")
