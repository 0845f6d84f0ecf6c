"""The directory pages in Chromium at a desktop (1366 px) and a phone (390 px) width: no
serious or critical axe-core violation, nothing wider than the window, errors shown and
focused where a page has a form. Screenshots of each page at both widths go to $LINK_SHOTS
(a folder) when it is set."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)
from tests.workshops.factories import LocalProfessionalFactory, VenueFactory
from workshops.models import OrganisationType

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def signed_in(live_server, page, client):  # noqa: F811
    camden = LocalAuthorityFactory(name="Camden")
    EstablishmentFactory(la=camden, name="Anchor School")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, camden


def check(page, name: str) -> None:  # noqa: F811
    """At both widths: fits the window, passes axe; a screenshot if $LINK_SHOTS is set."""
    shots = os.environ.get("LINK_SHOTS")
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        if shots:
            page.screenshot(path=str(Path(shots) / f"directory-{name}-{label}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w)
                .slice(0, 3).map(e => e.outerHTML.slice(0, 120))""",
            size["width"],
        )
        assert width <= size["width"], f"{page.url} is {width} px wide: {wide}"
        assert_no_serious_accessibility_violations(page)
    page.set_viewport_size(WIDTHS["desktop"])


def test_the_venue_pages(signed_in, tmp_path):
    page, url, camden = signed_in  # noqa: F811
    VenueFactory(
        name="Camden Centre",
        local_authority=camden,
        easting=529000,
        northing=183500,
        capacity=80,
        accessibility="Step-free entrance, hearing loop in the main hall.",
    )
    VenueFactory(name="Kentish Town Library", local_authority=camden, postcode="NW5 1AA")

    page.goto(f"{url}/cohorts/")
    page.get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Venues")
    expect(page.get_by_role("row", name="Camden Centre")).to_contain_text("529000, 183500")
    check(page, "venues")

    page.get_by_role("link", name="Add a venue").click()
    page.get_by_label("Name").fill("Town Hall")
    page.get_by_label("Easting").fill("529100")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Give both the easting")
    check(page, "venue-form-errors")
    page.get_by_label("Northing").fill("184000")
    page.get_by_label("Local authority").select_option(value=str(camden.pk))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Town Hall is saved in the directory.")).to_be_visible()

    csv = tmp_path / "venues.csv"
    csv.write_text("name,postcode,easting,northing,local authority\nHall,,12x,5,Camden\n")
    page.get_by_role("link", name="Import from CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#report")).to_contain_text("The easting '12x' is not a whole number.")
    check(page, "venue-import-errors")


def test_the_professional_pages(signed_in):
    page, url, camden = signed_in  # noqa: F811
    rao = LocalProfessionalFactory(name="Dr Rao", role="Consultant", local_authority=camden)
    LocalProfessionalFactory(
        name="Ms Field",
        organisation="Camden Mind",
        sector=OrganisationType.VCS,
        local_authority=camden,
    )
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    cohort = CohortFactory(phase=phase, local_authority=camden, name="Camden 1")
    CohortFactory(phase=phase, local_authority=camden, name="Camden 2")

    page.goto(f"{url}/cohorts/directory/professionals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local professionals")
    check(page, "professionals")

    page.get_by_role("link", name="Edit Dr Rao").click()
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    check(page, "professional-form-errors")

    page.get_by_role("link", name="Back to local professionals").click()
    page.get_by_role("link", name="Add professionals to cohorts").first.click()
    page.get_by_label("Phase").select_option(label="Year 1")
    page.get_by_label("Area").select_option(label="Camden")
    page.get_by_role("button", name="Show professionals and cohorts").click()
    page.get_by_label("Dr Rao, Consultant").check()
    page.get_by_label("Ms Field").check()
    page.get_by_label("Camden 1").check()
    check(page, "to-cohorts")
    page.get_by_role("button", name="Add them to these cohorts").click()
    expect(page.get_by_text("2 professionals added to cohorts.")).to_be_visible()
    assert sorted(cohort.professionals.values_list("name", flat=True)) == ["Dr Rao", "Ms Field"]
    assert cohort.professionals.get(name="Dr Rao").email == rao.email
