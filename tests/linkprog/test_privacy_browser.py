"""The privacy pages in Chromium at a desktop and a phone width (issue 16): the retention
preview, and a subject access search with its erasure; axe-core finds nothing serious, the
page never scrolls sideways. Screenshots go to PRIVACY_SHOTS when it is set."""

import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus, Place
from core.privacy import FORMER_ATTENDEE
from evaluation.seed import seed_questionnaires
from tests.accounts.factories import user_with_role
from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)

pytestmark = pytest.mark.browser

WIDTHS = ((1366, 900), (390, 844))


def _shot(page, name: str) -> None:  # noqa: F811
    folder = os.environ.get("PRIVACY_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"privacy-{name}.png"), full_page=True)


@pytest.fixture
def admin(live_server, page, client, settings, stub_outbox_broker):  # noqa: F811
    settings.DEBUG = True
    seed_questionnaires(apps)  # an earlier live-server test may have flushed them
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, "nat"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url


def assert_no_sideways_scroll(page) -> None:  # noqa: F811
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{page.url} is {width} px wide"


def test_the_retention_preview(admin):
    page, url = admin
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/privacy/retention/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Retention of personal data")
        table = page.get_by_role("table", name="What the next run would change")
        expect(table).to_contain_text("Access needs")
        expect(table).to_contain_text("Survey invitations' link to the person")
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
        _shot(page, f"retention-{width}")


def test_a_subject_access_search_and_erasure(admin):
    page, url = admin
    delivered = Cohort.objects.get(status=CohortStatus.COMPLETED)
    place = delivered.places.filter(participant__survey_invitations__isnull=False).first()
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/privacy/subject-access/")
        page.get_by_label("Email address").fill(place.attendee_email)
        page.get_by_role("button", name="Find").click()
        expect(page.get_by_role("status")).to_contain_text("about " + place.attendee_email)
        expect(page.get_by_role("heading", name="Places (1)")).to_be_visible()
        expect(page.get_by_role("heading", name="Survey invitations (3)")).to_be_visible()
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
        _shot(page, f"subject-{width}")
    page.get_by_role("button", name="Erase everything").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_contain_text("Tick the box")
    page.get_by_label("I have checked who is asking").check()
    page.get_by_role("button", name="Erase everything").click()
    expect(page.get_by_text("records anonymised")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    _shot(page, "subject-erased-390")
    assert Place.objects.get(pk=place.pk).attendee_name == FORMER_ATTENDEE
