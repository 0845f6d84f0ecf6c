"""Booking by phone and the register's mix of sectors in Chromium, at desktop and phone
widths (issue 13, items 6 and 7): axe-core finds no serious or critical violation, nothing
scrolls sideways, a missing reason is shown at the top and kept nothing from the form.
Screenshots go to $LINK_SHOTS when it is set, for a person to judge."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import Place
from cohorts.services.cohorts import cohort_mark_running
from cohorts.services.places import Attendee, place_book
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)
from tests.workshops.factories import ProfessionalFactory
from workshops.models import OrganisationType

pytestmark = pytest.mark.browser

ATTENDEE = Attendee(name="Sam Lead", role="Senior mental health lead", email="sam@school.example")
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shot(page, name):  # noqa: F811
    if folder := os.environ.get("LINK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/phone-{name}.png", full_page=True)


def fits(page):  # noqa: F811
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.fixture
def signed_in(live_server, page, client, clock):  # noqa: F811
    """A Camden coordinator; Camden spring open with Hill Primary booked and a local
    authority professional (no one from CYPMHS yet); Vale School free to book."""
    camden = LocalAuthorityFactory(name="Camden")
    cohort = make_open_cohort(local_authority=camden, name="Camden spring", capacity=5)
    place_book(
        establishment=EstablishmentFactory(la=camden, name="Hill Primary"),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    ProfessionalFactory(
        cohort=cohort,
        name="Ms Field",
        organisation="Camden Early Help",
        organisation_type=OrganisationType.LOCAL_AUTHORITY,
    )
    EstablishmentFactory(la=camden, name="Vale School")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, cohort, camden


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_books_a_school_by_phone_giving_a_reason(signed_in, width):
    page, url, cohort, _ = signed_in  # noqa: F811
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    expect(page.locator("#no-cypmhs-expected")).to_contain_text(
        "Workshops 1 and 2 have no NHS CYPMHS professional."
    )
    mix = page.get_by_role("table", name="Who is in the room")
    expect(mix.get_by_role("row", name="School staff")).to_contain_text("1")
    expect(mix.get_by_role("row", name="Local authority")).to_contain_text("1")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"cohort-{width}")

    page.get_by_role("link", name="Book a school by phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a school on Camden spring")
    page.get_by_label("School").select_option(label=f"Vale School ({_urn('Vale School')})")
    page.get_by_label("Full name").fill("Jo Deputy")
    page.get_by_label("Role").fill("Deputy head")
    page.get_by_label("Email address").fill("jo@vale.example")
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"book-{width}")

    page.get_by_role("button", name="Book the place").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Say why you are acting for the school.")
    expect(page.get_by_label("Full name")).to_have_value("Jo Deputy")  # nothing lost
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"book-error-{width}")
    assert not Place.objects.filter(establishment__name="Vale School").exists()

    page.get_by_label("Reason").fill("The deputy head rang on Monday")
    page.get_by_role("button", name="Book the place").click()
    expect(page.get_by_text("Vale School has a place on Camden spring.")).to_be_visible()
    expect(page.get_by_role("table", name="Schools holding a place")).to_contain_text(
        "By phone: The deputy head rang on Monday"
    )
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"cohort-after-{width}")


def _urn(name):
    from schools.models import Establishment

    return Establishment.objects.get(name=name).urn


@pytest.mark.parametrize("width", WIDTHS)
def test_the_register_shows_the_mix_present_and_warns_without_cypmhs(signed_in, width):
    page, url, cohort, _ = signed_in  # noqa: F811
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    ProfessionalFactory(cohort=cohort, name="Dr Rao", organisation="North London CYPMHS")
    cohort_mark_running(cohort=cohort)
    cohort.workshops.filter(day=1).update(date=timezone.localdate())  # today: the register

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    expect(page.locator("#no-cypmhs-expected")).to_have_count(0)  # Dr Rao is expected
    register = page.get_by_role("group", name="Workshop 1")
    register.get_by_label("Hill Primary: Sam Lead").check()
    register.get_by_label("Ms Field (Camden Early Help)").check()
    page.get_by_role("button", name="Save attendance for workshop 1").click()
    expect(page.get_by_text("Attendance for workshop 1 saved: 2 present.")).to_be_visible()

    mix = page.get_by_role("table", name="Who is in the room")
    expect(mix.locator("thead th").nth(1)).to_contain_text("present")
    expect(mix.locator("thead th").nth(2)).to_contain_text("expected")
    expect(mix.get_by_role("row", name="NHS CYPMHS")).to_contain_text("0")
    expect(page.locator("#no-cypmhs-present")).to_contain_text(
        "Workshop 1 had no NHS CYPMHS professional present."
    )
    expect(page.locator("#no-cypmhs-expected")).to_have_count(0)  # workshop 2: Dr Rao expected
    assert_no_serious_accessibility_violations(page)
    fits(page)
    shot(page, f"register-{width}")
