"""The schools survey: started in the engagement's schools survey stage for the eligible
establishments of its area that have a contact email, each sent one email with its own
signed link; the schools given an email since can be asked later; one reminder before it
closes to those that have not answered; answers taken until it closes (answering again
replaces them); closed early by a coordinator or facilitator.

Every email is queued through the outbox in the transaction that records the invitation
(``SchoolsSurveyInvite``), keyed (kind, recipient, invitation, occurrence) so a repeat sends
nothing twice, and stamped with the engagement's area. A fixed number of queries however
many establishments. Logs carry ids and counts, never addresses or answers.
"""

import datetime as dt
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.actors import takes_actor
from core.suppression import min_cell
from facilitation import conf
from facilitation.errors import FacilitationError
from facilitation.links import survey_link_path
from facilitation.models import QUESTIONS, Engagement, SchoolsSurvey, SchoolsSurveyInvite, Stage
from facilitation.models.survey import FREE_TEXT_MAX
from facilitation.selectors_survey import schools_survey_targets, schools_survey_uninvited
from outbox.models import EmailKind
from outbox.services import Areas, EmailSpec, emails_enqueue_bulk

logger = logging.getLogger("facilitation.survey")

INVITATION_TEMPLATE = "schools_survey_invitation"
REMINDER_TEMPLATE = "schools_survey_reminder"
#: A survey may stay open this long at most.
LONGEST = timedelta(days=120)


def _spec(invite: SchoolsSurveyInvite, survey: SchoolsSurvey, *, reminder: bool) -> EmailSpec:
    engagement, establishment = survey.engagement, invite.establishment
    return EmailSpec(
        kind=EmailKind.SURVEY_REMINDER if reminder else EmailKind.SURVEY_INVITATION,
        recipient=establishment.contact_email,
        template=REMINDER_TEMPLATE if reminder else INVITATION_TEMPLATE,
        context={
            "establishment": establishment,
            "engagement": engagement,
            "area": engagement.area_name,
            "closes_on": survey.closes_on,
            "questions": len(QUESTIONS),
            "min_cell": min_cell(),
            "link": settings.LINK_BASE_URL + survey_link_path(invite=invite),
        },
        concerns=invite,
        establishment=establishment,
        occurrence=f"closes-{survey.closes_on.isoformat()}" if reminder else "schools-survey",
        campaign=engagement.campaign,
        areas=Areas.of(engagement),
    )


def _invite_uninvited(survey: SchoolsSurvey) -> int:
    """Ask every establishment of the area with a contact email not asked yet."""
    now = timezone.now()
    targets = list(schools_survey_uninvited(survey=survey).order_by("pk"))
    invites = SchoolsSurveyInvite.objects.bulk_create(
        [SchoolsSurveyInvite(survey=survey, establishment=e, invited_at=now) for e in targets]
    )
    emails_enqueue_bulk([_spec(invite, survey, reminder=False) for invite in invites])
    logger.info("schools survey %s: %s invited", survey.pk, len(invites))
    return len(invites)


@takes_actor
def schools_survey_start(
    *, engagement: Engagement, closes_on: dt.date, actor=None
) -> tuple[SchoolsSurvey, int]:
    """Start the engagement's schools survey, open until ``closes_on``: each eligible
    establishment of its area with a contact email is sent its link. Returns the survey and
    how many were asked."""
    today = timezone.localdate()
    if engagement.stage != Stage.SURVEY:
        raise FacilitationError(
            "The schools survey starts in the engagement's schools survey stage: move it there "
            "first."
        )
    if closes_on <= today:
        raise FacilitationError("The survey must close after today.")
    if closes_on > today + LONGEST:
        raise FacilitationError(
            f"The survey can stay open {LONGEST.days} days at most: pick an earlier date."
        )
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        if SchoolsSurvey.objects.filter(engagement=engagement).exists():
            raise FacilitationError(f"The schools survey of {engagement.name} was started already.")
        targets = schools_survey_targets(engagement=engagement)
        if not targets.exclude(contact_email="").exists():
            raise FacilitationError(
                f"None of the schools and colleges of {engagement.area_name} has a contact "
                "email: add them in the register, then start the survey."
            )
        survey = SchoolsSurvey.objects.create(
            engagement=engagement, closes_on=closes_on, started_by=actor
        )
        invited = _invite_uninvited(survey)
    return survey, invited


