"""The demo as `make run` loads it, walked in Chromium by every role (issue 11, "Done when").

Each test loads the demo (``seed_demo``), signs in with the demo login its role prints (the
school and the survey respondent follow the personal link their email would carry instead)
and walks that role's journey by clicking, as a person would. Every page on the way is
checked at a desktop width (1366 px) and a phone width (390 px): no HTTP error for the page
or anything it loads, no script error, nothing the Content-Security-Policy blocks, no page
wider than the window, a way on (a link or a button to somewhere else), and no serious or
critical axe-core violation. Staff walk at the desktop width and each page is checked again
narrowed to a phone; the school and the survey respondent, who are likely to be on a phone,
walk at the phone width and each page is checked again widened to a desktop.

Set $LINK_SHOTS to a folder to keep a screenshot of every page at both widths.
"""

import contextlib
import io
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from accounts.services import DEMO_LOGINS
from cohorts.models import Cohort, CohortStatus, Place, PlaceStatus
from cohorts.services.links import booking_link_path
from evaluation.links import survey_link_url
from evaluation.models import Questionnaire, Response, SurveyInvitation, TimePoint
from evaluation.seed import seed_questionnaires
from schools.models import Establishment
from tests.test_browser import assert_no_serious_accessibility_violations
from tests.test_browser import page as page  # noqa: F401 (the Chromium page fixture)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def login_of(username: str):
    return next(login for login in DEMO_LOGINS if login.username == username)


@pytest.fixture
def demo(live_server, settings, stub_outbox_broker):
    """The demo data of `make run`, served by the live server; emails are queued in the
    outbox as on the demo site (the send task never reaches a broker)."""
    settings.LINK_BASE_URL = live_server.url  # as `make run` points links at its own address
    seed_questionnaires(apps)  # made by a migration; an earlier live-server test flushed them
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return live_server.url


