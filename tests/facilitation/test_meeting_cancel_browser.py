"""A facilitator, in Chromium at 1366 and 390 wide, narrows a support session's invite list
(the mix warns of the sectors left out) and then cancels the meeting; axe-core finds nothing
serious on any page on the way."""

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from facilitation.models import Meeting, Stage
from facilitation.services.meetings import meeting_schedule
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.conftest import assert_accessible
from tests.facilitation.factories import SECTORS, EngagementFactory, StakeholderFactory, future
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.browser
WIDTHS = (1366, 390)


def look(page, heading: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways


def test_a_facilitator_edits_an_invite_list_then_cancels_the_meeting(
    live_server, page, client, outbox_broker
):
    facilitator = user_with_role(Role.FACILITATOR)
    engagement = EngagementFactory(name="Wiltshire 2021", stage=Stage.SUPPORT)
    engagement.facilitators.add(facilitator)
    people = [StakeholderFactory(engagement=engagement, sector=sector) for sector in SECTORS]
    people[0].is_lead = True
    people[0].save()
    details = WorkshopDetails(date=future(10), start_time=dt.time(14), end_time=dt.time(15))
    meeting = meeting_schedule(engagement=engagement, kind="support", details=details)
    from facilitation.notifications import meeting_invitations

    meeting_invitations(meeting_id=meeting.pk)  # the invitations went out
    client.force_login(facilitator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto(f"{live_server.url}/facilitation/meetings/{meeting.pk}/")
    look(page, "Support session")
    page.get_by_role("link", name="Edit the invite list").click()
    look(page, "Who is invited")
    page.get_by_label("Only the people ticked below").check()
    for person in people:  # the list as it is: everyone ticked
        page.get_by_label(person.name, exact=False).uncheck()
    page.get_by_role("button", name="Save the invite list").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_contain_text(
        "Tick at least one person"
    )
    look(page, "Who is invited")
    page.get_by_label("Only the people ticked below").check()
    for person in people[:2]:  # education and NHS CYPMHS only
        page.get_by_label(person.name, exact=False).check()
    page.get_by_role("button", name="Save the invite list").click()
    expect(page.get_by_text("3 taken off")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="No one from")).to_contain_text(
        "Local authority"
    )
    look(page, "Support session")

    page.get_by_role("link", name="Cancel meeting").click()
    look(page, "Cancel the support session")
    page.get_by_role("button", name="Cancel the meeting").click()
    look(page, "Cancel the support session")  # the reason is asked for
    page.get_by_label("Why").fill("The lead contact is on leave")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.locator("#cancelled")).to_contain_text("The lead contact is on leave")
    expect(page.get_by_role("link", name="Cancel meeting")).to_have_count(0)
    look(page, "Support session")

    page.get_by_role("link", name="Back to Wiltshire 2021").click()
    expect(page.locator("#meetings")).to_contain_text("cancelled")
    expect(page.locator("#next-step")).to_contain_text("Schedule the tailored support sessions")
    look(page, "Wiltshire 2021")

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.cancelled_by == facilitator
    # Three told they are no longer needed, then the two still invited told it is cancelled.
    assert OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION).count() == 5
