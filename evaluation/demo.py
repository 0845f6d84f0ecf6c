"""Demo survey answers for ``seed_demo``, so the reports have something to show.

For the demo's delivered cohort: everyone (school attendees and professionals) invited at
baseline, after the programme and at follow-up, most answering, with scores that rise a
little; for the open cohort, baseline invitations with a few answers. Synthetic answers from
a fixed random seed, written straight to the tables (the answering pages are for people).
Only for the demo site; idempotent.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from evaluation import conf
from evaluation.models import (
    Answer,
    Audience,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    SurveyInvitation,
    TimePoint,
)

DEMO_TEXT = (
    "Knowing who to call in the CYPMHS team has made the biggest difference.",
    "We want a shared referral form across the area.",
    "More time for joint case discussion would help.",
    "The action plan is now part of our governing body report.",
)


def _answer(
    rng: random.Random, question: Question, lift: float, choices: dict, scored: set
) -> Answer | None:
    if not question.required and rng.random() < 0.3:
        return None
    answer = Answer(question=question)
    if question.kind == QuestionKind.LIKERT:
        answer.number = max(1, min(5, round(rng.gauss(2.6 + lift, 0.9))))
    elif question.kind == QuestionKind.NUMBER:
        low, high = question.min_value or 0, min(question.max_value or 20, 20)
        answer.number = rng.randint(low, high)
    elif question.kind == QuestionKind.YES_NO:
        answer.choice = "yes" if rng.random() < 0.5 + lift / 3 else "no"
    elif question.kind == QuestionKind.SINGLE_CHOICE:
        options = choices[question.pk]
        answer.choice = rng.choice(options)
        if question.pk in scored:
            # Choices in an order (contact with CYPMHS) move up with the lift, one step at
            # most, so the demo's contact outcome rises as the scales do.
            step = min(len(options) - 1, options.index(answer.choice) + round(lift))
            answer.choice = options[step]
    else:
        answer.text = rng.choice(DEMO_TEXT)
    return answer


def _invite_and_answer(
    *, people, cohort, questionnaire, time_point, due_at, closes_at, share, lift, rng
) -> int:
    """Invite each person (a place's attendee, a professional) and have about ``share`` of
    them answer."""
    questions = [
        q
        for q in Question.objects.filter(questionnaire=questionnaire).select_related("section")
        if q.section.asked_at(time_point)
    ]
    choices: dict[int, list[str]] = {}
    scored: set[int] = set()
    for question in questions:
        options = list(question.choices.values_list("value", "score"))
        choices[question.pk] = [value for value, _ in options]
        if options and all(score is not None for _, score in options):
            scored.add(question.pk)
    answered = 0
    for person in people:
        invitation = SurveyInvitation.objects.create(
            time_point=time_point,
            cohort=cohort,
            questionnaire=questionnaire,
            due_at=due_at,
            closes_at=closes_at,
            sent_at=due_at,
            participant_id=person.participant_id,
        )
        if rng.random() > share:
            continue
        response = Response.objects.create(
            invitation=invitation,
            questionnaire=questionnaire,
            time_point=time_point,
            cohort=cohort,
            submitted_at=due_at + dt.timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 9)),
        )
        answers = [_answer(rng, q, lift, choices, scored) for q in questions]
        Answer.objects.bulk_create(
            a for a in answers if a is not None and setattr(a, "response", response) is None
        )
        answered += 1
    return answered


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def demo_surveys_seed(*, delivered, open_cohort) -> int:
    """Invitations and answers for the demo cohorts; returns the responses made (0 when the
    demo surveys exist already or there is no published questionnaire)."""
    if delivered is None or SurveyInvitation.objects.filter(cohort=delivered).exists():
        return 0
    published = {q.audience: q for q in Questionnaire.objects.filter(is_published=True)}
    staff = published.get(Audience.SCHOOL_STAFF)
    professionals = published.get(Audience.PROFESSIONALS)
    if staff is None:
        return 0
    rng = random.Random(2019)  # noqa: S311 - synthetic demo answers, not secrets
    made = 0
    day_1, day_2 = (w.date for w in delivered.workshops.order_by("day"))
    places = list(delivered.places.all())
    experts = list(delivered.professionals.all())
    baseline_due = min(p.booked_at for p in places) if places else _moment(day_1, 9)
    follow_up = _moment(day_2, 16) + dt.timedelta(days=30 * conf.follow_up_months())
    for time_point, due_at, closes_at, lift, share in (
        (TimePoint.BASELINE, baseline_due, _moment(day_1, 9), 0.0, 0.9),
        (TimePoint.POST, _moment(day_2, 16), _moment(day_2, 16) + conf.open_for(), 0.9, 0.75),
        (TimePoint.FOLLOW_UP, follow_up, follow_up + conf.open_for(), 0.7, 0.6),
    ):
        if due_at > timezone.now():
            continue
        made += _invite_and_answer(
            people=places,
            cohort=delivered,
            questionnaire=staff,
            time_point=time_point,
            due_at=due_at,
            closes_at=closes_at,
            share=share,
            lift=lift,
            rng=rng,
        )
        if professionals is not None:
            made += _invite_and_answer(
                people=experts,
                cohort=delivered,
                questionnaire=professionals,
                time_point=time_point,
                due_at=due_at,
                closes_at=closes_at,
                share=1.0,
                lift=lift,
                rng=rng,
            )
    if open_cohort is not None:
        open_day_1 = open_cohort.workshops.get(day=1).date
        open_places = list(open_cohort.places.all())
        if open_places:
            due = min(p.booked_at for p in open_places)
            made += _invite_and_answer(
                people=open_places,
                cohort=open_cohort,
                questionnaire=staff,
                time_point=TimePoint.BASELINE,
                due_at=due,
                closes_at=_moment(open_day_1, 9),
                share=0.6,
                lift=0.0,
                rng=rng,
            )
    return made
