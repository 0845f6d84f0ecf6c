"""The schools survey of an engagement: a short, fixed survey of the area's schools and
colleges before the consultation, so the stakeholders start from what schools say.

Each eligible establishment of the area with a contact email is asked once, by one email
with a signed link (``facilitation.links.SURVEY_LINKS``) that opens its own answers. Link
keeps which establishment was asked and when; the address it went to is in the outbox's
row only, never copied here. The questions are data (``QUESTIONS``): the form, the
validation and the summary all loop over them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from facilitation.models.engagements import Engagement
from facilitation.models.stages import Stage
from schools.models import Establishment


@dataclass(frozen=True)
class Question:
    """One question of the schools survey: answered by picking one of ``choices`` (value,
    label), or, without choices, in the respondent's own words (optional)."""

    key: str
    text: str
    choices: tuple[tuple[str, str], ...] = ()
    #: The CASCADE area it speaks to (``CascadeArea``), shown beside its results.
    cascade_area: str = ""

    @property
    def free_text(self) -> bool:
        return not self.choices


#: How long a free-text answer may be.
FREE_TEXT_MAX = 1000

#: The survey, in the order it is asked. Keys are stored with the answers: never rename one.
QUESTIONS = (
    Question(
        "joint_working",
        _(
            "How well does your school or college work with the local children and young "
            "people's mental health services (CYPMHS) today?"
        ),
        (
            ("very_well", _("Very well")),
            ("well", _("Well")),
            ("not_well", _("Not well")),
            ("not_at_all", _("Not at all")),
        ),
        cascade_area="integrated_working",
    ),
    Question(
        "referral_routes",
        _("Do the staff who need to know how to refer a pupil or student to CYPMHS know how?"),
        (("all", _("Yes, all of them")), ("some", _("Some of them")), ("no", _("No"))),
        cascade_area="clarity",
    ),
    Question(
        "named_contact",
        _("Do you have a named contact in CYPMHS to talk to about a pupil or student?"),
        (("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure"))),
        cascade_area="points_of_contact",
    ),
    Question(
        "shared_planning",
        _("Do you plan mental health support together with local services?"),
        (("regularly", _("Regularly")), ("sometimes", _("Sometimes")), ("never", _("Never"))),
        cascade_area="shared_planning",
    ),
    Question(
        "mental_health_lead",
        _("Does your school or college have a senior mental health lead?"),
        (("yes", _("Yes")), ("appointing", _("Being appointed")), ("no", _("No"))),
    ),
    Question(
        "barrier",
        _("What is the biggest barrier to joint working with mental health services here?"),
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


class SchoolsSurvey(TimeStampedModel):
    """An engagement's survey of its area's schools and colleges: when it closes, who
    started it, and whether it was closed early. It takes answers until ``closes_on``
    (inclusive), unless closed before or its engagement is closed."""

    engagement = models.OneToOneField(
        Engagement,
        on_delete=models.CASCADE,
        related_name="schools_survey",
        verbose_name=_("engagement"),
    )
    closes_on = models.DateField(_("closes on"), help_text=_("The last day answers are taken."))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("schools survey")
        verbose_name_plural = _("schools surveys")

    def __str__(self) -> str:
        return f"Schools survey of {self.engagement}"

    def takes_answers(self, today) -> bool:
        return (
            self.closed_at is None
            and today <= self.closes_on
            and self.engagement.stage != Stage.CLOSED
        )


class SchoolsSurveyInvite(models.Model):
    """One establishment asked to answer an engagement's schools survey, and its answers
    ({question key: value}, ``QUESTIONS``). Answered again while the survey is open, the
    answers are replaced (``answered_at`` is the first time, ``changed_at`` the last)."""

    survey = models.ForeignKey(
        SchoolsSurvey, on_delete=models.CASCADE, related_name="invites", verbose_name=_("survey")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        related_name="schools_survey_invites",
        verbose_name=_("establishment"),
    )
    invited_at = models.DateTimeField(_("invited"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    changed_at = models.DateTimeField(_("answers last changed"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("schools survey invitation")
        verbose_name_plural = _("schools survey invitations")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "establishment"], name="schools_survey_once_per_establishment"
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True)
                | models.Q(changed_at__gte=models.F("answered_at")),
                name="schools_survey_changed_after_answered",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "answered_at"], name="schools_survey_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} ({self.survey})"
