"""Reads of priorities, goals and actions: an engagement's goal board, the national view and
an owner's own list, each in a fixed number of queries."""

from collections import Counter

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from facilitation.models import (
    OPEN_GOAL_STATUSES,
    Action,
    CascadeArea,
    Engagement,
    Goal,
    GoalStatus,
    Stakeholder,
)


def goal_board(*, engagement: Engagement) -> dict:
    """An engagement's priorities with their goals and each goal's actions and owners."""
    today = timezone.localdate()
    priorities = list(
        engagement.priorities.prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("owner").prefetch_related(
                    Prefetch("actions", queryset=Action.objects.select_related("owner"))
                ),
            )
        ).order_by("pk")
    )
    for priority in priorities:
        for goal in priority.goals.all():
            goal.overdue = goal.status in OPEN_GOAL_STATUSES and goal.due_date < today
            for action in goal.actions.all():
                action.overdue = action.status in OPEN_GOAL_STATUSES and action.due_date < today
    return {"priorities": priorities}


def goals_in_scope(*, engagements: QuerySet[Engagement]) -> QuerySet[Goal]:
    """Every goal of ``engagements`` (already scoped), with its priority, engagement, owner."""
    return (
        Goal.objects.filter(priority__engagement__in=engagements.values("pk"))
        .select_related("priority__engagement", "owner")
        .order_by("due_date", "pk")
    )


def goals_summary(goals: QuerySet[Goal]) -> dict:
    """How many goals in each CASCADE area and status (one query)."""
    rows = goals.values_list("priority__cascade_area", "status")
    by_area, by_status = Counter(), Counter()
    for area, status in rows:
        by_area[area] += 1
        by_status[status] += 1
    return {
        "areas": [(label, by_area.get(value, 0)) for value, label in CascadeArea.choices],
        "statuses": [(label, by_status.get(value, 0)) for value, label in GoalStatus.choices],
    }


def owner_items(*, stakeholder: Stakeholder) -> dict:
    """What ``stakeholder`` owns: their goals and actions, with the priority of each."""
    return {
        "goals": list(stakeholder.goals.select_related("priority").order_by("due_date", "pk")),
        "actions": list(stakeholder.actions.select_related("goal").order_by("due_date", "pk")),
    }


def review_goals(*, meeting) -> list[Goal]:
    """The engagement's goals, each with what this review recorded of it (``reviewed``)."""
    reviews = {r.goal_id: r for r in meeting.goal_reviews.all()}
    goals = list(
        Goal.objects.filter(priority__engagement=meeting.engagement_id)
        .select_related("priority", "owner")
        .order_by("priority_id", "due_date", "pk")
    )
    for goal in goals:
        goal.reviewed = reviews.get(goal.pk)
    return goals
