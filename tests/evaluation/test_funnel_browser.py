"""The programme funnel and the change chart with its confidence intervals in Chromium, at
1366 and 390 wide: axe-core finds nothing serious, the charts hold the table's figures and
the intervals, and no page scrolls sideways. Screenshots go to $LINK_SHOTS when set."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.evaluation.test_funnel import _area
from tests.linkprog.test_dashboard_browser import WIDTHS, assert_no_sideways_scroll
from tests.schools.factories import LocalAuthorityFactory, MHSTAreaFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser

INTERVALS = (
    "(() => { const c = Chart.getChart(document.querySelector('canvas[data-chart=\"ID\"]'));"
    " return c.data.datasets.map(d => [d.data, d.intervals || null]); })()"
)


def _shot(browser_page, name: str, width: int) -> None:
    if folder := os.environ.get("LINK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=f"{folder}/evidence-{name}-{width}.png", full_page=True)


@pytest.fixture
def signed_in(live_server, page, client):  # noqa: F811
    camden = LocalAuthorityFactory(name="Camden", code="T01")
    area = MHSTAreaFactory(name="Camden MHST")
    _area(camden, booked=9, attended=7, responded=7, eligible_extra=30, area=area)
    _area(camden, booked=4, attended=2, responded=2, eligible_extra=5)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url


def test_the_funnel_page_at_desktop_and_phone_widths(signed_in):
    browser_page, url = signed_in
    for width, height in WIDTHS:
        browser_page.set_viewport_size({"width": width, "height": height})
        browser_page.goto(f"{url}/evaluation/funnel/")
        expect(browser_page.get_by_role("heading", level=1)).to_have_text("Programme funnel")
        expect(browser_page.get_by_role("cell", name="fewer than 5").first).to_be_visible()
        [(funnel, _)] = browser_page.evaluate(INTERVALS.replace("ID", "chart-funnel"))
        assert funnel[:4] == [50, 15, 13, 9]
        assert funnel[4] in (7, 9) and funnel[5] == 0  # the small cohort's 2 count as 0 or 2
        [(values, intervals)] = browser_page.evaluate(
            INTERVALS.replace("ID", "chart-funnel-change")
        )
        assert values == [1.571]  # 7 pairs: 2 -> 4 four times, 2 -> 3 three times
        assert intervals[0][0] < 1.571 < intervals[0][1]
        assert_no_sideways_scroll(browser_page)
        assert_no_serious_accessibility_violations(browser_page)
        _shot(browser_page, "funnel", width)


def test_the_change_chart_draws_each_outcomes_interval(signed_in):
    browser_page, url = signed_in
    for width, height in WIDTHS:
        browser_page.set_viewport_size({"width": width, "height": height})
        browser_page.goto(f"{url}/evaluation/")
        [(values, intervals)] = browser_page.evaluate(INTERVALS.replace("ID", "chart-change"))
        assert values == [1.571]
        low, high = intervals[0]
        assert 0 < low < 1.571 < high
        note = browser_page.get_by_text("scores 1 for “not at all”")
        expect(note).to_be_hidden()
        browser_page.locator("details summary").filter(has_text="How these figures").click()
        expect(note).to_be_visible()
        assert_no_sideways_scroll(browser_page)
        assert_no_serious_accessibility_violations(browser_page)
        _shot(browser_page, "report-change", width)
