"""The rollout pages in Chromium at a desktop and a phone width (issue 13, items 1 and 5):
the rollout page draws its chart by term beside its table, the phase form and the term
dates page work by keyboard and mouse, no page scrolls sideways, and axe-core finds no
serious or critical violation. Screenshots go to $LINK_SHOTS_DIR when it is set."""

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import CohortStatus, Phase, PlaceStatus
from schools.models import Region
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.linkprog.test_dashboard_browser import assert_no_sideways_scroll
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.browser

WIDTHS = ((1366, 900), (390, 844))
SAMPLE = Path(__file__).parent / "data" / "term_dates_staffordshire_2025_26.csv"


def shot(page, name: str, width: int) -> None:
    folder = os.environ.get("LINK_SHOTS_DIR")
    if folder:
        page.screenshot(path=f"{folder}/rollout-{name}-{width}.png", full_page=True)


@pytest.fixture
def national(live_server, page, client, settings):  # noqa: F811
    """Signed in as a national admin, with two phases, MHST areas first, schools and cohorts."""
    settings.LINK_PROGRAMME_START = "2026-09-01"
    camden = LocalAuthorityFactory(code="T41", name="Camden", region=Region.LONDON)
    LocalAuthorityFactory(code="860", name="Staffordshire", region=Region.WEST_MIDLANDS)
    area = MHSTAreaFactory(name="Camden and Islington MHST")
    area.local_authorities.add(camden)
    one = PhaseFactory(
        name="Year 1, autumn 2026: MHST areas",
        start_date=dt.date(2026, 9, 1),
        end_date=dt.date(2026, 12, 18),
    )
    one.mhst_areas.add(area)
    two = PhaseFactory(
        name="Year 1, spring 2027", start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 3, 26)
    )
    two.local_authorities.add(camden)
    schools = [EstablishmentFactory(la=camden, mhst_area=area) for _ in range(30)]
    schools += [EstablishmentFactory(la=camden) for _ in range(12)]
    done = CohortFactory(
        phase=one, local_authority=camden, mhst_area=area, status=CohortStatus.COMPLETED
    )
    WorkshopFactory(cohort=done, day=1, date=dt.date(2026, 10, 6))
    for school in schools[:8]:
        PlaceFactory(
            cohort=done,
            establishment=school,
            status=PlaceStatus.COMPLETED,
            completed_on=dt.date(2026, 11, 17),
        )
    CohortFactory(phase=one, local_authority=camden, mhst_area=area, status=CohortStatus.OPEN)
    CohortFactory(phase=two, local_authority=camden)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url


def test_the_rollout_page_at_desktop_and_phone_widths(national):
    page, url = national
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/cohorts/rollout/")
        expect(page.get_by_role("heading", level=1)).to_have_text("The rollout")
        series = page.evaluate(
            "Chart.getChart(document.querySelector('canvas[data-chart]'))"
            ".data.datasets.map(d => d.label + ':' + d.data.slice(0, 3).join())"
        )
        assert series == ["Cohorts planned:2,1,0", "Open for booking:1,0,0", "Delivered:1,0,0"]
        table = page.get_by_role("region", name="Schools and cohorts of Year 1, autumn 2026")
        expect(table.locator("tbody th").first).to_contain_text("Camden and Islington MHST")
        expect(
            page.get_by_text("schools through the programme, of a target of 22,000")
        ).to_be_visible()
        if width > 768:  # on a phone the menu is folded away
            rollout = page.get_by_role("link", name="Rollout", exact=True)
            expect(rollout).to_have_attribute("aria-current", "page")
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
        shot(page, "page", width)


def test_the_phase_form_at_desktop_and_phone_widths(national):
    page, url = national
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/cohorts/rollout/")
        page.get_by_role("link", name="New phase").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("New rollout phase")
        page.get_by_label("Name").fill(f"Year 2 at {width}")
        page.get_by_label("Starts").fill("2027-09-01")
        page.get_by_label("Ends").fill("2027-08-01")  # before it starts
        page.get_by_role("button", name="Save the phase").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("The phase must end on or after the day it starts.")
        expect(summary).to_contain_text("Choose the MHST areas or local authorities")
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
        shot(page, "phase-form-error", width)

        page.get_by_label("Ends").fill("2027-12-17")
        page.get_by_label("Staffordshire").check()
        page.get_by_role("button", name="Save the phase").click()
        expect(page.get_by_role("status")).to_contain_text(f"Year 2 at {width} is saved.")
        phase = Phase.objects.get(name=f"Year 2 at {width}")
        assert [la.name for la in phase.local_authorities.all()] == ["Staffordshire"]
        page.get_by_role("link", name=f"Edit Year 2 at {width}").click()
        expect(page.get_by_label("Staffordshire")).to_be_checked()
        assert_no_serious_accessibility_violations(page)
        shot(page, "phase-form", width)


def test_the_term_dates_page_at_desktop_and_phone_widths(national):
    page, url = national
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{url}/cohorts/rollout/term-dates/")
        expect(page.get_by_role("heading", level=1)).to_have_text("LA term dates")
        page.get_by_label("Local authority").select_option(label="Staffordshire (860)")
        page.get_by_label("Term dates (CSV)").set_input_files(str(SAMPLE))
        page.get_by_role("button", name="Load the term dates").click()
        expect(page.get_by_role("status")).to_contain_text("Staffordshire: 6 terms loaded")
        expect(page.get_by_role("region", name="Term dates loaded")).to_contain_text("2 Sep 2025")
        assert_no_sideways_scroll(page)
        assert_no_serious_accessibility_violations(page)
        shot(page, "term-dates", width)
