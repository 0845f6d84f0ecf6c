"""The evaluation report in Chromium: axe-core finds no serious or critical violation, with
figures shown and hidden, the charts drawn and the filters' error summary."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from evaluation.models import TimePoint
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.evaluation.test_reports import _respondents
from tests.schools.factories import LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser


def test_the_report_page_passes_axe(live_server, page, client):  # noqa: F811
    camden = LocalAuthorityFactory(name="Camden")
    _respondents(CohortFactory(local_authority=camden, name="Camden spring"), 6)
    _respondents(CohortFactory(local_authority=camden, name="Camden small"), 2)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto(f"{live_server.url}/evaluation/?time_a=baseline&time_b=post")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation reports")
    expect(page.get_by_role("cell", name="fewer than 5").first).to_be_visible()
    page.locator("details summary").filter(has_text="By question").click()
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("Compare from").select_option(TimePoint.POST.value)
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("link", name="Choose two different time points")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
