"""Owners' reminders: a goal or action still open is reminded of once
``conf.plan_reminder_days()`` before it is due, and once when its due date passes; each with
the owner's personal link. Let out once by the record's own mark, written in the transaction
that queues the email (``reminded_due``, ``reminded_overdue``); the outbox's key (kind,
recipient, item, occurrence) stops a repeat as well."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from facilitation import conf
from facilitation.links import owner_link_path
from facilitation.models import OPEN_GOAL_STATUSES, Action, Goal, Stage
from outbox.models import EmailKind
from outbox.services import Areas, email_enqueue


def _remind(item, *, what: str, engagement, overdue: bool) -> bool:
    owner = item.owner
    _, created = email_enqueue(
        kind=EmailKind.PLAN_REMINDER,
        recipient=owner.email,
        template="plan_reminder",
        context={
            "name": owner.name,
            "what": what,
            "item": item,
            "engagement": engagement,
            "overdue": overdue,
            "link": settings.LINK_BASE_URL + owner_link_path(stakeholder=owner),
        },
        concerns=item,
        occurrence=f"{'overdue' if overdue else 'due'}-{item.due_date.isoformat()}",
        campaign=engagement.campaign,
        areas=Areas.of(engagement),
    )
    return created


def plan_reminders_send(*, now: datetime | None = None) -> int:
    """Remind owners of the goals and actions due soon or just passed; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = today + timedelta(days=conf.plan_reminder_days())
    queued = 0
    for model, what, path in ((Goal, "goal", "priority"), (Action, "action", "goal__priority")):
        live = model.objects.filter(status__in=OPEN_GOAL_STATUSES).exclude(
            **{f"{path}__engagement__stage__in": (Stage.CLOSED, Stage.PAUSED)}
        )
        related = ("owner", f"{path}__engagement")
        for field, overdue, due in (
            ("reminded_due", False, live.filter(due_date__gte=today, due_date__lte=soon)),
            ("reminded_overdue", True, live.filter(due_date__lt=today)),
        ):
            for item in due.filter(**{f"{field}__isnull": True}).select_related(*related):
                engagement = (item.priority if what == "goal" else item.goal.priority).engagement
                with transaction.atomic():
                    if not model.objects.filter(pk=item.pk, **{f"{field}__isnull": True}).update(
                        **{field: today}
                    ):
                        continue
                    queued += _remind(item, what=what, engagement=engagement, overdue=overdue)
    return queued
