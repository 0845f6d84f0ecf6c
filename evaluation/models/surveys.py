"""Surveys as they are asked and answered: one person's invitation at one time point, their
response, and its answers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from evaluation.models.questionnaires import (
    AUDIENCE_OF_PARTICIPANT,
    Question,
    Questionnaire,
    TimePoint,
)
from workshops.models import ParticipantKind

#: What ``select_related`` takes to load an invitation's person (``Participant.person``,
#: whatever its kind) and what their contact attributes read, with the invitation.
PERSON_RELATED = (
    f"participant__{ParticipantKind.SCHOOL_ATTENDEE.value}__establishment",
    f"participant__{ParticipantKind.PROFESSIONAL.value}",
)


class SurveyInvitation(TimeStampedModel):
    """One person's invitation to answer one questionnaire at one time point.

    The person is a participant on the cohort's delivery (a school's attendee, a
    professional: ``workshops.Participant``), asked once per time point (a database
    constraint), whatever their kind. The invitation email carries a signed personal link
    (``evaluation.links``) to the answering page.

    This row is the only thing that ties a response to a participant, and it is used for two
    purposes only: response rates, and pairing one person's answers at baseline with their
    answers later. Reports never show it. When that link is removed (``evaluation.retention``)
    ``participant`` is emptied and ``pair_key``, a random key the person's invitations share,
    keeps the pairs already formed; ``respondent`` is whichever of the two the row has.

    The questionnaire is the version that was published for the person's audience when the
    invitation was made; answers are given to that version. ``due_at`` is when the time point
    falls due, and nothing is accepted after ``closes_at``.
    """

    time_point = models.CharField(_("time point"), max_length=20, choices=TimePoint.choices)
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("cohort"),
    )
    participant = models.ForeignKey(
        "workshops.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("participant"),
        help_text=_(
            "Empty once the link to the person is removed (evaluation.retention): the "
            "answers are then anonymous."
        ),
    )
    pair_key = models.CharField(
        _("pair key"),
        max_length=32,
        blank=True,
        help_text=_(
            "Set when the link to the person is removed: a random key shared by that "
            "person's invitations, so their answers still pair and nothing else."
        ),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("questionnaire"),
    )
    due_at = models.DateTimeField(_("due at"))
    closes_at = models.DateTimeField(_("closes at"))
    sent_at = models.DateTimeField(
        _("invitation queued at"),
        null=True,
        blank=True,
        help_text=_("When the invitation email was put in the outbox."),
    )
    reminded_at = models.DateTimeField(
        _("reminder queued at"),
        null=True,
        blank=True,
        help_text=_("When the one reminder was put in the outbox."),
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["cohort", "time_point", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "time_point"],
                name="survey_invitation_once_per_participant",
                violation_error_message=_(
                    "This participant is already invited at this time point."
                ),
            ),
            models.CheckConstraint(
                condition=Q(time_point__in=TimePoint.values),
                name="survey_invitation_time_point_valid",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("due_at")),
                name="survey_invitation_closes_after_due",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "due_at"], name="survey_invitation_unsent"),
            models.Index(fields=["time_point", "cohort"], name="survey_invitation_tp_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.get_time_point_display()} invitation #{self.pk}"

    @property
    def campaign(self) -> str:
        """What the survey's emails belong to, as the outbox page shows it."""
        return f"Surveys of {self.cohort.name} (cohort {self.cohort_id})"

    @property
    def respondent(self) -> str:
        """Who answered, as pairing knows them: the pair key, else the participant's id."""
        return self.pair_key or f"p{self.participant_id}"

    @property
    def audience(self) -> str:
        """Whose questionnaire this is: the participant's kind's (``AUDIENCE_OF_PARTICIPANT``),
        or, once the person is no longer linked, the questionnaire's."""
        if self.participant_id is None:
            return self.questionnaire.audience
        return AUDIENCE_OF_PARTICIPANT[self.participant.kind]


class Response(TimeStampedModel):
    """The answers given through one invitation: saved as they go, submitted once.

    ``time_point``, ``cohort`` and ``questionnaire`` repeat the invitation's, so reports
    group responses without going near the invitation (and the person behind it). A response
    with no ``submitted_at`` is in progress: it counts for nothing in the reports. There is
    no audit history of answers.
    """

    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.CASCADE,
        related_name="response",
        verbose_name=_("invitation"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    time_point = models.CharField(_("time point"), max_length=20, choices=TimePoint.choices)
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("cohort"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_point__in=TimePoint.values),
                name="response_time_point_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["time_point", "submitted_at"], name="response_tp_submitted"),
            models.Index(fields=["cohort", "time_point"], name="response_cohort_tp"),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk} ({self.get_time_point_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer to one question.

    Scale (1 to 5) and number answers are in ``number``; yes/no answers are the choice
    values "yes" and "no", and single-choice answers the chosen choice's value, in
    ``choice``; free text is in ``text``. Only the field of the question's kind is set.
    """

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    number = models.IntegerField(_("number"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=60, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__section__order", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
        ]
        indexes = [models.Index(fields=["question", "number"], name="answer_question_number")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.value}"

    @property
    def value(self):
        """The answer, whichever field holds it (None when blank)."""
        if self.number is not None:
            return self.number
        return self.choice or self.text or None
