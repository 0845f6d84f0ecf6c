"""Questionnaires as data: versioned questionnaires, their sections, questions and choices;
the audiences, kinds of question, outcomes and time points they are built from."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import validate_one_line
from workshops.models import ParticipantKind

LIKERT_MIN = 1
LIKERT_MAX = 5

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*\Z",
    _("Use lower-case letters, digits and underscores, starting with a letter."),
)


class Audience(models.TextChoices):
    """Who a questionnaire is for."""

    SCHOOL_STAFF = "school_staff", _("School and college staff")
    PROFESSIONALS = "professionals", _("Professionals (health services and partners)")


#: Which questionnaire each kind of participant answers: the one place that maps a kind of
#: person on a delivery to an audience (a new kind of participant adds a line here).
AUDIENCE_OF_PARTICIPANT = {
    ParticipantKind.SCHOOL_ATTENDEE: Audience.SCHOOL_STAFF,
    ParticipantKind.PROFESSIONAL: Audience.PROFESSIONALS,
}


class QuestionKind(models.TextChoices):
    """How a question is answered."""

    LIKERT = "likert", _("Scale of 1 to 5 with labelled ends")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("One of a list of choices")
    NUMBER = "number", _("A whole number")
    FREE_TEXT = "free_text", _("Free text")


class Outcome(models.TextChoices):
    """The outcome a question measures: the reports group and pair answers by it."""

    CONTACT = "contact", _("Contact between schools and CYPMHS")
    COMMUNICATION = "communication", _("Communication and working relationships")
    REFERRAL_ROUTES = "referral_routes", _("Understanding of referral routes")
    KNOWLEDGE = "knowledge", _("Knowledge and awareness of mental health issues and risk factors")
    REFERRAL_CONFIDENCE = "referral_confidence", _("Confidence in making appropriate referrals")
    ACTION_PLANNING = "action_planning", _("Action planning and local priorities")
    WELLBEING = "wellbeing", _("Measuring wellbeing")
    CASCADE = "cascade", _("CASCADE ratings of joint working")
    FEEDBACK = "feedback", _("Feedback on the programme")


class TimePoint(models.TextChoices):
    """When someone is asked: before workshop 1, after workshop 2, and months later."""

    BASELINE = "baseline", _("Baseline (before workshop 1)")
    POST = "post", _("After the programme (after workshop 2)")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Questionnaire(TimeStampedModel):
    """One version of a questionnaire.

    The versions of a questionnaire share a ``family`` key and are numbered from 1. A
    published version is what people are sent; it is read-only, and so is any version with
    responses: to change one, make a new version (``questionnaire_edit_copy``).
    """

    family = models.SlugField(
        _("family"),
        max_length=60,
        help_text=_(
            "A stable key shared by every version of this questionnaire, "
            "such as “school_staff_standard”."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to people before the first section.")
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Published questionnaires can be sent out, and can no longer be edited."),
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ("family", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version"],
                name="questionnaire_family_version_unique",
                violation_error_message=_(
                    "This questionnaire already has a version with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="questionnaire_version_from_1"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="questionnaire_audience_valid"
            ),
            # What is sent to an audience is never in doubt: one published version for it.
            models.UniqueConstraint(
                fields=["audience"],
                condition=Q(is_published=True),
                name="questionnaire_one_published_per_audience",
                violation_error_message=_(
                    "Another questionnaire is already published for this audience: "
                    "unpublish it first."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Section(models.Model):
    """A titled group of questions, shown as one fieldset."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("questionnaire"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_one_line])
    intro = models.TextField(_("introduction"), blank=True)
    time_points = models.JSONField(
        _("asked at"),
        default=list,
        # Also a database default, so rows written without the field (the seed migration's
        # historical models) get "every time point".
        db_default=[],
        blank=True,
        help_text=_(
            "The time points at which this section is asked (baseline, post, follow_up). "
            "Leave empty to ask it every time, e.g. feedback on the workshops only afterwards."
        ),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ("questionnaire", "order")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "order"],
                name="section_order_unique_in_questionnaire",
                violation_error_message=_("Another section of this questionnaire has this order."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def asked_at(self, time_point: str) -> bool:
        """Whether people answering at ``time_point`` see this section."""
        return not self.time_points or time_point in self.time_points

    def clean(self) -> None:
        unknown = [tp for tp in self.time_points or () if tp not in TimePoint.values]
        if not isinstance(self.time_points, list) or unknown:
            raise ValidationError(
                {"time_points": _("Choose from baseline, post and follow_up, or none for all.")}
            )


class Question(models.Model):
    """A question in a section.

    ``code`` names the question across versions (answers to “cascade_clarity” in version 1
    and version 2 are comparable); ``outcome`` is the outcome the reports count it under.
    ``questionnaire`` repeats the section's questionnaire so that the database can keep codes
    unique within a questionnaire; it is filled in from the section.
    """

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
        editable=False,
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(
        _("code"),
        max_length=60,
        validators=[code_validator],
        help_text=_(
            "A stable name for this question, kept from one version to the next so answers "
            "can be compared, such as “cascade_clarity”."
        ),
    )
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=30,
        choices=Outcome.choices,
        blank=True,
        help_text=_("The outcome the reports count this question under, if any."),
    )
    likert_low_label = models.CharField(
        _("label for 1"),
        max_length=100,
        blank=True,
        validators=[validate_one_line],
        help_text=_("Scale questions only."),
    )
    likert_high_label = models.CharField(
        _("label for 5"),
        max_length=100,
        blank=True,
        validators=[validate_one_line],
        help_text=_("Scale questions only."),
    )
    min_value = models.IntegerField(
        _("smallest number"), null=True, blank=True, help_text=_("Number questions only.")
    )
    max_value = models.IntegerField(
        _("largest number"), null=True, blank=True, help_text=_("Number questions only.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("section__order", "order")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "order"],
                name="question_order_unique_in_section",
                violation_error_message=_("Another question in this section has this order."),
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "code"],
                name="question_code_unique_in_questionnaire",
                violation_error_message=_("Another question in this questionnaire has this code."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.LIKERT)
                | (~Q(likert_low_label="") & ~Q(likert_high_label="")),
                name="question_likert_has_end_labels",
                violation_error_message=_("A scale question needs labels for both ends."),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_min_not_above_max",
                violation_error_message=_("The smallest number is larger than the largest."),
            ),
        ]
        indexes = [models.Index(fields=["outcome"], name="question_outcome")]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        if self.questionnaire_id is None and self.section_id is not None:
            self.questionnaire_id = self.section.questionnaire_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.section_id is not None:
            section_questionnaire_id = self.section.questionnaire_id
            if self.questionnaire_id is None:
                self.questionnaire_id = section_questionnaire_id
            elif self.questionnaire_id != section_questionnaire_id:
                errors["section"] = _("Choose a section of this question's questionnaire.")
        if self.kind == QuestionKind.LIKERT:
            for name in ("likert_low_label", "likert_high_label"):
                if not getattr(self, name):
                    errors[name] = _("A scale question needs labels for both ends.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("The largest number must not be smaller than the smallest.")
        if errors:
            raise ValidationError(errors)


class Choice(models.Model):
    """One of the answers to a single-choice question: ``value`` is what is stored. Choices
    in an order (contact: never, once, ... every week) carry a ``score``, and the reports
    pair scored answers as they pair a scale's (``evaluation.selectors.outcomes``)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=200, validators=[validate_one_line])
    value = models.CharField(
        _("value"),
        max_length=60,
        validators=[code_validator],
        help_text=_("What is stored and counted, kept from one version to the next."),
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        help_text=_(
            "For choices in an order (how often, how much): the number the reports count this "
            "choice as, so that the question has a paired change like a 1 to 5 scale. Leave "
            "empty for choices in no order."
        ),
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ("question", "order")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "order"],
                name="choice_order_unique_in_question",
                violation_error_message=_("Another choice of this question has this order."),
            ),
            models.UniqueConstraint(
                fields=["question", "value"],
                name="choice_value_unique_in_question",
                violation_error_message=_("Another choice of this question has this value."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


# --- Time points, invitations and responses ----------------------------------------------