def _locked_open(survey: SchoolsSurvey) -> SchoolsSurvey:
    survey = (
        SchoolsSurvey.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=survey.pk)
    )
    if not survey.takes_answers(timezone.localdate()):
        raise FacilitationError("The schools survey has closed.")
    return survey


@takes_actor
def schools_survey_invite_more(*, survey: SchoolsSurvey) -> int:
    """Ask the establishments of the area given a contact email (or opened) since the survey
    started; returns how many. Asking again asks no one twice."""
    with transaction.atomic():
        return _invite_uninvited(_locked_open(survey))


@takes_actor
def schools_survey_close(*, survey: SchoolsSurvey) -> SchoolsSurvey:
    """Close the survey now: its links take no more answers, no reminder goes."""
    with transaction.atomic():
        survey = _locked_open(survey)
        survey.closed_at = timezone.now()
        survey.save(update_fields=["closed_at", "updated_at"])
    return survey


def schools_survey_answers_check(answers: dict) -> dict:
    """The answers to keep: every choice question answered with one of its choices, the
    free text (optional) at most ``FREE_TEXT_MAX`` characters; anything else is refused
    with the questions it concerns."""
    kept, problems = {}, []
    for question in QUESTIONS:
        value = answers.get(question.key) or ""
        if not isinstance(value, str):
            value = ""
        if question.free_text:
            value = value.strip()
            if len(value) > FREE_TEXT_MAX:
                problems.append(f"{question.text} (at most {FREE_TEXT_MAX} characters)")
            elif value:
                kept[question.key] = value
        elif value in {choice for choice, _ in question.choices}:
            kept[question.key] = value
        else:
            problems.append(f"{question.text} (pick one answer)")
    if problems:
        raise FacilitationError("Please answer: " + "; ".join(str(p) for p in problems))
    return kept


def schools_survey_answer(
    *, invite: SchoolsSurveyInvite, answers: dict
) -> tuple[SchoolsSurveyInvite, bool]:
    """Keep an establishment's answers (``schools_survey_answers_check``); answering again
    while the survey is open replaces them. Returns the invitation and whether these were
    its first answers."""
    kept = schools_survey_answers_check(answers)
    with transaction.atomic():
        invite = (
            SchoolsSurveyInvite.objects.select_for_update(of=("self",))
            .select_related("survey__engagement", "establishment")
            .get(pk=invite.pk)
        )
        survey = invite.survey
        if not survey.takes_answers(timezone.localdate()):
            closed = survey.closed_at.date() if survey.closed_at else survey.closes_on
            raise FacilitationError(
                f"The survey closed on {closed:%-d %B %Y}: your answers were not saved."
            )
        now = timezone.now()
        first = invite.answered_at is None
        invite.answers = kept
        invite.answered_at = invite.answered_at or now
        invite.changed_at = now
        invite.save(update_fields=["answers", "answered_at", "changed_at"])
    logger.info("schools survey %s: invitation %s answered", survey.pk, invite.pk)
    return invite, first


def schools_survey_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the establishments that have not answered, ``conf.schools_survey_reminder_days()``
    before their survey closes (or on the first run after, up to its last day), once;
    returns how many were queued. Let out once by ``reminded_at``, written in the
    transaction that queues the emails; the outbox's key stops a repeat as well."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        SchoolsSurvey.objects.filter(
            closed_at__isnull=True,
            closes_on__gte=today,
            closes_on__lte=today + timedelta(days=conf.schools_survey_reminder_days()),
        )
        .exclude(engagement__stage=Stage.CLOSED)
        .select_related("engagement")
    )
    queued = 0
    for survey in due:
        with transaction.atomic():
            invites = list(
                survey.invites.select_for_update(of=("self",), skip_locked=True)
                .filter(answered_at__isnull=True, reminded_at__isnull=True)
                .exclude(establishment__contact_email="")
                .select_related("establishment")
            )
            specs = [_spec(invite, survey, reminder=True) for invite in invites]
            queued += len(emails_enqueue_bulk(specs))
            SchoolsSurveyInvite.objects.filter(pk__in=[i.pk for i in invites]).update(
                reminded_at=now
            )
    return queued
