"""Pages and sends cost the same at 5 stakeholders and at 500 (queries pinned), and an
upload of 500 rows or a meeting's invitations to 500 are one request's fixed work."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from facilitation.links import owner_link_path
from facilitation.services.meetings import meeting_attendance_mark, meeting_schedule
from facilitation.services.plans import action_add, goal_add, priority_add
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.conftest import at_scale
from tests.facilitation.factories import EngagementFactory, StakeholderFactory, future
from tests.request_cost import request_cost
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db

#: The most queries each page may cost, at 5 stakeholders or at 500.
PAGE_QUERIES = {"list": 11, "detail": 17, "meeting": 14, "goals": 18, "goal-list": 12, "owner": 8}


def world(size: int, committed, clock):
    engagement = EngagementFactory()
    StakeholderFactory.create_batch(size, engagement=engagement, is_lead=False)
    details = WorkshopDetails(date=future(1), start_time=dt.time(10), end_time=dt.time(12))
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details
    )
    clock.shift(dt.timedelta(days=1))
    present = set(engagement.stakeholders.values_list("pk", flat=True)[: size // 2])
    meeting_attendance_mark(meeting=meeting, present_ids=present)
    meeting.notes = "Agreed"
    meeting.save()
    meeting.notes = "Agreed three priorities"
    meeting.save()
    owners = list(engagement.stakeholders.order_by("pk")[:5])
    for n in range(3):
        priority = priority_add(
            engagement=engagement, title=f"Priority {n}", cascade_area="clarity"
        )
        for owner in owners:
            goal = goal_add(priority=priority, title="Goal", owner=owner, due_date=future(40))
            action_add(goal=goal, title="Action", owner=owner, due_date=future(20))
    return engagement, meeting


@pytest.mark.parametrize("size", [5, 500])
def test_pages_cost_the_same_at_5_and_500_stakeholders(
    size, client, committed, clock, monkeypatch, django_assert_max_num_queries
):
    engagement, meeting = world(size, committed, clock)
    assert OutgoingEmail.objects.filter(kind=EmailKind.MEETING_INVITATION).count() == size
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    urls = {
        "list": reverse("facilitation:list"),
        "detail": reverse("facilitation:detail", args=[engagement.pk]),
        "meeting": reverse("facilitation:meeting", args=[meeting.pk]),
        "goals": reverse("facilitation:goals", args=[engagement.pk]),
        "goal-list": reverse("facilitation:goal-list"),
        "owner": owner_link_path(stakeholder=engagement.stakeholders.order_by("pk").first()),
    }
    for name, url in urls.items():
        cost = request_cost(monkeypatch, lambda url=url: client.get(url))
        assert cost.status_code == 200, name
        assert cost.queries <= PAGE_QUERIES[name], (name, size, cost.queries)
        print(f"{name} at {size} stakeholders: {cost.queries} queries")  # noqa: T201


@pytest.mark.parametrize("size", [5, at_scale(500)])
def test_scheduling_a_meeting_costs_one_fan_out_whatever_the_invite_list(
    size, client, monkeypatch, outbox_broker
):
    outbox_broker.run_fan_outs = False
    engagement = EngagementFactory()
    StakeholderFactory.create_batch(size, engagement=engagement)
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    day = timezone.localdate() + dt.timedelta(days=20)
    cost = request_cost(
        monkeypatch,
        lambda: client.post(
            reverse("facilitation:meeting-create", args=[engagement.pk]),
            {
                "kind": "support",
                "date": day.isoformat(),
                "start_time": "10:00",
                "end_time": "11:00",
            },
        ),
    )
    assert cost.status_code == 302
    assert cost.queries <= 23, cost.queries  # the invite list: its choices, check, insert
    print(f"schedule at {size}: {cost.queries} queries, {cost.publishes} publishes")  # noqa: T201