class Journey:
    """One person's way through Link, checking every page they reach at both widths."""

    def __init__(self, page, base_url: str, who: str, *, walk_at: dict):  # noqa: F811
        self.page, self.base, self.who = page, base_url, who
        self.walk_at = walk_at
        self.other = PHONE if walk_at == DESKTOP else DESKTOP
        self.problems: list[str] = []
        self.expected_status: int | None = None
        self.pages: list[str] = []
        page.set_viewport_size(walk_at)
        page.on("response", self._on_response)
        page.on(
            "pageerror", lambda error: self.problems.append(f"{page.url}: script error {error}")
        )

    def _on_response(self, response) -> None:
        if response.status < 400:
            return
        is_page = response.request.resource_type == "document" and response.frame == (
            self.page.main_frame
        )
        if is_page and response.status == self.expected_status:
            return
        self.problems.append(f"{response.status} for {response.url} (on {self.page.url})")

    def goto(self, path: str, *, status: int | None = None) -> None:
        self.expected_status = status
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == (status or 200), (
            f"{path} answered {response and response.status}"
        )

    def sign_in(self, username: str, *, heading: str | None = None) -> None:
        """Sign in with the demo login `make run` prints, then check the page it leads to."""
        login = login_of(username)
        self.goto("/accounts/login/")
        self.check("sign-in")
        self.page.get_by_label("Username").fill(login.username)
        self.page.get_by_label("Password").fill(login.password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_text(f"Signed in as {login.username}")).to_be_attached()
        self._arrive("home", heading)

    def meet_an_error(self, path: str, status: int, *, heading: str, home: str) -> None:
        """An error page (404, 403) says what happened and leads back to the home page."""
        self.goto(path, status=status)
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.check(str(status))
        self.page.get_by_role("link", name="Go to your dashboard").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(home)

    def check(self, name: str, *, end: bool = False) -> None:
        """The page as it is now, at the walking width and then at the other width (``end``:
        the journey's last page, which needs no way on)."""
        self.page.wait_for_load_state()
        self.pages.append(self.page.url)
        for size in (self.walk_at, self.other):
            self.page.set_viewport_size(size)
            # Let resize observers (the charts) and layout settle at the new width.
            self.page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
            self._shot(name, size)
            assert not self.problems, "\n".join(self.problems)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], (
                f"{self.page.url} is {width} px wide in a {size['width']} px window"
            )
            if not end:
                assert self._ways_on() > 0, f"{self.page.url} is a dead end: no link or button on"
            self._accessible()
        self.page.set_viewport_size(self.walk_at)

    def _ways_on(self) -> int:
        """Links to another page (not the skip link, not an email address) and buttons."""
        return self.page.evaluate(
            """() => {
                const here = location.href.split('#')[0];
                const links = [...document.querySelectorAll('a[href]')].filter(a =>
                    !a.classList.contains('skip-link') && !a.href.startsWith('mailto:')
                    && a.href.split('#')[0] !== here);
                return links.length + document.querySelectorAll('main button').length;
            }"""
        )

    def _accessible(self) -> None:
        if "/admin/" not in self.page.url:
            assert_no_serious_accessibility_violations(self.page)
            return
        # Django's own admin, held to the same standard as Link's pages (templates/admin and
        # static/js/admin-a11y.js fix what axe-core found in it). Without preload: axe-core
        # preloads the admin's stylesheets as <style> elements, which the CSP blocks (and the
        # page fixture would count), though no person's browser does that.
        found = Axe().run(self.page, options={"resultTypes": ["violations"], "preload": False})
        violations = [
            (v["id"], node["target"], node["html"])
            for v in found.response["violations"]
            if v["impact"] in ("serious", "critical")
            for node in v["nodes"]
        ]
        assert not violations, f"axe-core found on {self.page.url}: {violations}"

    def _shot(self, name: str, size: dict) -> None:
        if folder := os.environ.get("LINK_SHOTS"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            number = len(self.pages)
            # caret="initial": hiding the caret takes an inline style, which the CSP blocks.
            self.page.screenshot(
                path=f"{folder}/{self.who}-{number:02d}-{name}-{size['width']}.png",
                full_page=True,
                caret="initial",
            )

    def open_menu_on_a_phone(self) -> None:
        """At the phone width the main menu folds behind its button: it opens and shows the
        same links."""
        self.page.set_viewport_size(PHONE)
        nav = self.page.get_by_role("navigation", name="Main")
        nav.get_by_role("button", name="Toggle navigation").click()
        expect(nav.get_by_role("link").first).to_be_visible()
        self._shot("menu", PHONE)
        self.page.set_viewport_size(self.walk_at)

    def nav(self, link: str, name: str, *, heading: str | None = None) -> None:
        """Follow a link of the main menu, then check the page it leads to."""
        menu = self.page.get_by_role("navigation", name="Main")
        menu.get_by_role("link", name=link, exact=True).click()
        self._arrive(name, heading)

    def follow(self, link: str, name: str, *, heading: str | None = None) -> None:
        """Follow a link on the page by its name, then check the page it leads to."""
        self.page.get_by_role("link", name=link, exact=True).first.click()
        self._arrive(name, heading)

    def _arrive(self, name: str, heading: str | None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        self.check(name)


def test_the_coordinator_plans_invites_and_follows_up(demo, page):  # noqa: F811
    journey = Journey(page, demo, "coordinator", walk_at=DESKTOP)
    heading = page.get_by_role("heading", level=1)
    journey.sign_in("coordinator", heading="Dashboard for your areas")
    journey.open_menu_on_a_phone()

    journey.nav("Establishments", "establishments", heading="Establishments")
    page.get_by_label("Name, URN or postcode").fill("E1")
    page.get_by_role("button", name="Apply filters").click()
    journey.check("establishments-e1")
    page.locator("tbody th[scope=row] a").first.click()
    expect(page.get_by_text(re.compile(r"^URN \d+"))).to_be_visible()
    journey.check("establishment")

    journey.nav("Cohorts", "cohorts", heading="Cohorts")
    open_cohort = Cohort.objects.get(status=CohortStatus.OPEN)
    journey.follow(open_cohort.name, "cohort", heading=open_cohort.name)

    place = open_cohort.places.filter(status=PlaceStatus.BOOKED).order_by("pk").first()
    school = place.establishment.name
    journey.follow(f"Move {school}", "place-move", heading=f"Move {school}")
    page.get_by_role("link", name=f"Back to {open_cohort.name}").click()
    journey.follow(f"Cancel {school}'s place", "place-cancel")
    page.get_by_label("Reason").fill("The school asked by phone to cancel.")
    page.get_by_role("button", name="Cancel the place").click()
    expect(page.get_by_role("status").first).to_contain_text(school)
    expect(page.get_by_role("heading", name="Cancelled places")).to_be_visible()
    journey.check("cohort-after-cancel")

    page.get_by_role("link", name="All cohorts").click()
    journey.follow("Plan cohorts with the helper", "plan")
    page.get_by_label("Phase").select_option(label=open_cohort.phase.name)
    page.get_by_label("Area").select_option(label="Camden (LA and MHST area)")
    page.get_by_role("button", name="Propose cohorts").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Proposal for"))).to_be_visible()
    journey.check("plan-proposal")

    journey.nav("Waves", "waves", heading="Invitation waves")
    journey.follow("Define a new wave", "wave-new", heading="Define an invitation wave")
    page.get_by_label("Name").fill("Camden, first invitations")
    page.get_by_label("Phase").select_option(label=open_cohort.phase.name)
    page.get_by_label("Camden (202)").check()
    page.get_by_role("button", name="Save as a draft and preview").click()
    expect(heading).to_have_text("Camden, first invitations")
    expect(page.get_by_role("heading", name="Sample message")).to_be_visible()
    journey.check("wave-preview")

    journey.nav("Outbox", "outbox", heading="Outbox")
    journey.follow(place.attendee_email, "outbox-email")

    journey.nav("Evaluation", "evaluation", heading="Evaluation reports")

    journey.meet_an_error(
        "/cohorts/999999/", 404, heading="Page not found", home="Dashboard for your areas"
    )


def test_the_facilitator_marks_attendance(demo, page):  # noqa: F811
    journey = Journey(page, demo, "facilitator", walk_at=DESKTOP)
    journey.sign_in("facilitator")

    journey.nav("Cohorts", "cohorts", heading="Cohorts")
    delivered = Cohort.objects.get(status=CohortStatus.COMPLETED)
    journey.follow(delivered.name, "cohort", heading=delivered.name)
    page.get_by_role("button", name="Save attendance for workshop 1").click()
    expect(page.get_by_role("status").first).to_contain_text("Attendance for workshop 1 saved")
    journey.check("attendance-saved")

    journey.nav("Evaluation", "evaluation", heading="Evaluation reports")


def test_the_viewer_reads_the_dashboard_and_the_reports(demo, page):  # noqa: F811
    journey = Journey(page, demo, "viewer", walk_at=DESKTOP)
    journey.sign_in("viewer", heading="National dashboard")
    assert_charts_show_every_label_at_a_readable_height(page)

    journey.nav("Evaluation", "evaluation", heading="Evaluation reports")
    assert_charts_show_every_label_at_a_readable_height(page)
    page.get_by_label("Who answered").select_option(index=1)
    page.get_by_role("button", name="Show report").click()
    journey.check("evaluation-filtered")

    # Not a viewer's page: the 403 page says why and what to do.
    journey.meet_an_error(
        "/cohorts/", 403, heading="You do not have permission to do this", home="National dashboard"
    )


def test_the_admin_checks_the_dashboard_and_the_django_admin(demo, page):  # noqa: F811
    journey = Journey(page, demo, "admin", walk_at=DESKTOP)
    heading = page.get_by_role("heading", level=1)
    journey.sign_in("admin", heading="National dashboard")
    # What GIAS changed that needs a person (nothing yet in the demo, and it says so).
    journey.nav("Establishments", "establishments", heading="Establishments")
    journey.follow("Register changes from GIAS", "register-changes", heading="Register changes")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()

    journey.nav("Admin", "admin")
    journey.follow("Cohorts", "admin-cohorts")
    open_cohort = Cohort.objects.get(status=CohortStatus.OPEN)
    journey.follow(open_cohort.name, "admin-cohort")
    page.get_by_role("link", name=re.compile("on its page")).click()
    expect(heading).to_have_text(open_cohort.name)  # back on Link's own cohort page
    journey.check("cohort")

    journey.goto("/admin/cohorts/place/")
    journey.check("admin-places")
    journey.goto("/admin/auth/user/")
    journey.check("admin-users")
    journey.follow("coordinator", "admin-user")
    # The rest of what an admin opens: waves and the outbox (the demo has sent nothing yet),
    # questionnaires and the register.
    journey.goto("/admin/cohorts/wave/")
    journey.check("admin-waves")
    journey.goto("/admin/outbox/outgoingemail/")
    journey.check("admin-emails")
    for name, model in (("questionnaire", Questionnaire), ("establishment", Establishment)):
        meta, first = model._meta, model.objects.order_by("pk").first()
        journey.goto(f"/admin/{meta.app_label}/{meta.model_name}/")
        journey.check(f"admin-{name}s")
        journey.goto(f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/")
        journey.check(f"admin-{name}")
    # New MHST areas and teams come from a file: the page says what each row did wrong.
    journey.goto("/admin/schools/mhstarea/")
    journey.follow("Import areas and teams from CSV", "admin-mhst-import")
    page.get_by_label("Teams file (CSV)").set_input_files(
        files=[{"name": "teams.csv", "mimeType": "text/csv", "buffer": b"team,area,urns\nA,B,1\n"}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 row is wrong")
    journey.check("admin-mhst-import-errors")


def test_a_school_books_changes_its_attendee_and_gets_its_calendar(demo, page):  # noqa: F811
    open_cohort = Cohort.objects.get(status=CohortStatus.OPEN)
    school = (
        Establishment.objects.eligible()
        .filter(la=open_cohort.local_authority, places__isnull=True)
        .order_by("urn")
        .first()
    )
    journey = Journey(page, demo, "school", walk_at=PHONE)
    heading = page.get_by_role("heading", level=1)
    link = booking_link_path(establishment=school)
    journey.goto(link)
    expect(heading).to_have_text(school.name)
    journey.check("booking-home")

    journey.follow(f"Book a place for {open_cohort.name}", "book")
    page.get_by_label("Full name").fill("Robin Lead")
    page.get_by_role("textbox", name="Role").fill("Senior mental health lead")
    page.get_by_label("Email address").fill("robin.lead@school.example")
    page.get_by_role("button", name="Book the place").click()
    expect(heading).to_have_text("Your place is booked")
    journey.check("confirmation")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("calendar")).click()
    calendar = Path(download.value.path()).read_text()
    assert calendar.startswith("BEGIN:VCALENDAR") and calendar.count("BEGIN:VEVENT") == 2

    journey.follow("See or change your booking", "booking", heading=school.name)
    journey.follow("Change who attends", "attendee", heading="Change who attends")
    page.get_by_label("Full name").fill("Alex Deputy")
    page.get_by_role("button", name="Save the attendee").click()
    expect(page.get_by_text("Alex Deputy")).to_be_visible()
    journey.check("booking-changed")
    assert Place.objects.get(establishment=school).attendee_name == "Alex Deputy"

    journey.follow("Move to another cohort", "move", heading="Move to another cohort")
    page.get_by_role("link", name="Back to your booking").click()
    journey.follow("Cancel your place", "cancel", heading="Cancel your place")


def test_a_member_of_staff_answers_their_survey_on_a_phone_and_finishes_at_a_desk(demo, page):  # noqa: F811
    invitation = (
        SurveyInvitation.objects.filter(
            cohort__status=CohortStatus.OPEN,
            time_point=TimePoint.BASELINE,
            participant__school_attendee__isnull=False,
            response__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    journey = Journey(page, demo, "survey", walk_at=PHONE)
    heading = page.get_by_role("heading", level=1)
    journey.goto(survey_link_url(invitation=invitation).removeprefix(demo))
    expect(heading).to_have_text("Your survey")
    journey.check("survey")
    assert_scales_stack_on_a_phone_and_sit_in_a_row_on_a_desktop(page)
    assert_section_titles_sit_inside_their_boxes(page)
    sections = page.locator("form > fieldset")
    questions = page.locator("form > fieldset fieldset")
    half = questions.count() // 2
    for n in range(half):
        radios = questions.nth(n).get_by_role("radio")
        radios.nth(radios.count() - 1).check()
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")
    journey.check("survey-saved")

    page.set_viewport_size(DESKTOP)  # back at a desk: the answers given are there
    journey.walk_at, journey.other = DESKTOP, PHONE
    page.reload()
    for n in range(half):
        radios = questions.nth(n).get_by_role("radio")
        expect(radios.nth(radios.count() - 1)).to_be_checked()
    for n in range(half, questions.count()):
        radios = questions.nth(n).get_by_role("radio")
        radios.nth(radios.count() - 1).check()
    assert sections.count() > 1
    page.get_by_role("button", name="Submit answers").click()
    expect(heading).to_contain_text("Thank you")
    # The end of this journey: the page says so, and there is nowhere further to go.
    expect(page.get_by_text("there is nothing more to do")).to_be_visible()
    journey.check("thank-you", end=True)
    assert Response.objects.get(invitation=invitation).is_submitted


def scale_rows(page) -> list[list[float]]:  # noqa: F811
    """For each 1-5 question (its first option "1 – Strongly disagree"), the top of each of
    its options' labels."""
    return page.evaluate(
        """() => [...document.querySelectorAll('form > fieldset fieldset')]
            .filter(group => /^1\\b/.test(group.querySelector('.form-check-label').textContent))
            .map(group => [...group.querySelectorAll('.form-check-label')]
                .map(label => Math.round(label.getBoundingClientRect().top)))"""
    )


def assert_scales_stack_on_a_phone_and_sit_in_a_row_on_a_desktop(page) -> None:  # noqa: F811
    """Issue 11, item 14: on a phone the five options of a scale read top to bottom, one a
    line, not wrapped two lines of two and three; on a desktop they sit in one row."""
    page.set_viewport_size(PHONE)
    scales = scale_rows(page)
    assert scales, "the survey has no 1-5 question"
    for tops in scales:
        assert tops == sorted(set(tops)), f"options wrap on a phone: label tops {tops}"
    page.set_viewport_size(DESKTOP)
    for tops in scale_rows(page):
        assert len(set(tops)) == 1, f"options do not sit in one row on a desktop: {tops}"


def assert_section_titles_sit_inside_their_boxes(page) -> None:  # noqa: F811
    """Issue 11, item 14: a section's title (its fieldset's legend) sits inside the section's
    bordered box, not across its top border."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        placements = page.evaluate(
            """() => [...document.querySelectorAll('form > fieldset')].map(box => {
                const legend = box.querySelector(':scope > legend');
                const border = parseFloat(getComputedStyle(box).borderTopWidth);
                return [legend.textContent.trim(), legend.getBoundingClientRect().top
                        - (box.getBoundingClientRect().top + border)];
            })"""
        )
        across = [title for title, below_border in placements if below_border < 0]
        assert not across, f"at {size['width']} px these titles sit across the border: {across}"


#: Each chart on the page: [its id, its height in px, labels drawn, labels it has].
CHARTS = """() => [...document.querySelectorAll('canvas[data-chart]')].map(canvas => {
    const chart = Chart.getChart(canvas);
    const axis = chart.scales[chart.options.indexAxis === 'y' ? 'y' : 'x'];
    return [canvas.dataset.chart, Math.round(canvas.getBoundingClientRect().height),
            axis.ticks.length, chart.data.labels.length];
})"""


def assert_charts_show_every_label_at_a_readable_height(page) -> None:  # noqa: F811
    """Issue 11, item 14: a chart on a phone keeps a readable height and names every bar (it
    neither flattens to a strip nor drops labels that do not fit), and so on a desktop."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        readable = (
            f"() => ({CHARTS})()"
            ".every(([, height, drawn, labels]) => height >= 300 && drawn == labels)"
        )
        with contextlib.suppress(PlaywrightTimeoutError):  # they redraw as their box resizes
            page.wait_for_function(readable, timeout=3_000)
        charts = page.evaluate(CHARTS)
        assert charts and all(
            height >= 300 and drawn == labels for _, height, drawn, labels in charts
        ), f"at {size['width']} px, charts as [id, height, labels drawn, labels]: {charts}"
