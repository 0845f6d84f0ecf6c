"""Priorities, goals and actions: agreed at the consultation, owned by stakeholders, updated
by their owners (from a signed link) or by the programme's staff, and reviewed at review
meetings. Every change is kept in the records' history, with who made it."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.actors import takes_actor
from core.validators import field_values_check
from facilitation.errors import FacilitationError
from facilitation.models import (
    Action,
    CascadeArea,
    Engagement,
    Goal,
    GoalReview,
    GoalStatus,
    Meeting,
    MeetingKind,
    Priority,
    Progress,
    Stage,
    Stakeholder,
)


def _open(engagement: Engagement) -> None:
    if engagement.stage == Stage.CLOSED:
        raise FacilitationError(f"{engagement.name} is closed.")


def _owner(engagement: Engagement, owner: Stakeholder) -> None:
    if owner.engagement_id != engagement.pk:
        raise FacilitationError(f"{owner.name} is not a stakeholder of {engagement.name}.")


def _status(status: str, progress: int | None = None) -> None:
    if status not in GoalStatus.values:
        raise FacilitationError(f"Unknown status {status!r}.")
    if progress is not None and progress not in Progress.values:
        raise FacilitationError("Progress is rated from 0 (none yet) to 4 (achieved).")


@takes_actor
def priority_add(
    *, engagement: Engagement, title: str, cascade_area: str, agreed_at: Meeting | None = None
) -> Priority:
    """Record a joint working priority, linked to one of the seven CASCADE areas."""
    if cascade_area not in CascadeArea.values:
        raise FacilitationError(f"Unknown CASCADE area {cascade_area!r}.")
    field_values_check(Priority, error=FacilitationError, title=title)
    if agreed_at is not None and agreed_at.engagement_id != engagement.pk:
        raise FacilitationError("That meeting is not one of this engagement's.")
    _open(engagement)
    return Priority.objects.create(
        engagement=engagement, title=title, cascade_area=cascade_area, agreed_at=agreed_at
    )


@takes_actor
def goal_add(*, priority: Priority, title: str, owner: Stakeholder, due_date: dt.date) -> Goal:
    """Add a goal towards ``priority``, owned by one of the engagement's stakeholders."""
    field_values_check(Goal, error=FacilitationError, title=title)
    engagement = priority.engagement
    _open(engagement)
    _owner(engagement, owner)
    return Goal.objects.create(priority=priority, title=title, owner=owner, due_date=due_date)


@takes_actor
def action_add(*, goal: Goal, title: str, owner: Stakeholder, due_date: dt.date) -> Action:
    """Add an action towards ``goal``, owned by one of the engagement's stakeholders."""
    field_values_check(Action, error=FacilitationError, title=title)
    engagement = goal.priority.engagement
    _open(engagement)
    _owner(engagement, owner)
    return Action.objects.create(goal=goal, title=title, owner=owner, due_date=due_date)


@takes_actor
def goal_update(*, goal: Goal, status: str, progress: int, due_date: dt.date | None = None) -> Goal:
    """Set a goal's status and progress (and its due date, if given); a new due date may be
    reminded of again. Saving it unchanged writes nothing."""
    _status(status, progress)
    with transaction.atomic():
        goal = (
            Goal.objects.select_for_update(of=("self",))
            .select_related("priority__engagement")
            .get(pk=goal.pk)
        )
        _open(goal.priority.engagement)
        due_date = due_date or goal.due_date
        if (goal.status, goal.progress, goal.due_date) == (status, progress, due_date):
            return goal
        if due_date != goal.due_date:
            goal.reminded_due = goal.reminded_overdue = None
        goal.status, goal.progress, goal.due_date = status, progress, due_date
        goal.save()
    return goal


@takes_actor
def action_update(*, action: Action, status: str, due_date: dt.date | None = None) -> Action:
    """Set an action's status (and due date, if given). Saving it unchanged writes nothing."""
    _status(status)
    with transaction.atomic():
        action = (
            Action.objects.select_for_update(of=("self",))
            .select_related("goal__priority__engagement")
            .get(pk=action.pk)
        )
        _open(action.goal.priority.engagement)
        due_date = due_date or action.due_date
        if (action.status, action.due_date) == (status, due_date):
            return action
        if due_date != action.due_date:
            action.reminded_due = action.reminded_overdue = None
        action.status, action.due_date = status, due_date
        action.save()
    return action


@takes_actor
def goal_review_record(
    *, meeting: Meeting, goal: Goal, progress: int, status: str, note: str = ""
) -> GoalReview:
    """A review meeting records a goal's progress: kept with the meeting, and set on the
    goal. Recording it again at the same meeting corrects it."""
    _status(status, progress)
    if meeting.kind != MeetingKind.REVIEW:
        raise FacilitationError("Goals are reviewed at a review meeting.")
    if goal.priority.engagement_id != meeting.engagement_id:
        raise FacilitationError("That goal is not one of this engagement's.")
    if meeting.workshop.date > timezone.localdate():
        raise FacilitationError("Progress is recorded at the review, on or after its day.")
    field_values_check(GoalReview, error=FacilitationError, note=note)
    with transaction.atomic():
        review, _ = GoalReview.objects.update_or_create(
            meeting=meeting,
            goal=goal,
            defaults={"progress": progress, "status": status, "note": note},
        )
        goal_update(goal=goal, status=status, progress=progress)
    return review
