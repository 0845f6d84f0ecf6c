"""A coordinator cancels a place and moves one in Chromium, at desktop and phone widths: the
confirmation asks why, the move page puts the school's own area first and asks before a move
elsewhere; axe-core finds no serious or critical violation and nothing scrolls sideways
(issue 11, item 9). Screenshots go to $LINK_SHOTS when it is set, for a person to judge."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import PlaceStatus
from cohorts.services.places import Attendee, place_book
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser

ATTENDEE = Attendee(name="Sam Lead", role="Senior mental health lead", email="sam@school.example")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shot(page, name):  # noqa: F811
    """Save a full-page screenshot under $LINK_SHOTS, if set."""
    if folder := os.environ.get("LINK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def fits(page):  # noqa: F811
    """Nothing on the page is wider than the window."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.fixture
def signed_in(live_server, page, client, clock):  # noqa: F811
    """Signed in as the coordinator for Camden and Islington, with a Camden cohort: Hill
    Primary booked, Vale School waiting; and open cohorts in Camden and Islington."""
    camden, islington = (
        LocalAuthorityFactory(name="Camden"),
        LocalAuthorityFactory(name="Islington"),
    )
    year_1 = PhaseFactory(name="Year 1, spring 2026")
    cohort = make_open_cohort(
        local_authority=camden, phase=year_1, name="Camden spring", capacity=1
    )
    places = [
        place_book(
            establishment=EstablishmentFactory(la=camden, name=name),
            cohort=cohort,
            attendee=ATTENDEE,
        )
        for name in ("Hill Primary", "Vale School")
    ]
    make_open_cohort(
        local_authority=camden, phase=PhaseFactory(name="Year 2"), name="Camden summer"
    )
    make_open_cohort(local_authority=islington, phase=year_1, name="Islington spring")
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden, islington])
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, cohort, places


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_cancels_a_place_after_saying_why(signed_in, width):
    page, url, cohort, (hill, vale) = signed_in  # noqa: F811
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Cancel Hill Primary's place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel Hill Primary's place on Camden spring?"
    )
    expect(page.get_by_text("offered to the school on the waiting list")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"place-cancel-{width}")

    page.get_by_role("button", name="Cancel the place").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Say why the place is cancelled.")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"place-cancel-error-{width}")
    hill.refresh_from_db()
    assert hill.status == PlaceStatus.BOOKED

    page.get_by_label("Reason").fill("The head rang: the dates clash with Ofsted")
    page.get_by_role("button", name="Cancel the place").click()

    expect(page.get_by_text("Hill Primary's place is cancelled.")).to_be_visible()
    cancelled = page.get_by_role("table", name="Places and waiting-list entries cancelled")
    expect(cancelled).to_contain_text("“The head rang: the dates clash with Ofsted”")
    assert_no_serious_accessibility_violations(page)
    shot(page, f"cohort-after-cancel-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_moves_a_place_outside_its_area_only_once_confirmed(signed_in, width):
    page, url, cohort, (hill, _) = signed_in  # noqa: F811
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Move Hill Primary").click()
    own = page.get_by_role("group", name="In Hill Primary's area (Camden)")
    expect(own.get_by_label("Camden summer")).to_be_visible()
    expect(own).to_contain_text("another phase")
    outside = page.get_by_role("group", name="Outside its area")
    expect(outside).to_contain_text("only if the school has agreed to attend there")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"place-move-{width}")

    outside.get_by_label("Islington spring").check()
    page.get_by_label("Reason").fill("The head rang on Monday")
    page.get_by_role("button", name="Move the place").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("outside Hill Primary's area")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"place-move-error-{width}")
    hill.refresh_from_db()
    assert hill.cohort_id == cohort.pk

    expect(page.get_by_label("Islington spring")).to_be_checked()  # the choice is kept
    page.get_by_label("The school has agreed to attend a cohort outside its area").check()
    page.get_by_role("button", name="Move the place").click()

    expect(page.get_by_text("Hill Primary moved to Islington spring.")).to_be_visible()
    hill.refresh_from_db()
    assert hill.cohort.name == "Islington spring"
