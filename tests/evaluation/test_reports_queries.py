"""The reports, the funnel and the exports cost the same number of queries at 100 submitted
responses and at 10,000."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from evaluation.models import (
    Answer,
    Audience,
    Outcome,
    QuestionKind,
    Response,
    SurveyInvitation,
    TimePoint,
)
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.evaluation.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.schools.factories import LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Participant, ParticipantKind, Professional

pytestmark = pytest.mark.django_db

TIME_POINTS = (TimePoint.BASELINE, TimePoint.FOLLOW_UP)


@pytest.fixture
def survey():
    """Four cohorts in two LAs and a professionals' questionnaire of four questions."""
    las = [LocalAuthorityFactory(code=f"Q{n}") for n in range(2)]
    cohorts = [CohortFactory(local_authority=las[n % 2]) for n in range(4)]
    questionnaire = QuestionnaireFactory(audience=Audience.PROFESSIONALS)
    section = SectionFactory(questionnaire=questionnaire)
    questions = [
        QuestionFactory(section=section, code="useful", outcome=Outcome.FEEDBACK),
        QuestionFactory(section=section, code="clear", outcome=Outcome.FEEDBACK),
        QuestionFactory(section=section, code="again", kind=QuestionKind.YES_NO),
        QuestionFactory(section=section, code="notes", kind=QuestionKind.FREE_TEXT),
    ]
    return cohorts, questionnaire, questions


def bulk_responses(survey, people: int) -> None:
    """``people`` professionals, each invited and answering at baseline and follow-up."""
    cohorts, questionnaire, questions = survey
    now = timezone.now()
    built = [ProfessionalFactory.build(cohort=cohorts[n % len(cohorts)]) for n in range(people)]
    participants = Participant.objects.bulk_create(
        [Participant(delivery=p.delivery, kind=ParticipantKind.PROFESSIONAL) for p in built],
        batch_size=2000,
    )
    for professional, participant in zip(built, participants, strict=True):
        professional.participant = participant
    professionals = Professional.objects.bulk_create(built, batch_size=2000)
    invitations = SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                time_point=time_point,
                cohort_id=professional.delivery.cohort.pk,
                participant=professional.participant,
                questionnaire=questionnaire,
                due_at=now,
                closes_at=now + dt.timedelta(days=30),
                sent_at=now,
            )
            for professional in professionals
            for time_point in TIME_POINTS
        ],
        batch_size=2000,
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                invitation=invitation,
                questionnaire=questionnaire,
                time_point=invitation.time_point,
                cohort_id=invitation.cohort_id,
                submitted_at=now,
            )
            for invitation in invitations
        ],
        batch_size=2000,
    )
    useful, clear, again, notes = questions
    answers = []
    for n, response in enumerate(responses):
        later = response.time_point == TimePoint.FOLLOW_UP
        answers += [
            Answer(response=response, question=useful, number=(n % 3) + 1 + later),
            Answer(response=response, question=clear, number=(n % 5) + 1),
            Answer(response=response, question=again, choice="yes" if n % 2 else "no"),
            Answer(response=response, question=notes, text=f"Note {n % 7}"),
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)


PAGES = (
    ("evaluation:report", {}),
    ("evaluation:export-aggregates-xlsx", {}),
    ("evaluation:export-responses-csv", {}),
    ("evaluation:funnel", {}),
    ("evaluation:funnel-xlsx", {}),
    ("home", {}),
)


def fetch(client, name):
    response = client.get(reverse(name))
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return response


def test_report_exports_and_dashboard_queries_stay_constant_from_100_to_10000_responses(
    client, survey, django_assert_max_num_queries
):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    bulk_responses(survey, 50)
    small = {}
    for name, _ in PAGES:
        # 41: the report also reads the facilitation engagements' CASCADE ratings (issue 15)
        with django_assert_max_num_queries(41) as counted:
            fetch(client, name)
        small[name] = len(counted.captured_queries)

    bulk_responses(survey, 4_950)
    assert Response.objects.filter(submitted_at__isnull=False).count() == 10_000
    for name, _ in PAGES:
        with django_assert_max_num_queries(small[name]):
            response = fetch(client, name)
        if name == "evaluation:report":
            assert response.context["rates"]["total"][0].responded.value == 5_000
            [outcome] = response.context["change"]["outcomes"]
            assert outcome.pairs.value == 5_000
