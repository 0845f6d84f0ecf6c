"""Meetings online: invitations and changes through the outbox (each once, stamped with the
area, with an .ics), reminders, notes with their revisions, attendance by sector."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from facilitation.errors import FacilitationError
from facilitation.models import MeetingKind
from facilitation.services.meetings import (
    meeting_attendance_mark,
    meeting_notes_save,
    meeting_schedule,
    meeting_update,
)
from facilitation.services.reminders import meeting_reminders_send, notes_reminders_send
from facilitation.services.stakeholders import StakeholderDetails, stakeholder_add
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory, StakeholderFactory, future
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db


def details(day, link=""):
    return WorkshopDetails(
        date=day, start_time=dt.time(10), end_time=dt.time(12), joining_link=link
    )


@pytest.fixture
def engagement():
    engagement = EngagementFactory()
    StakeholderFactory.create_batch(3, engagement=engagement)
    return engagement


def emails(kind):
    return OutgoingEmail.objects.filter(kind=kind)


def test_scheduling_invites_everyone_once_with_an_ics_and_the_areas_stamp(engagement, committed):
    meeting = committed(
        meeting_schedule,
        engagement=engagement,
        kind=MeetingKind.CONSULTATION,
        details=details(future()),
        agenda="1. Survey findings",
    )
    sent = emails(EmailKind.MEETING_INVITATION)
    assert sent.count() == 3
    first = sent.first()
    assert first.local_authority_id == engagement.local_authority_id
    assert first.attachments[0]["filename"] == "link-meeting.ics"
    assert "BEGIN:VEVENT" in first.attachments[0]["content"]
    assert "https://meet.example.org/link-room" in first.body_text
    # The same event again tells no one twice.
    from facilitation.notifications import meeting_invitations

    committed(meeting_invitations, meeting_id=meeting.pk)
    assert emails(EmailKind.MEETING_INVITATION).count() == 3


def test_a_change_tells_each_invitee_once_and_a_new_agenda_alone_tells_no_one(
    engagement, committed
):
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future())
    )
    committed(
        meeting_update, meeting=meeting, kind="support", details=details(future()), agenda="New"
    )
    assert emails(EmailKind.MEETING_CHANGE).count() == 0
    committed(meeting_update, meeting=meeting, kind="support", details=details(future(31)))
    committed(meeting_update, meeting=meeting, kind="support", details=details(future(31)))
    assert emails(EmailKind.MEETING_CHANGE).count() == 3


def test_a_stakeholder_added_later_is_invited_to_what_is_still_to_come(engagement, committed):
    committed(meeting_schedule, engagement=engagement, kind="review", details=details(future()))
    committed(
        stakeholder_add,
        engagement=engagement,
        details=StakeholderDetails(
            name="Late", role="other", organisation="VCS", sector="vcs", email="late@x.example"
        ),
    )
    assert emails(EmailKind.MEETING_INVITATION).filter(recipient="late@x.example").count() == 1
    assert emails(EmailKind.MEETING_INVITATION).count() == 4


def test_a_meeting_needs_a_link_and_a_future_date(engagement):
    engagement.joining_link = ""
    engagement.save()
    with pytest.raises(FacilitationError, match="joining link"):
        meeting_schedule(engagement=engagement, kind="support", details=details(future()))
    with pytest.raises(FacilitationError, match="has passed"):
        meeting_schedule(
            engagement=engagement,
            kind="support",
            details=details(timezone.localdate() - dt.timedelta(days=1), "https://x.example"),
        )


def test_reminders_the_day_before_once(engagement, committed, clock):
    committed(meeting_schedule, engagement=engagement, kind="support", details=details(future(5)))
    clock.shift(dt.timedelta(days=4))
    assert meeting_reminders_send() == 3
    assert meeting_reminders_send() == 0
    assert emails(EmailKind.MEETING_REMINDER).count() == 3


def test_notes_revisions_and_the_facilitators_reminder_three_days_on(engagement, committed, clock):
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future(2))
    )
    with pytest.raises(FacilitationError, match="from"):
        meeting_notes_save(meeting=meeting, notes="Too early")
    clock.shift(dt.timedelta(days=4))
    assert notes_reminders_send() == 0  # two days on: not yet
    clock.shift(dt.timedelta(days=1))
    assert notes_reminders_send() == 1
    assert notes_reminders_send() == 0
    reminder = emails(EmailKind.NOTES_REMINDER).get()
    assert reminder.recipient == facilitator.email
    assert f"/facilitation/meetings/{meeting.pk}/" in reminder.body_text
    meeting_notes_save(meeting=meeting, notes="First draft")
    meeting_notes_save(meeting=meeting, notes="Agreed three priorities")
    from facilitation.selectors import meeting_detail

    revisions = [r.notes for r in meeting_detail(meeting=meeting)["revisions"]]
    assert revisions == ["Agreed three priorities", "First draft"]


def test_attendance_by_person_and_counts_by_sector(engagement, committed, clock, client):
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future(1))
    )
    people = list(engagement.stakeholders.order_by("pk"))
    with pytest.raises(FacilitationError, match="from"):
        meeting_attendance_mark(meeting=meeting, present_ids={people[0].pk})
    clock.shift(dt.timedelta(days=1))
    assert meeting_attendance_mark(meeting=meeting, present_ids={people[0].pk, people[1].pk}) == 2
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    page = client.get(reverse("facilitation:meeting", args=[meeting.pk])).content.decode()
    assert "2 attended" in page
    assert f"{people[0].get_sector_display()} 1" in page
    ics = client.get(reverse("facilitation:meeting-calendar", args=[meeting.pk]))
    assert ics["Content-Type"] == "text/calendar"
