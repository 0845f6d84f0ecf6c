"""The admin shows every facilitation record, read-only, linked to the page that changes
it; its action writes through the service (and so keeps the stage history)."""

import datetime as dt

import pytest
from django.urls import reverse

from facilitation.models import Meeting, MeetingInvite, Stage
from facilitation.services.engagements import engagement_move
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def admin_url(obj, view="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


@pytest.fixture
def records():
    engagement = EngagementFactory()
    stakeholder = StakeholderFactory(engagement=engagement)
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=dt.date(2026, 3, 2),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    meeting = Meeting.objects.create(engagement=engagement, workshop=session, kind="support")
    invite = MeetingInvite.objects.create(
        meeting=meeting, stakeholder=stakeholder, told_digest="x", told_at=session.created_at
    )
    return {
        "engagement": engagement,
        "stakeholder": stakeholder,
        "meeting": meeting,
        "invite": invite,
    }


@pytest.mark.parametrize("name", ["engagement", "stakeholder", "meeting", "invite"])
def test_each_record_is_shown_read_only(admin_client, records, name):
    obj = records[name]
    meta = obj._meta
    assert (
        admin_client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        ).status_code
        == 200
    )
    response = admin_client.get(admin_url(obj))
    assert response.status_code == 200
    assert (
        admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code
        == 403
    )
    assert admin_client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    if name != "invite":
        assert "Change it on its page" in response.content.decode()


def test_resuming_in_the_admin_goes_through_the_service(admin_client, admin_user, records):
    engagement = engagement_move(engagement=records["engagement"], move="pause", reason="Purdah")
    response = admin_client.post(
        reverse("admin:facilitation_engagement_changelist"),
        {"action": "resume", "_selected_action": [engagement.pk]},
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.stage == Stage.REQUESTED
    last = engagement.stage_changes.last()
    assert (last.from_stage, last.to_stage, last.by) == (Stage.PAUSED, Stage.REQUESTED, admin_user)


def test_the_plans_are_listed_and_read_only(admin_client, records):
    from facilitation.models import GoalReview
    from facilitation.services.plans import action_add, goal_add, priority_add

    engagement, owner = records["engagement"], records["stakeholder"]
    priority = priority_add(engagement=engagement, title="Routes", cascade_area="clarity")
    goal = goal_add(priority=priority, title="Form", owner=owner, due_date=dt.date(2026, 5, 1))
    action = action_add(goal=goal, title="Draft", owner=owner, due_date=dt.date(2026, 4, 1))
    review = GoalReview.objects.create(
        meeting=records["meeting"], goal=goal, progress=1, status="on_track"
    )
    for obj in (priority, goal, action, review):
        meta = obj._meta
        listing = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(listing).status_code == 200
        assert admin_client.get(admin_url(obj)).status_code == 200
        assert admin_client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
