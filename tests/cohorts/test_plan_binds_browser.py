"""The plan binds, in Chromium at desktop and phone widths (issue 13, item 3): a planned
school's page offers its planned cohort first, the area's other open cohorts open on request
(a disclosure, no script needed) and one of them can be booked; the draft wave's preview of a
wave inviting the plan shows the cohorts not open, the schools invited before and the areas
with no open cohort. axe-core finds nothing serious; nothing scrolls sideways. Screenshots go
to $LINK_SHOTS when it is set, for a person to judge."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import InvitationChannel, Place, PlaceStatus, Wave, WaveAudience
from cohorts.services.links import booking_link_path
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import (
    CohortFactory,
    InvitationFactory,
    PhaseFactory,
    WaveFactory,
    make_open_cohort,
)
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


def shot(page, name):  # noqa: F811
    """Save a full-page screenshot under $LINK_SHOTS, if set."""
    if folder := os.environ.get("LINK_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def fits(page):  # noqa: F811
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def size(width):
    return dict(zip(("width", "height"), WIDTHS[width], strict=True))


@pytest.fixture
def camden(clock):
    camden, barnet = LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Barnet")
    phase = PhaseFactory(name="Year 1, autumn 2026")
    phase.local_authorities.add(camden, barnet)
    today = timezone.localdate()
    planned = make_open_cohort(
        local_authority=camden, phase=phase, name="Camden 2", day_1=today + dt.timedelta(70)
    )
    make_open_cohort(
        local_authority=camden, phase=phase, name="Camden 1", day_1=today + dt.timedelta(60)
    )
    make_open_cohort(
        local_authority=camden, phase=phase, name="Camden 3", day_1=today + dt.timedelta(90)
    )
    later = CohortFactory(phase=phase, local_authority=camden, name="Camden 4")
    hill = EstablishmentFactory(la=camden, name="Hill Primary", contact_email="hill@s.example")
    dale = EstablishmentFactory(la=camden, name="Dale Primary", contact_email="dale@s.example")
    vale = EstablishmentFactory(la=camden, name="Vale Primary", contact_email="vale@s.example")
    EstablishmentFactory(la=barnet, name="Far Primary", contact_email="far@s.example")
    planned.planned_establishments.add(hill, dale)
    later.planned_establishments.add(vale)
    return {"phase": phase, "planned": planned, "hill": hill, "dale": dale}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_planned_school_sees_its_cohort_first_and_books_another_on_request(
    live_server,
    page,  # noqa: F811
    camden,
    width,
):
    page.set_viewport_size(size(width))
    page.goto(live_server.url + booking_link_path(establishment=camden["hill"]))

    expect(page.get_by_role("heading", level=2)).to_have_text("The cohort planned for your school")
    expect(page.get_by_role("link", name="Book a place for Camden 2")).to_be_visible()
    other = page.get_by_role("link", name="Book a place for Camden 1")
    expect(other).to_be_hidden()  # on request only
    fits(page)
    assert_no_serious_accessibility_violations(page)
    shot(page, f"binds-booking-home-{width}")

    page.get_by_text("See the other open cohorts in your area (2)").click()
    expect(other).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    shot(page, f"binds-booking-home-others-{width}")
    other.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a place")
    page.get_by_label("Full name").fill("Sam Lead")
    page.get_by_label("Role").fill("Senior mental health lead")
    page.get_by_label("Email address").fill("sam.lead@school.example")
    page.get_by_role("button", name="Book the place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is booked")
    place = Place.objects.get(establishment=camden["hill"])
    assert (place.cohort.name, place.status) == ("Camden 1", PlaceStatus.BOOKED)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preview_of_a_wave_inviting_the_plan(
    live_server,
    page,  # noqa: F811
    client,
    camden,
    width,
):
    InvitationFactory(
        wave=WaveFactory(name="Pilot wave", phase=camden["phase"]),
        establishment=camden["hill"],
        channel=InvitationChannel.PHONE,
        invited_at=timezone.now() - dt.timedelta(days=12),
    )
    wave = Wave.objects.create(
        name="Autumn: invite the plan", phase=camden["phase"], audience=WaveAudience.PLAN
    )
    everyone = Wave.objects.create(name="Autumn: every school", phase=camden["phase"])
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size(size(width))

    page.goto(f"{live_server.url}/cohorts/waves/{wave.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn: invite the plan")
    expect(page.get_by_text("This wave invites the plan")).to_be_visible()
    expect(page.get_by_role("table", name="Planned cohorts not open for booking")).to_contain_text(
        "Camden 4"
    )
    invited = page.get_by_role("table", name="Invited before")
    expect(invited).to_contain_text("Hill Primary")
    expect(invited).to_contain_text("Phone")
    expect(invited).to_contain_text("Pilot wave")
    expect(page.get_by_text("is planned into the cohort Camden 2")).to_be_visible()
    fits(page)
    assert_no_serious_accessibility_violations(page)
    shot(page, f"binds-wave-preview-plan-{width}")

    page.goto(f"{live_server.url}/cohorts/waves/{everyone.pk}/")
    flagged = page.get_by_role("list", name="Areas with no cohort open for booking")
    expect(flagged).to_have_text("Barnet: 1 school")
    fits(page)
    assert_no_serious_accessibility_violations(page)
    shot(page, f"binds-wave-preview-areas-{width}")
