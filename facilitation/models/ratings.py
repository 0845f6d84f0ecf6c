"""Did joint working improve? The stakeholders rate the seven CASCADE areas at the
consultation and again at the final review, each from their own signed link (no login). The
evaluation report shows the response rates and the paired change
(``evaluation.selectors.facilitation``), with the evaluation's suppression.

A rating is about how the area works together, but it is still one person's view, so the
link to the person goes when the stakeholder is anonymised (``facilitation.retention``): a
request then keeps a random ``pair_key`` shared by that person's requests, so pairs already
formed stay pairs and no figure moves.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from facilitation.models.engagements import Engagement
from facilitation.models.people import Stakeholder
from facilitation.models.plans import CascadeArea

RATING_MIN, RATING_MAX = 1, 5


class RatingPoint(models.TextChoices):
    """When the stakeholders rate: the paired change runs from the first to the second."""

    CONSULTATION = "consultation", _("Consultation")
    FINAL_REVIEW = "final_review", _("Final review")


class RatingRound(TimeStampedModel):
    """The stakeholders of an engagement asked to rate the CASCADE areas at one time point:
    opened by a facilitator (which emails each stakeholder their link), closed when done."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="rating_rounds",
        verbose_name=_("engagement"),
    )
    point = models.CharField(_("time point"), max_length=15, choices=RatingPoint.choices)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("CASCADE rating round")
        verbose_name_plural = _("CASCADE rating rounds")
        ordering = ["engagement", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "point"],
                name="rating_round_once_per_point",
                violation_error_message=_("This engagement has already rated at this point."),
            ),
            models.CheckConstraint(
                condition=Q(point__in=RatingPoint.values), name="rating_round_point_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.get_point_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RatingRequest(TimeStampedModel):
    """One stakeholder asked to rate in one round, and whether (and when) they did. The
    ratings hang from it (``ratings``); one response per stakeholder per round, changed by
    submitting again until the round closes."""

    round = models.ForeignKey(
        RatingRound, on_delete=models.CASCADE, related_name="requests", verbose_name=_("round")
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rating_requests",
        verbose_name=_("stakeholder"),
        help_text=_("Empty once the stakeholder is anonymised: the ratings are then anonymous."),
    )
    pair_key = models.CharField(
        _("pair key"),
        max_length=32,
        blank=True,
        help_text=_("A random key shared by one person's requests once the link to them goes."),
    )
    sent_at = models.DateTimeField(_("link sent"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("rated"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        help_text=_("A facilitator who entered ratings given at the meeting."),
    )

    class Meta:
        verbose_name = _("CASCADE rating request")
        verbose_name_plural = _("CASCADE rating requests")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "stakeholder"],
                condition=Q(stakeholder__isnull=False),
                name="rating_request_once_per_stakeholder",
            ),
        ]
        indexes = [models.Index(fields=["round", "submitted_at"], name="rating_request_rated")]

    def __str__(self) -> str:
        return f"{self.round}: request {self.pk}"


class CascadeRating(models.Model):
    """How one stakeholder rated one CASCADE area: 1 (poor) to 5 (excellent), or no score
    when they said they do not know."""

    request = models.ForeignKey(
        RatingRequest, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("request")
    )
    area = models.CharField(_("CASCADE area"), max_length=20, choices=CascadeArea.choices)
    score = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, help_text=_("Empty: “don't know”.")
    )

    class Meta:
        verbose_name = _("CASCADE rating")
        verbose_name_plural = _("CASCADE ratings")
        constraints = [
            models.UniqueConstraint(fields=["request", "area"], name="cascade_rating_once"),
            models.CheckConstraint(
                condition=Q(area__in=CascadeArea.values), name="cascade_rating_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=RATING_MIN, score__lte=RATING_MAX),
                name="cascade_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.score or 'don’t know'}"
