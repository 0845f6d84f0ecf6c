"""The dashboard and the register in Chromium, as a regional coordinator, at a desktop and a
phone width (issue 11, items 7 and 13): no sideways scrolling of the page (a wide table
scrolls in its own box), the region chart draws all three series, the register's columns
sort from their headers, and axe-core finds no serious or critical violation."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import CohortStatus, PlaceStatus
from schools.models import Region
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.browser

WIDTHS = ((1366, 900), (390, 844))


@pytest.fixture
def coordinator(live_server, page, client):  # noqa: F811
    """Signed in as Camden's coordinator, with a phase of MHST areas, cohorts and places."""
    camden = LocalAuthorityFactory(code="T41", name="Camden", region=Region.LONDON)
    area = MHSTAreaFactory(name="Camden and Islington MHST")
    area.local_authorities.add(camden)
    phase = PhaseFactory(name="Phase 2 (MHST areas, spring 2027)")
    phase.mhst_areas.add(area)
    running = CohortFactory(
        phase=phase, local_authority=camden, status=CohortStatus.RUNNING, name="Camden 1"
    )
    done = CohortFactory(
        phase=phase, local_authority=camden, status=CohortStatus.COMPLETED, name="Camden 2"
    )
    WorkshopFactory(cohort=running, day=2, date=timezone.localdate() + dt.timedelta(days=3))
    for n, postcode in enumerate(("NW1 1AA", "NW5 1UJ", "WC1H 9EG", "NW3 2AB")):
        school = EstablishmentFactory(
            la=camden, mhst_area=area, name=f"School {'DCBA'[n]}", postcode=postcode
        )
        if n == 0:
            PlaceFactory(cohort=running, establishment=school)
        if n == 1:
            PlaceFactory(
                cohort=done,
                establishment=school,
                status=PlaceStatus.COMPLETED,
                completed_on=dt.date(2026, 3, 3),
            )
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} is {width} px wide in a {viewport} px window"


def test_the_dashboard_at_desktop_and_phone_widths(coordinator):
    page, url = coordinator
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard for your areas")
        phases = page.get_by_role("region", name="Cohorts and places by rollout phase")
        expect(phases).to_contain_text("Phase 2 (MHST areas, spring 2027)")
        upcoming = page.get_by_role("region", name="Workshop days in the next 14 days")
        expect(upcoming).to_contain_text("Civic Centre")
        series = page.evaluate(
            "Chart.getChart(document.querySelector('canvas[data-chart]'))"
            ".data.datasets.map(d => d.label + ':' + d.data.join())"
        )
        assert series == ["Eligible:4", "Booked now:1", "Completed:1"]
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)


def test_the_register_sorts_from_its_headers_at_desktop_and_phone_widths(coordinator):
    page, url = coordinator
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/establishments/?q=school")
        names = page.locator("tbody th[scope=row]")
        expect(page.locator("th[aria-sort]")).to_have_count(1)
        expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Name")

        page.get_by_role("link", name="Postcode (sort by this column)").click()
        expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Postcode")
        expect(names).to_have_text(["School D", "School A", "School C", "School B"])  # NW1 … WC1H
        page.get_by_role("link", name="Postcode (sorted ascending; sort descending)").click()
        expect(page.locator("th[aria-sort=descending]")).to_contain_text("Postcode")
        expect(names).to_have_text(["School B", "School C", "School A", "School D"])
        assert "q=school" in page.url  # the search is kept

        page.get_by_role("button", name="Apply filters").click()  # the sort is kept
        expect(page.locator("th[aria-sort=descending]")).to_contain_text("Postcode")
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
