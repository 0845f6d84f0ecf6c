"""Plan, set up and open the four cohorts of one area in Chromium (issue 13, item 4): the
target is at most 8 form submissions from the accepted plan to four cohorts open for
booking. axe-core finds no serious or critical violation on the set-up table and the CSV
import, at 1366 and 390 wide. Screenshots go to $LINK_SHOTS when it is set."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser

WIDTHS = {"1366": (1366, 900), "390": (390, 844)}
#: The issue's target: from the accepted plan to four cohorts open, at most this many.
MOST_SUBMISSIONS = 8


def shot(page, name):  # noqa: F811
    if folder := os.environ.get("LINK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/bulk-{name}.png", full_page=True)


def fits(page):  # noqa: F811
    """Nothing on the page is wider than the window (the table stacks on a phone)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.fixture
def camden(live_server, page, client, clock):  # noqa: F811
    """Signed in as Camden's coordinator; a phase covering Camden, with 20 schools."""
    camden = LocalAuthorityFactory(name="Camden")
    phase = PhaseFactory(name="Year 1, spring 2026")
    phase.local_authorities.set([camden])
    for n in range(20):
        EstablishmentFactory(la=camden, name=f"School {n:02}", postcode=f"NW{n % 4 + 1} {n}AA")
    user_with_role(Role.FACILITATOR, username="fran")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, phase, camden


def count_submissions(page):  # noqa: F811
    """Every form the browser submits (a page requested by POST, or by a form's GET)."""
    submitted = []
    page.on(
        "request",
        lambda request: (
            submitted.append(request.url)
            if request.is_navigation_request() and request.method == "POST"
            else None
        ),
    )
    return submitted


def test_plan_set_up_and_open_four_cohorts_in_at_most_8_submissions(camden, capsys):
    page, url, phase, area = camden  # noqa: F811
    page.goto(f"{url}/cohorts/plan/?phase={phase.pk}&area=la-{area.pk}&size=5")
    expect(page.get_by_role("group", name="Cohort 4: 5 schools")).to_be_visible()
    submitted = count_submissions(page)

    page.get_by_role("button", name="Create these cohorts").click()  # the plan is accepted
    expect(page.get_by_role("heading", level=1)).to_contain_text("Set up cohorts in Camden")
    planned = list(Cohort.objects.order_by("name"))
    assert len(planned) == 4

    # One row's dates; its venue, times and facilitator copied to the others; then dates.
    for n, cohort in enumerate(planned):
        page.get_by_label(f"{cohort.name}: Workshop 1").fill(f"2026-03-0{n + 2}")
        page.get_by_label(f"{cohort.name}: Workshop 2").fill(f"2026-04-1{n + 3}")
    first = planned[0].name
    page.get_by_label(f"{first}: Venue", exact=True).fill("Crowndale Centre")
    page.get_by_label(f"{first}: Venue address").fill("218 Eversholt Street, London NW1 1BD")
    page.get_by_label(f"{first}: Facilitators (logins)").fill("fran")
    copy = f"Copy to every row the times, venue and facilitators of {first}"
    page.get_by_role("button", name=copy).click()
    expect(page.get_by_text("Nothing is saved yet")).to_be_visible()
    for cohort in planned:
        expect(page.get_by_label(f"{cohort.name}: Venue", exact=True)).to_have_value(
            "Crowndale Centre"
        )
        page.get_by_label(f"{cohort.name}: Open for booking").check()
    page.get_by_role("button", name="Save the table").click()
    expect(page.get_by_text("4 cohorts set up. Open for booking")).to_be_visible()

    opened = Cohort.objects.filter(status=CohortStatus.OPEN, facilitators__username="fran")
    assert opened.count() == 4
    assert len(submitted) <= MOST_SUBMISSIONS
    with capsys.disabled():
        print(f"\nFrom the accepted plan to 4 cohorts open: {len(submitted)} submissions")
    assert len(submitted) == 3  # accept, copy, save


@pytest.mark.parametrize("width", WIDTHS)
def test_the_set_up_table_and_import_pass_axe(camden, width):
    page, url, phase, area = camden  # noqa: F811
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    for n in range(4):
        Cohort.objects.create(phase=phase, local_authority=area, name=f"Camden {n + 1}")
    page.goto(f"{url}/cohorts/")
    page.get_by_role("link", name="Set up many cohorts").click()
    page.get_by_label("Phase").select_option(label=phase.name)
    page.get_by_label("Area").select_option(label="Camden")
    page.get_by_role("button", name="Show the cohorts").click()
    expect(page.get_by_role("table")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"table-{width}")

    # A Saturday with no reason: the error summary, focused, names the row.
    page.get_by_label("Camden 1: Workshop 1").fill("2026-03-07")
    page.get_by_label("Camden 1: Workshop 2").fill("2026-04-13")
    for n in range(2, 5):
        page.get_by_label(f"Camden {n}: Workshop 1").fill("2026-03-02")
        page.get_by_label(f"Camden {n}: Workshop 2").fill("2026-04-13")
    page.get_by_role("button", name="Save the table").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Row 1, Camden 1: Saturday 7 March 2026 is a Saturday")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"table-errors-{width}")

    page.get_by_role("link", name="Import the set-up of many cohorts from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the set-up of cohorts")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "set-up.csv",
                "mimeType": "text/csv",
                "buffer": b"cohort,workshop_1_date,workshop_2_date,start_time,end_time,"
                b"venue_name,venue_address,facilitators\n999999,2026-03-02,2026-04-13,09:30,"
                b"16:00,Hall,Street,\n",
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("table")).to_contain_text("No cohort in your areas")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"import-{width}")
