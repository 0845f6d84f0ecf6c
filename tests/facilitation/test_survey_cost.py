"""The schools survey costs the same at 5 establishments and at 500: starting it (one email
each), asking the schools given an email since, the reminder scan, and every page that
shows it (queries pinned)."""

import datetime as dt

import factory
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from facilitation.links import survey_link_path
from facilitation.models import Meeting, MeetingKind, SchoolsSurveyInvite, Stage
from facilitation.services.survey import (
    schools_survey_invite_more,
    schools_survey_reminders_send,
)
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.conftest import at_scale
from tests.facilitation.factories import EngagementFactory
from tests.request_cost import request_cost
from tests.schools.factories import EstablishmentFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

ANSWERS = {
    "joint_working": "well",
    "referral_routes": "some",
    "named_contact": "yes",
    "shared_planning": "sometimes",
    "mental_health_lead": "yes",
    "barrier": "Waiting times",
}
#: The most queries each request may cost, at 5 establishments or at 500.
QUERIES = {
    "start": 23,
    "detail": 20,
    "survey": 15,
    "meeting": 18,
    "answer-page": 2,
    "answer": 5,
}


def factory_email():
    return factory.Sequence(lambda n: f"lead{n}@school.example")


@pytest.mark.parametrize("size", [5, at_scale(500)])
def test_the_survey_costs_the_same_at_5_and_500_establishments(size, client, monkeypatch):
    engagement = EngagementFactory(stage=Stage.SURVEY)
    EstablishmentFactory.create_batch(
        size,
        la=engagement.local_authority,
        contact_email=factory_email(),
        phase=factory.Iterator(["Primary", "Secondary", "16 plus"]),
    )
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    closes = timezone.localdate() + dt.timedelta(days=21)
    cost = {}
    cost["start"] = request_cost(
        monkeypatch,
        lambda: client.post(
            reverse("facilitation:schools-survey-start", args=[engagement.pk]),
            {"closes_on": closes.isoformat()},
        ),
    )
    assert cost["start"].status_code == 302
    assert OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION).count() == size
    survey = engagement.schools_survey
    now = timezone.now()
    SchoolsSurveyInvite.objects.filter(survey=survey).update(
        answers=ANSWERS, answered_at=now, changed_at=now
    )
    invite = survey.invites.order_by("pk").first()
    session = Workshop.objects.create(
        delivery=engagement.delivery,
        day=1,
        date=closes + dt.timedelta(days=7),
        start_time=dt.time(10),
        end_time=dt.time(12),
    )
    meeting = Meeting.objects.create(
        engagement=engagement, workshop=session, kind=MeetingKind.CONSULTATION
    )
    pages = {
        "detail": reverse("facilitation:detail", args=[engagement.pk]),
        "survey": reverse("facilitation:schools-survey", args=[engagement.pk]),
        "meeting": reverse("facilitation:meeting", args=[meeting.pk]),
    }
    for name, url in pages.items():
        cost[name] = request_cost(monkeypatch, lambda url=url: client.get(url))
    client.logout()
    link = survey_link_path(invite=invite)
    cost["answer-page"] = request_cost(monkeypatch, lambda: client.get(link))
    cost["answer"] = request_cost(monkeypatch, lambda: client.post(link, ANSWERS))
    assert cost["answer"].status_code == 302
    for name, spent in cost.items():
        print(f"{name} at {size} establishments: {spent.queries} queries")  # noqa: T201
    for name, spent in cost.items():
        assert spent.status_code in (200, 302), name
        assert spent.queries <= QUERIES[name], (name, size, spent.queries)


@pytest.mark.parametrize("size", [5, at_scale(500)])
def test_asking_more_and_reminding_cost_a_fixed_number_of_queries(
    size, clock, django_assert_max_num_queries
):
    from facilitation.services.survey import schools_survey_start

    engagement = EngagementFactory(stage=Stage.SURVEY)
    EstablishmentFactory(la=engagement.local_authority, contact_email="first@school.example")
    survey, _ = schools_survey_start(
        engagement=engagement, closes_on=timezone.localdate() + dt.timedelta(days=10)
    )
    EstablishmentFactory.create_batch(
        size, la=engagement.local_authority, contact_email=factory_email()
    )
    with django_assert_max_num_queries(12):
        assert schools_survey_invite_more(survey=survey) == size
    clock.shift(dt.timedelta(days=4))
    with django_assert_max_num_queries(12):
        assert schools_survey_reminders_send() == size + 1
    with django_assert_max_num_queries(4):
        assert schools_survey_reminders_send() == 0
