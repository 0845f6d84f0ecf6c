"""Answering a survey: saving answers as people go, submitting them once, new links.

``response_save`` is the one write behind the answering page. It locks the invitation row,
so two submissions at once (a double click, two tabs) make one submitted response; the
invitation's one ``Response`` is made on the first save. Answers are checked against their
question's kind here, not only in the form, so every way in gets the same rules.

Nothing here logs an answer, a name or an email address: log lines carry ids only.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from cohorts.notifications import notify
from core.dates import day
from evaluation import conf
from evaluation.cells import cells_refresh
from evaluation.errors import AnswersInvalid, SurveyAlreadySubmitted, SurveyClosed
from evaluation.links import survey_link_url
from evaluation.models import (
    LIKERT_MAX,
    LIKERT_MIN,
    PERSON_RELATED,
    Answer,
    Choice,
    Question,
    QuestionKind,
    Response,
    SurveyInvitation,
)
from outbox.models import EmailKind
from outbox.services import Areas, email_enqueue

logger = logging.getLogger(__name__)

YES_NO_CHOICES = (("yes", "Yes"), ("no", "No"))
#: The longest free-text answer accepted (a few pages of text).
FREE_TEXT_MAX_LENGTH = 10_000


def questionnaire_questions(*, questionnaire_id: int, time_point: str) -> list[Question]:
    """The questions of a questionnaire asked at ``time_point``, in order, each with its
    section and choices (two queries, however many questions there are)."""
    questions = (
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .select_related("section")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order")))
        .order_by("section__order", "order")
    )
    return [question for question in questions if question.section.asked_at(time_point)]


def response_answer_values(*, response: Response | None) -> dict[str, str]:
    """The saved answers of ``response`` as the form shows them: question code to text."""
    if response is None:
        return {}
    values = {}
    for answer in Answer.objects.filter(response=response).select_related("question"):
        value = answer.value
        values[answer.question.code] = "" if value is None else str(value)
    return values


def survey_check_open(*, invitation: SurveyInvitation, now: datetime | None = None) -> None:
    """Raise ``SurveyClosed`` unless ``invitation``'s survey takes answers at ``now``."""
    now = now or timezone.now()
    if now < invitation.due_at:
        raise SurveyClosed(
            f"This survey is not open yet: it opens on {day(invitation.due_at)}. "
            "Please come back then, using the same link."
        )
    if now >= invitation.closes_at:
        raise _closed_error(invitation)


def _closed_error(invitation: SurveyInvitation) -> SurveyClosed:
    return SurveyClosed(
        f"This survey closed on {day(invitation.closes_at)} and no longer takes answers."
    )


def _submitted_error(response: Response) -> SurveyAlreadySubmitted:
    return SurveyAlreadySubmitted(
        f"These answers were already submitted, on {day(response.submitted_at)}. "
        "A survey can be submitted once, and the answers can no longer be changed."
    )


@dataclass(frozen=True)
class _Parsed:
    number: int | None = None
    choice: str = ""
    text: str = ""


def _parse(question: Question, raw: str) -> _Parsed:
    """The answer ``raw`` (not blank) to ``question``, or ValueError with a readable reason."""
    kind = question.kind
    if kind == QuestionKind.FREE_TEXT:
        if len(raw) > FREE_TEXT_MAX_LENGTH:
            raise ValueError(
                f"Shorten this answer to {FREE_TEXT_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(raw):,})."
            )
        return _Parsed(text=raw.strip())
    if kind in (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE):
        if kind == QuestionKind.YES_NO:
            values = [value for value, _label in YES_NO_CHOICES]
        else:
            values = [choice.value for choice in question.choices.all()]
        if raw not in values:
            raise ValueError("Choose one of the answers listed.")
        return _Parsed(choice=raw)
    if kind == QuestionKind.LIKERT:
        if raw.strip() not in {str(n) for n in range(LIKERT_MIN, LIKERT_MAX + 1)}:
            raise ValueError(f"Choose a point on the scale, from {LIKERT_MIN} to {LIKERT_MAX}.")
        return _Parsed(number=int(raw))
    try:
        number = int(raw.strip())
    except ValueError:
        raise ValueError("Enter a whole number, such as 12.") from None
    low, high = question.min_value, question.max_value
    if low is not None and high is not None and not low <= number <= high:
        raise ValueError(f"Enter a number from {low} to {high}.")
    if low is not None and number < low:
        raise ValueError(f"Enter a number of {low} or more.")
    if high is not None and number > high:
        raise ValueError(f"Enter a number of {high} or less.")
    return _Parsed(number=number)


def _missing_message(question: Question) -> str:
    if question.kind in (QuestionKind.FREE_TEXT, QuestionKind.NUMBER):
        return "Answer this question: it is required."
    return "Choose an answer to this question: it is required."


