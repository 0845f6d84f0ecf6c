"""The facilitation pages in Chromium at 1366 and 390 wide: axe-core finds nothing serious,
forms show their errors, a CSV with a bad row saves nothing, and the pages are
photographed for review (/work/helper-notes/shots/ when it exists)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from facilitation.models import Meeting, MeetingKind, Stage
from tests.accounts.factories import user_with_role
from tests.cohorts.conftest import assert_accessible
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from tests.schools.factories import LocalAuthorityFactory
from workshops.models import Attendance, Workshop

pytestmark = pytest.mark.browser
SHOTS = Path("/work/helper-notes/shots")
WIDTHS = (1366, 390)


@pytest.fixture
def signed_in(live_server, page, client):  # noqa: F811
    wiltshire = LocalAuthorityFactory(name="Wiltshire")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page, live_server.url, wiltshire


def look(page, name: str, heading: str) -> None:
    """The page as it is, at each width: its heading, axe-core, a screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
        if SHOTS.is_dir():
            page.screenshot(path=str(SHOTS / f"facilitation-{name}-{width}.png"), full_page=True)


def test_the_facilitation_pages_pass_axe_at_both_widths(signed_in, tmp_path):
    page, url, wiltshire = signed_in
    engagement = EngagementFactory(
        name="Wiltshire 2021", local_authority=wiltshire, stage=Stage.CONSULTATION
    )
    people = StakeholderFactory.create_batch(6, engagement=engagement)
    people[0].is_lead = True
    people[0].save()
    today = timezone.localdate()
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=today - dt.timedelta(days=5),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    meeting = Meeting.objects.create(
        engagement=engagement, workshop=session, kind=MeetingKind.CONSULTATION, agenda="1. Survey"
    )
    Attendance.objects.create(workshop=session, participant=people[0].participant)

    page.goto(f"{url}/facilitation/")
    look(page, "list", "Online strategic facilitation")
    page.get_by_role("link", name="Wiltshire 2021").click()
    look(page, "detail", "Wiltshire 2021")
    expect(page.locator("#overdue")).to_contain_text("notes")

    page.goto(f"{url}/facilitation/{engagement.pk}/stakeholders/new/")
    page.get_by_role("button", name="Add").click()
    look(page, "stakeholder-form", "Add a stakeholder")

    bad = tmp_path / "stakeholders.csv"
    bad.write_text(
        "name,role,organisation,sector,email\n"
        "Ann,Head of service,Council,Local authority,ann@x.example\n"
        "Bo,Wizard,Council,Education,bo@x.example\n"
    )
    page.goto(f"{url}/facilitation/{engagement.pk}/stakeholders/import/")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-errors")).to_contain_text("Row 3: Unknown role")
    look(page, "import", "Import stakeholders")
    assert engagement.stakeholders.count() == 6  # nothing saved

    page.goto(f"{url}/facilitation/meetings/{meeting.pk}/")
    look(page, "meeting", "Strategic consultation")
    page.get_by_label("Notes", exact=True).fill("Agreed three priorities")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("The notes are saved.")).to_be_visible()
    look(page, "meeting-notes", "Strategic consultation")

    page.goto(f"{url}/facilitation/{engagement.pk}/meetings/new/")
    look(page, "meeting-form", "Schedule a meeting")
    page.goto(f"{url}/facilitation/{engagement.pk}/pause/")
    page.get_by_role("button", name="Pause").click()
    look(page, "pause", "Pause")
    page.goto(f"{url}/facilitation/new/")
    look(page, "open", "Open an engagement")


def test_the_goal_board_the_national_view_and_an_owners_page_pass_axe(signed_in, live_server):
    from facilitation.links import owner_link_path
    from facilitation.services.plans import action_add, goal_add, priority_add

    page, url, wiltshire = signed_in
    engagement = EngagementFactory(name="Wiltshire 2021", local_authority=wiltshire)
    owner, other = StakeholderFactory.create_batch(2, engagement=engagement)
    today = timezone.localdate()
    priority = priority_add(
        engagement=engagement, title="Clear referral routes", cascade_area="clarity"
    )
    goal = goal_add(
        priority=priority,
        title="One referral form",
        owner=owner,
        due_date=today - dt.timedelta(days=2),
    )
    action_add(goal=goal, title="Draft it", owner=other, due_date=today + dt.timedelta(days=9))

    page.goto(f"{url}/facilitation/{engagement.pk}/goals/")
    look(page, "goals", "Goals: Wiltshire 2021")
    expect(page.get_by_text("Overdue").first).to_be_visible()
    page.locator("#id_goal-title").fill("Named contact in every school")
    page.locator("#id_goal-owner").select_option(str(other.pk))
    page.locator("#id_goal-to").select_option(str(priority.pk))
    page.locator("#id_goal-due_date").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("The goal is added.")).to_be_visible()

    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=today,
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    review = Meeting.objects.create(engagement=engagement, workshop=session, kind="review")
    page.goto(f"{url}/facilitation/meetings/{review.pk}/")
    page.locator(f"#progress-{goal.pk}").select_option("1")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Each goal's progress is recorded.")).to_be_visible()
    look(page, "review", "Review meeting")

    page.goto(f"{url}/facilitation/goals/")
    look(page, "goal-list", "Goals across engagements")
    expect(page.get_by_text("Named contact in every school")).to_be_visible()

    page.context.clear_cookies()  # the owner has no login
    page.goto(f"{url}{owner_link_path(stakeholder=owner)}")
    look(page, "owner", "Your goals and actions")
    prefix = f"#id_goal{goal.pk}"
    page.locator(f"{prefix}-status").select_option("on_track")
    page.locator(f"{prefix}-progress").select_option("2")
    page.get_by_role("button", name="Save One referral form").click()
    expect(page.get_by_text("“One referral form” is saved.")).to_be_visible()
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("on_track", 2)
