"""Editing a meeting's invite list and cancelling it cost the same at 5 stakeholders and at
500: the pages, the requests (one fan-out each) and the fan-outs that queue the emails."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from facilitation.models import Meeting
from facilitation.services.meetings import meeting_schedule
from outbox.fanout import handler_for
from outbox.models import EmailKind, FanOut, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.conftest import at_scale
from tests.facilitation.factories import EngagementFactory, StakeholderFactory, future
from tests.request_cost import request_cost
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db

#: The most queries each may cost, at 5 stakeholders or at 500.
COST = {"invites-page": 10, "invites-post": 17, "cancel-post": 12, "fan-out": 12}


def fan_outs_run(django_assert_max_num_queries) -> None:
    """Run the fan-outs waiting, each within its pinned number of queries."""
    for row in FanOut.objects.filter(done_at__isnull=True).order_by("pk"):
        with django_assert_max_num_queries(COST["fan-out"]) as queries:
            handler_for(row.name)(**row.payload)
        print(f"{row.name}: {len(queries)} queries")  # noqa: T201
        row.done_at = row.created_at
        row.save()


@pytest.mark.parametrize("size", [5, at_scale(500)])
def test_the_invite_list_and_cancelling_cost_the_same_at_5_and_500(
    size, client, committed, monkeypatch, outbox_broker, django_assert_max_num_queries
):
    engagement = EngagementFactory()
    StakeholderFactory.create_batch(size, engagement=engagement)
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    outbox_broker.run_fan_outs = False
    details = WorkshopDetails(date=future(), start_time=dt.time(10), end_time=dt.time(12))
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details
    )
    fan_outs_run(django_assert_max_num_queries)
    assert OutgoingEmail.objects.filter(kind=EmailKind.MEETING_INVITATION).count() == size
    client.force_login(facilitator)

    url = reverse("facilitation:meeting-invites", args=[meeting.pk])
    cost = request_cost(monkeypatch, lambda: client.get(url))
    assert (cost.status_code, cost.queries <= COST["invites-page"]) == (200, True), cost
    print(f"invite list page at {size}: {cost.queries} queries")  # noqa: T201

    half = list(engagement.stakeholders.order_by("pk").values_list("pk", flat=True)[: size // 2])
    cost = request_cost(monkeypatch, lambda: client.post(url, {"everyone": "no", "invitees": half}))
    assert (cost.status_code, cost.queries <= COST["invites-post"]) == (302, True), cost
    print(f"invite list saved at {size}: {cost.queries} queries")  # noqa: T201
    fan_outs_run(django_assert_max_num_queries)
    off = size - size // 2
    assert OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION).count() == off

    cancel = reverse("facilitation:meeting-cancel", args=[meeting.pk])
    cost = request_cost(monkeypatch, lambda: client.post(cancel, {"reason": "Snowed in"}))
    assert (cost.status_code, cost.queries <= COST["cancel-post"]) == (302, True), cost
    print(f"cancel at {size}: {cost.queries} queries")  # noqa: T201
    fan_outs_run(django_assert_max_num_queries)
    assert OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION).count() == size
    assert Meeting.objects.get(pk=meeting.pk).is_cancelled

    page = reverse("facilitation:meeting", args=[meeting.pk])
    cost = request_cost(monkeypatch, lambda: client.get(page))
    assert (cost.status_code, cost.queries <= 14) == (200, True), cost