def response_save(
    *,
    invitation: SurveyInvitation,
    answers: dict[str, str],
    submit: bool,
    now: datetime | None = None,
) -> Response:
    """Save the answers given through ``invitation`` and, with ``submit``, submit them.

    ``answers`` maps question codes to the values typed or chosen, as text; a code that is
    missing or blank means "no answer" (a saved answer to it is cleared). Codes that are not
    questions of the invitation's questionnaire asked at its time point are ignored.

    Every valid answer is saved, whatever else is wrong, so nothing typed is lost; a value
    that is not valid leaves any earlier answer to its question as it was. With ``submit``,
    every required question must be answered; the response is submitted only if every answer
    is valid. Either way, when something is wrong ``AnswersInvalid`` is raised after the
    valid answers are committed, with a message per question code in the questionnaire's
    order.

    Raises ``SurveyAlreadySubmitted`` once the response is submitted, and ``SurveyClosed``
    before ``due_at`` and from ``closes_at``: nothing is saved then.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One at a time per invitation: a second submission waits here for the first.
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        response = Response.objects.filter(invitation=invitation).first()
        if response is not None and response.is_submitted:
            raise _submitted_error(response)
        survey_check_open(invitation=invitation, now=now)
        if response is None:
            response = Response.objects.create(
                invitation=invitation,
                questionnaire_id=invitation.questionnaire_id,
                time_point=invitation.time_point,
                cohort_id=invitation.cohort_id,
            )

        errors: dict[str, str] = {}
        to_write: list[Answer] = []
        to_clear: list[int] = []
        questions = questionnaire_questions(
            questionnaire_id=response.questionnaire_id, time_point=response.time_point
        )
        for question in questions:
            raw = answers.get(question.code)
            raw = "" if raw is None else str(raw)
            if not raw.strip():
                to_clear.append(question.pk)
                if submit and question.required:
                    errors[question.code] = _missing_message(question)
                continue
            try:
                parsed = _parse(question, raw)
            except ValueError as reason:
                errors[question.code] = str(reason)
                continue
            to_write.append(
                Answer(
                    response=response,
                    question=question,
                    number=parsed.number,
                    choice=parsed.choice,
                    text=parsed.text,
                )
            )

        if to_clear:
            Answer.objects.filter(response=response, question_id__in=to_clear).delete()
        if to_write:
            Answer.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["response", "question"],
                update_fields=["number", "choice", "text"],
            )
        if submit and not errors:
            response.submitted_at = now
        response.save(update_fields=["submitted_at", "updated_at"])
        if response.submitted_at is not None:
            cells_refresh([response.cohort_id])  # the report cells count it from now on

    if errors:
        count = len(errors)
        what = "answer needs" if count == 1 else "answers need"
        if submit:
            message = (
                f"Your answers are not submitted yet: {count} {what} attention. "
                "Your other answers are saved."
            )
        else:
            message = f"Your other answers are saved, but {count} {what} correcting."
        raise AnswersInvalid(message, errors=errors)
    if submit:
        logger.info(
            "survey response submitted response_id=%s invitation_id=%s",
            response.pk,
            invitation.pk,
        )
    return response


# --- A new link for an expired one -----------------------------------------------------------


def survey_link_request_new(*, invitation: SurveyInvitation) -> None:
    """Send a fresh personal link for ``invitation`` to the address its invitation went to
    (never to one typed in by whoever asked), after the surrounding transaction commits.

    At most one a day per invitation, however often it is asked for. Refused with
    ``SurveyAlreadySubmitted`` once the answers are submitted and with ``SurveyClosed`` when
    the survey no longer takes answers: a new link would open nothing.
    """
    response = Response.objects.filter(invitation=invitation).first()
    if response is not None and response.is_submitted:
        raise _submitted_error(response)
    if timezone.now() >= invitation.closes_at:
        raise _closed_error(invitation)
    notify(_survey_link_send, invitation_id=invitation.pk)


def _survey_link_send(*, invitation_id: int) -> None:
    """Queue the new-link email for an invitation (run in the transaction by ``notify``)."""
    logger.info("survey new link requested invitation_id=%s", invitation_id)
    invitation = (
        SurveyInvitation.objects.select_related(*PERSON_RELATED).filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.participant is None:  # the person was erased
        return
    person = invitation.participant.person
    recipient, establishment = person.contact_email, person.school
    if not recipient:
        logger.warning("survey new link: no email address for invitation_id=%s", invitation_id)
        return
    email_enqueue(
        kind=EmailKind.NEW_LINK,
        recipient=recipient,
        template="survey_new_link",
        context={
            "link": survey_link_url(invitation=invitation),
            "link_days": conf.link_max_age().days,
            "time_point": invitation.get_time_point_display(),
            "closes_on": day(invitation.closes_at),
        },
        concerns=invitation,
        establishment=establishment,
        occurrence=f"link-{timezone.localdate().isoformat()}",
        campaign=invitation.campaign,
        areas=None if establishment else Areas.of(invitation.cohort),
    )
