"""Priorities, goals and actions: linked to CASCADE areas, owned by stakeholders who update
them from a signed link (no login), reminded before and after their due dates, reviewed at
review meetings; every change kept."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from facilitation.errors import FacilitationError
from facilitation.links import OWNER_LINKS, owner_link_path
from facilitation.models import Goal, GoalStatus, Meeting, MeetingKind
from facilitation.services.plan_reminders import plan_reminders_send
from facilitation.services.plans import (
    action_add,
    goal_add,
    goal_review_record,
    priority_add,
)
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    engagement = EngagementFactory()
    owner = StakeholderFactory(engagement=engagement, name="Ann O'Keefe")
    priority = priority_add(
        engagement=engagement, title="Clear referral routes", cascade_area="clarity"
    )
    goal = goal_add(
        priority=priority,
        title="One referral form",
        owner=owner,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    action = action_add(
        goal=goal,
        title="Draft the form",
        owner=owner,
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    return {"engagement": engagement, "owner": owner, "goal": goal, "action": action}


def test_an_owner_is_a_stakeholder_of_the_engagement_and_areas_are_cascades(plan):
    with pytest.raises(FacilitationError, match="not a stakeholder"):
        goal_add(
            priority=plan["goal"].priority,
            title="X",
            owner=StakeholderFactory(),
            due_date=timezone.localdate(),
        )
    with pytest.raises(FacilitationError, match="CASCADE"):
        priority_add(engagement=plan["engagement"], title="X", cascade_area="magic")


def test_an_owner_updates_their_own_goal_from_their_link_and_the_history_keeps_it(client, plan):
    path = owner_link_path(stakeholder=plan["owner"])
    page = client.get(path)
    assert page.status_code == 200
    assert "One referral form" in page.content.decode()
    goal = plan["goal"]
    url = reverse("facilitation:owner-goal", args=[path.split("/")[-2], goal.pk])
    prefix = f"goal{goal.pk}"
    response = client.post(
        url,
        {
            f"{prefix}-status": "on_track",
            f"{prefix}-progress": "2",
            f"{prefix}-due_date": goal.due_date.isoformat(),
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (GoalStatus.ON_TRACK, 2)
    last = goal.history.first()
    assert last.history_user.get_full_name() == "Owner, by their personal link"
    assert goal.history.count() == 2


def test_someone_elses_item_an_altered_link_and_an_old_link(client, plan):
    other = StakeholderFactory(engagement=plan["engagement"])
    token = OWNER_LINKS.token(other.pk)
    url = reverse("facilitation:owner-goal", args=[token, plan["goal"].pk])
    assert client.post(url, {}).status_code == 404
    assert client.get(reverse("facilitation:owner", args=[token + "x"])).status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=91)):
        page = client.get(reverse("facilitation:owner", args=[token]))
    assert "This link has expired" in page.content.decode()


def test_owners_are_reminded_before_the_due_date_and_when_it_passes_once_each(clock, plan):
    assert plan_reminders_send() == 1  # the action, due in 5 days (the goal in 20)
    assert plan_reminders_send() == 0
    clock.shift(dt.timedelta(days=6))
    assert plan_reminders_send() == 1  # the action overdue
    clock.shift(dt.timedelta(days=8))
    assert plan_reminders_send() == 1  # the goal due within the week
    reminders = OutgoingEmail.objects.filter(kind=EmailKind.PLAN_REMINDER)
    assert reminders.count() == 3
    assert all("/facilitation/mine/" in e.body_text for e in reminders)
    assert "Ann O'Keefe" in reminders.first().body_text
    assert {e.local_authority_id for e in reminders} == {plan["engagement"].local_authority_id}


def test_a_review_meeting_records_each_goals_progress(plan):
    engagement = plan["engagement"]
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=timezone.localdate(),
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    review = Meeting.objects.create(engagement=engagement, workshop=session, kind="review")
    goal_review_record(meeting=review, goal=plan["goal"], progress=3, status="on_track")
    goal = Goal.objects.get(pk=plan["goal"].pk)
    assert (goal.progress, goal.reviews.get().progress) == (3, 3)
    review.kind = MeetingKind.SUPPORT
    with pytest.raises(FacilitationError, match="review meeting"):
        goal_review_record(meeting=review, goal=goal, progress=1, status="at_risk")


def test_the_goal_board_and_the_national_view(client, plan):
    engagement = plan["engagement"]
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    board = client.get(reverse("facilitation:goals", args=[engagement.pk])).content.decode()
    assert "Clear referral routes" in board and "Draft the form" in board
    response = client.post(
        reverse("facilitation:add-goal", args=[engagement.pk]),
        {
            "goal-to": plan["goal"].priority_id,
            "goal-title": "Named contact per school",
            "goal-owner": plan["owner"].pk,
            "goal-due_date": "2027-01-01",
        },
    )
    assert response.status_code == 302
    national = client.get(reverse("facilitation:goal-list") + "?area=clarity").content.decode()
    assert "Named contact per school" in national and "One referral form" in national
    client.force_login(
        user_with_role(
            Role.REGIONAL_COORDINATOR,
            "elsewhere",
            local_authorities=[StakeholderFactory().engagement.local_authority],
        )
    )
    assert client.get(reverse("facilitation:goals", args=[engagement.pk])).status_code == 404
    assert "One referral form" not in client.get(reverse("facilitation:goal-list")).content.decode()


def test_the_review_meeting_page_records_each_goals_progress(client, plan):
    engagement = plan["engagement"]
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=timezone.localdate(),
        start_time=dt.time(10),
        end_time=dt.time(11),
    )
    review = Meeting.objects.create(engagement=engagement, workshop=session, kind="review")
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    url = reverse("facilitation:meeting", args=[review.pk])
    assert "Progress of each goal" in client.get(url).content.decode()
    goal = plan["goal"]
    client.post(
        reverse("facilitation:meeting-review", args=[review.pk]),
        {f"progress-{goal.pk}": "3", f"status-{goal.pk}": "at_risk", f"note-{goal.pk}": "Slow"},
    )
    goal.refresh_from_db()
    assert (goal.progress, goal.status, goal.reviews.get().note) == (3, "at_risk", "Slow")
    client.post(
        reverse("facilitation:meeting-review", args=[review.pk]),
        {f"progress-{goal.pk}": "9", f"status-{goal.pk}": "done"},
    )
    goal.refresh_from_db()
    assert goal.progress == 3  # refused, nothing saved
