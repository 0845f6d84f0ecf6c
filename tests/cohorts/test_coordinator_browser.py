"""The coordinators' cohort pages in Chromium: axe-core finds no serious or critical
violation on any of them, with errors shown where a page has a form, and the planning helper
works by keyboard without any script of ours."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cohorts.models import Cohort
from cohorts.services.cohorts import cohort_mark_running
from cohorts.services.places import Attendee, place_book
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)
from tests.workshops.factories import ProfessionalFactory

pytestmark = pytest.mark.browser

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example", access_needs="Lift")


@pytest.fixture
def signed_in(live_server, page, client):  # noqa: F811
    """The page, signed in as a regional coordinator for Camden; returns (page, url, camden)."""
    camden = LocalAuthorityFactory(name="Camden")
    EstablishmentFactory(la=camden, name="Anchor School")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, camden


def check(page, heading):  # noqa: F811
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_serious_accessibility_violations(page)


def test_the_cohort_list_detail_forms_and_register_pass_axe(signed_in):
    page, url, camden = signed_in  # noqa: F811
    cohort = make_open_cohort(local_authority=camden, name="Camden spring", capacity=1)
    for name in ("Hill Primary", "Vale School"):  # one booked, one waiting
        place_book(
            establishment=EstablishmentFactory(la=camden, name=name),
            cohort=cohort,
            attendee=ATTENDEE,
        )
    ProfessionalFactory(cohort=cohort, name="Dr Rao")
    cohort.planned_establishments.add(EstablishmentFactory(la=camden, name="Planned School"))
    running = make_open_cohort(local_authority=camden, name="Camden running")
    place_book(
        establishment=EstablishmentFactory(la=camden, name="Brook Academy"),
        cohort=running,
        attendee=ATTENDEE,
    )
    ProfessionalFactory(cohort=running, name="Ms Field")
    cohort_mark_running(cohort=running)
    running.workshops.filter(day=1).update(date=timezone.localdate())  # today: the register

    page.goto(f"{url}/cohorts/")
    check(page, "Cohorts")
    page.get_by_role("link", name="Camden spring").click()
    check(page, "Camden spring")
    expect(page.get_by_text("Vale School (waiting)")).to_be_visible()

    page.get_by_role("link", name="Edit cohort").click()
    check(page, "Edit Camden spring")
    page.locator("#id_name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    check(page, "Edit Camden spring")

    page.goto(f"{url}/cohorts/{cohort.pk}/workshops/")
    check(page, "Workshop days of Camden spring")
    day_1 = cohort.workshops.get(day=1).date
    expect(page.locator("#id_day1-date")).to_have_value(day_1.isoformat())
    page.locator("#id_day2-date").fill("2020-01-01")
    page.get_by_role("button", name="Save both days").click()
    expect(page.locator("#error-summary")).to_contain_text("must be after workshop 1")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_serious_accessibility_violations(page)

    page.goto(f"{url}/cohorts/new/")
    check(page, "Plan a cohort")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_serious_accessibility_violations(page)

    page.goto(f"{url}/cohorts/{running.pk}/")
    register = page.get_by_role("group", name="Workshop 1")
    expect(register.get_by_label("Brook Academy: Sam Lead")).to_be_visible()
    check(page, "Camden running")
    register.get_by_label("Ms Field (North London CYPMHS)").check()
    page.get_by_role("button", name="Save attendance for workshop 1").click()
    expect(page.get_by_text("Attendance for workshop 1 saved: 1 present.")).to_be_visible()
    assert_no_serious_accessibility_violations(page)


def test_cancel_and_professional_pages_pass_axe(signed_in):
    page, url, camden = signed_in  # noqa: F811
    cohort = make_open_cohort(local_authority=camden, name="Camden spring")
    place_book(
        establishment=EstablishmentFactory(la=camden, name="Hill Primary"),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    ProfessionalFactory(cohort=cohort, name="Dr Rao")

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Edit Dr Rao").click()
    check(page, "Edit Dr Rao")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_serious_accessibility_violations(page)

    page.goto(f"{url}/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Remove Dr Rao").click()
    check(page, "Remove Dr Rao from Camden spring?")
    page.get_by_role("button", name="Remove Dr Rao").click()
    expect(page.get_by_text("Dr Rao is removed from Camden spring.")).to_be_visible()

    page.get_by_role("link", name="Cancel cohort").click()
    check(page, "Cancel Camden spring?")
    page.get_by_role("button", name="Cancel the cohort").click()
    expect(page.get_by_text("Camden spring is cancelled.")).to_be_visible()
    assert_no_serious_accessibility_violations(page)


def test_the_planning_helper_passes_axe_and_works_by_keyboard(signed_in):
    page, url, camden = signed_in  # noqa: F811
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    for n in range(5):
        EstablishmentFactory(la=camden, name=f"North {n}", postcode=f"NW3 {n}AA")
    CohortFactory(local_authority=camden, name="Existing")

    page.goto(f"{url}/cohorts/")
    page.get_by_role("link", name="Plan cohorts with the helper").click()
    check(page, "Plan cohorts with the helper")
    page.get_by_role("button", name="Propose cohorts").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_serious_accessibility_violations(page)

    page.locator("#id_phase").select_option(label="Year 1")
    page.locator("#id_area").select_option(label="Camden")
    page.get_by_role("button", name="Propose cohorts").click()
    expect(page.get_by_role("group", name="Cohort 1: 6 schools")).to_be_visible()
    assert_no_serious_accessibility_violations(page)

    # Move two schools to the spare cohort, named as the others; clear its name: an error,
    # linked.
    expect(page.get_by_label("Name of cohort 2")).to_have_value("Camden 2")
    page.get_by_label("Cohort for North 0").select_option(label="Cohort 2")
    page.get_by_label("Cohort for North 1").select_option(label="Cohort 2")
    page.get_by_label("Cohort for Anchor School").select_option(label="Leave out")
    page.get_by_label("Name of cohort 2").fill("")
    page.get_by_role("button", name="Create these cohorts").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert_no_serious_accessibility_violations(page)
    summary.get_by_role("link", name="Enter a name for cohort 2").focus()
    page.keyboard.press("Enter")
    name = page.get_by_label("Name of cohort 2")
    expect(name).to_be_focused()
    name.fill("Camden NW3 small")
    page.get_by_role("button", name="Update the proposal").click()
    expect(page.get_by_role("group", name="Cohort 2: 2 schools")).to_be_visible()
    expect(page.get_by_role("group", name="Left out: 1 school")).to_be_visible()
    assert_no_serious_accessibility_violations(page)

    page.get_by_role("button", name="Create these cohorts").focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("2 cohorts planned in Camden for Year 1, with 5 schools")
    ).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    assert Cohort.objects.filter(phase=phase).count() == 2


def test_the_planning_helper_and_cohort_form_fit_a_phone(signed_in):
    page, url, camden = signed_in  # noqa: F811
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    for n in range(25):
        EstablishmentFactory(
            la=camden,
            name=f"St Aloysius Roman Catholic Voluntary Aided Junior School {n}",
            postcode=f"NW{n % 9 + 1} {n % 10}AA",
        )
    cohort = CohortFactory(local_authority=camden, name="Camden spring")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{url}/cohorts/plan/?phase={phase.pk}&area=la-{camden.pk}")
    expect(page.get_by_role("group", name="Cohort 1: 13 schools")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    select = page.get_by_label(
        "Cohort for St Aloysius Roman Catholic Voluntary Aided Junior School 0"
    )
    box = select.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["width"] >= 90  # whole, and readable
    assert_no_serious_accessibility_violations(page)

    page.goto(f"{url}/cohorts/{cohort.pk}/edit/")
    page.get_by_label("Capacity (schools)").fill("25")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_contain_text("A cohort takes at most 20 schools.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_accessibility_violations(page)
