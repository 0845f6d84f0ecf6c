"""A school's journey in Chromium: link → book → confirmation → .ics → cancel, with axe-core
on every public page (including the form with errors, and the invalid and expired links)."""

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from icalendar import Calendar
from playwright.sync_api import expect

from cohorts.models import Place, PlaceStatus
from cohorts.services.links import booking_link_path
from tests.cohorts.conftest import assert_accessible
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.browser


def test_a_school_books_downloads_the_calendar_and_cancels(live_server, page):
    cohort = make_open_cohort(name="Camden spring")
    school = EstablishmentFactory(la=cohort.local_authority, name="Hill Primary")
    link = live_server.url + booking_link_path(establishment=school)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hill Primary")
    assert_accessible(page)

    page.get_by_role("link", name="Book a place for Camden spring").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book a place")
    assert_accessible(page)

    page.get_by_role("button", name="Book the place").click()  # nothing filled in
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Full name")).to_be_focused()

    page.get_by_label("Full name").fill("Sam Lead")
    page.get_by_label("Role").fill("Senior mental health lead")
    page.get_by_label("Email address").fill("sam.lead@school.example")
    page.get_by_label("Access needs (optional)").fill("Step-free access")
    # Why and for how long, and kept only with the attendee's agreement (issue 16).
    expect(page.get_by_text("deleted 30 days after the cohort")).to_be_visible()
    page.get_by_label("The attendee agrees that we keep their access needs").check()
    assert_accessible(page)
    if shots := os.environ.get("PRIVACY_SHOTS"):
        page.screenshot(path=f"{shots}/privacy-booking-consent.png", full_page=True)
    page.get_by_role("button", name="Book the place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is booked")
    day_1, day_2 = cohort.workshops.order_by("day")
    expect(page.get_by_text(f"{day_1.date:%A} {day_1.date.day} {day_1.date:%B %Y}")).to_be_visible()
    expect(page.get_by_text(f"{day_2.date:%A} {day_2.date.day} {day_2.date:%B %Y}")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download both days for your calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    starts = [e.decoded("dtstart").date() for e in calendar.walk("VEVENT")]
    assert starts == [day_1.date, day_2.date]

    page.goto(link)
    expect(page.get_by_role("heading", level=2, name="Your place")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel your place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your place")
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the place").click()

    expect(page.get_by_text("Your place is cancelled")).to_be_visible()
    expect(page.get_by_role("heading", name="Cohorts you can book")).to_be_visible()
    assert_accessible(page)
    assert Place.objects.get(establishment=school).status == PlaceStatus.CANCELLED


def test_the_invalid_and_expired_link_pages_pass_axe(live_server, page):
    school = EstablishmentFactory(name="Hill Primary")
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=400)):
        expired = live_server.url + booking_link_path(establishment=school)

    page.goto(expired)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request is recorded")
    assert_accessible(page)

    page.goto(expired[:-5] + "XXXX/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not recognised")
    assert_accessible(page)
