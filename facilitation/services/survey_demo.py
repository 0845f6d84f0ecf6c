"""The demo's schools surveys (``demo_engagements_seed``): the engagement in the survey stage
has one open with some answers in; later engagements have theirs closed, answered by enough
schools for the consultation's page to show results. Written straight to the tables (no
email is sent), as the rest of the demo is."""

import datetime as dt

from django.utils import timezone

from facilitation.models import QUESTIONS, Engagement, SchoolsSurvey, SchoolsSurveyInvite, Stage
from facilitation.selectors_survey import schools_survey_targets

BARRIERS = (
    "Waiting times for CYPMHS mean we hold pupils we are worried about for months.",
    "We do not know who to call in the service when a referral is turned down.",
    "Staff turnover in the MHST: a new contact every term.",
    "Referral criteria change without schools being told.",
    "No time for the mental health lead to go to planning meetings.",
    "Parents are told different things by the school and the service.",
)


def _answers(n: int) -> dict:
    answers = {}
    for offset, question in enumerate(QUESTIONS):
        if question.free_text:
            if n % 3 != 2:
                answers[question.key] = BARRIERS[n % len(BARRIERS)]
        else:
            weights = len(question.choices)
            answers[question.key] = question.choices[(n * 7 + offset * 3) % weights][0]
    return answers


def demo_schools_survey(*, engagement: Engagement, today: dt.date) -> None:
    """The engagement's schools survey: open with about a third answered in the survey
    stage; closed before the consultation, with most answered, after it."""
    if engagement.stage not in (Stage.SURVEY, Stage.CONSULTATION, Stage.SUPPORT, Stage.REVIEW):
        return
    schools = list(schools_survey_targets(engagement=engagement).order_by("pk")[:40])
    if not schools:
        return
    is_open = engagement.stage == Stage.SURVEY
    survey = SchoolsSurvey.objects.create(
        engagement=engagement,
        closes_on=today + dt.timedelta(days=18) if is_open else engagement.stage_since,
    )
    now = timezone.now()
    started = now - dt.timedelta(days=10 if is_open else 40)
    invites = []
    for n, school in enumerate(schools):
        answered = n % 3 == 0 if is_open else n % 5 != 4
        moment = started + dt.timedelta(days=1 + n % 8)
        invites.append(
            SchoolsSurveyInvite(
                survey=survey,
                establishment=school,
                invited_at=started,
                answered_at=moment if answered else None,
                changed_at=moment if answered else None,
                answers=_answers(n) if answered else {},
            )
        )
    SchoolsSurveyInvite.objects.bulk_create(invites)
