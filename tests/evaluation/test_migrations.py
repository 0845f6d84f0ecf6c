"""The migrations that put survey invitations on participants (evaluation 0009 to 0011),
run on invitations made before them: each keeps its person, whatever their kind, and is
still once per participant and time point."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from evaluation.models import Audience, SurveyInvitation, TimePoint
from tests.cohorts.factories import PlaceFactory
from tests.evaluation.factories import QuestionnaireFactory, SurveyInvitationFactory
from tests.workshops.factories import ProfessionalFactory
from tests.workshops.test_migrations import migrate, old

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BEFORE_PARTICIPANTS = ("evaluation", "0008_stamp_survey_emails")
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def before_participants():
    place = PlaceFactory()
    professional = ProfessionalFactory(cohort=place.cohort)
    migrate(BEFORE_PARTICIPANTS)
    yield place, professional
    migrate()


def old_invitation(cohort, time_point, **person):
    return old("evaluation", "SurveyInvitation").objects.create(
        time_point=time_point,
        cohort_id=cohort.pk,
        questionnaire_id=QuestionnaireFactory().pk,
        due_at=NOW,
        closes_at=NOW + dt.timedelta(days=30),
        **person,
    )


def test_each_invitation_is_its_place_s_or_its_professional_s_participant(before_participants):
    place, professional = before_participants
    of_place = old_invitation(place.cohort, "baseline", place_id=place.pk)
    later = old_invitation(place.cohort, "post", place_id=place.pk)
    of_professional = old_invitation(place.cohort, "baseline", professional_id=professional.pk)

    migrate()

    assert dict(SurveyInvitation.objects.values_list("pk", "participant")) == {
        of_place.pk: place.participant_id,
        later.pk: place.participant_id,
        of_professional.pk: professional.participant_id,
    }
    audiences = {i.pk: i.audience for i in SurveyInvitation.objects.all()}
    assert audiences[of_place.pk] == Audience.SCHOOL_STAFF
    assert audiences[of_professional.pk] == Audience.PROFESSIONALS


def test_backwards_each_invitation_is_its_place_s_or_professional_s_again():
    place = PlaceFactory()
    professional = ProfessionalFactory(cohort=place.cohort)
    of_place = SurveyInvitationFactory(place=place)
    of_professional = SurveyInvitationFactory(place=None, professional=professional)

    migrate(BEFORE_PARTICIPANTS)
    rows = old("evaluation", "SurveyInvitation").objects.values_list(
        "pk", "place_id", "professional_id"
    )
    assert set(rows) == {(of_place.pk, place.pk, None), (of_professional.pk, None, professional.pk)}
    migrate()


def test_a_participant_is_invited_once_per_time_point():
    invitation = SurveyInvitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyInvitationFactory(
            place=None,
            participant=invitation.participant,
            cohort=invitation.cohort,
            time_point=TimePoint.BASELINE,
        )
    SurveyInvitationFactory(place=None, participant=invitation.participant, time_point="post")
