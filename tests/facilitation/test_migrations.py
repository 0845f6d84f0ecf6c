"""The migration that gives each meeting its own invite list, run on rows entered before it:
each meeting's list is every stakeholder of its engagement (as invitations were sent until
then), those told keep what they were told, and the calendar sequence continues above the
one the invitations carried."""

import datetime as dt

import pytest

from facilitation.models import Meeting, MeetingInvite
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from tests.workshops.test_migrations import migrate, old
from workshops.models import Workshop

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BEFORE = ("facilitation", "0003_anonymised_stakeholders")


@pytest.fixture
def before_invite_lists():
    engagement = EngagementFactory()
    told, untold = StakeholderFactory.create_batch(2, engagement=engagement)
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=dt.date(2026, 3, 2),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    migrate(BEFORE)
    meeting = old("facilitation", "Meeting").objects.create(
        engagement_id=engagement.pk, workshop_id=session.pk, kind="consultation"
    )
    old("facilitation", "MeetingInvite").objects.create(
        meeting_id=meeting.pk, stakeholder_id=told.pk, told_digest="abc", told_at=session.created_at
    )
    yield meeting.pk, told, untold, session
    migrate()


def test_every_stakeholder_is_on_each_list_and_what_was_told_is_kept(before_invite_lists):
    meeting_id, told, untold, session = before_invite_lists
    migrate()
    meeting = Meeting.objects.get(pk=meeting_id)
    assert meeting.invite_all and not meeting.is_cancelled
    assert meeting.sequence == int(session.updated_at.timestamp()) // 60
    invites = dict(
        MeetingInvite.objects.filter(meeting=meeting).values_list("stakeholder_id", "told_digest")
    )
    assert invites == {told.pk: "abc", untold.pk: ""}
