"""What an engagement's stakeholders agree: joint working priorities (each linked to one of
the seven CASCADE areas), their goals (an owner, a due date, a status and a progress
rating) and each goal's actions. Every change is kept (``history``); owners update their own
goals and actions from a signed link, without a login."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from facilitation.models.engagements import Engagement
from facilitation.models.meetings import Meeting
from facilitation.models.people import Stakeholder


class CascadeArea(models.TextChoices):
    """The CASCADE framework's seven areas of joint working, named as the surveys name them
    (``evaluation/seed/questions.py``)."""

    CLARITY = "clarity", _("Clarity on roles and responsibilities")
    POINTS_OF_CONTACT = "points_of_contact", _("Agreed use of key points of contact")
    SHARED_PLANNING = "shared_planning", _("Structures for shared planning")
    OUTCOME_MEASURES = "outcome_measures", _("A common approach to outcome measures")
    BEST_PRACTICE = "best_practice", _("Learning from best practice")
    INTEGRATED_WORKING = "integrated_working", _("Integrated working for faster access to support")
    EVIDENCE_BASED = "evidence_based", _("An evidence-based approach to intervention")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


#: Goals and actions still being worked on (reminded of, shown as overdue).
OPEN_GOAL_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.ON_TRACK, GoalStatus.AT_RISK)


class Progress(models.IntegerChoices):
    """How far a goal has got, as its owner or a review meeting rates it."""

    NONE = 0, _("0: no progress yet")
    LITTLE = 1, _("1: a little")
    SOME = 2, _("2: some")
    MOST = 3, _("3: most of the way")
    ACHIEVED = 4, _("4: achieved")


class Priority(TimeStampedModel):
    """A joint working priority the stakeholders agreed (usually at the consultation)."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="priorities",
        verbose_name=_("engagement"),
    )
    title = models.CharField(_("priority"), max_length=200, validators=[validate_one_line])
    cascade_area = models.CharField(_("CASCADE area"), max_length=20, choices=CascadeArea.choices)
    agreed_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priorities",
        verbose_name=_("agreed at"),
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["engagement", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cascade_area__in=CascadeArea.values), name="priority_cascade_area"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Goal(TimeStampedModel):
    """A goal towards a priority: its owner (a stakeholder), due date, status and progress."""

    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, related_name="goals", verbose_name=_("priority")
    )
    title = models.CharField(_("goal"), max_length=200, validators=[validate_one_line])
    owner = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="goals", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), choices=Progress.choices, default=Progress.NONE
    )
    reminded_due = models.DateField(
        _("reminded before the due date"), null=True, blank=True, editable=False
    )
    reminded_overdue = models.DateField(
        _("reminded when overdue"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "reminded_due", "reminded_overdue"]
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["priority", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_status"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=4), name="goal_progress_0_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Action(TimeStampedModel):
    """A step towards a goal, with its owner (a stakeholder) and due date."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("goal")
    )
    title = models.CharField(_("action"), max_length=200, validators=[validate_one_line])
    owner = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="actions", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    reminded_due = models.DateField(null=True, blank=True, editable=False)
    reminded_overdue = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "reminded_due", "reminded_overdue"]
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["goal", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="action_status")
        ]

    def __str__(self) -> str:
        return self.title


class GoalReview(models.Model):
    """A goal's progress as a review meeting recorded it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="goal_reviews", verbose_name=_("meeting")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("goal")
    )
    progress = models.PositiveSmallIntegerField(_("progress"), choices=Progress.choices)
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_one_line])

    class Meta:
        verbose_name = _("goal review")
        verbose_name_plural = _("goal reviews")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "goal"], name="goal_review_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.goal} at {self.meeting}"
