import datetime as dt

import factory
from django.utils import timezone

from evaluation.models import (
    Answer,
    Audience,
    Choice,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Section,
    SurveyInvitation,
    TimePoint,
)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """An unpublished version 1, so it can still be edited."""

    class Meta:
        model = Questionnaire

    family = factory.Sequence(lambda n: f"test_family_{n}")
    name = factory.Sequence(lambda n: f"Test questionnaire {n}")
    audience = Audience.SCHOOL_STAFF


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A scale question, with its end labels."""

    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    questionnaire = factory.SelfAttribute("section.questionnaire")
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"question_{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = QuestionKind.LIKERT
    likert_low_label = "Strongly disagree"
    likert_high_label = "Strongly agree"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=QuestionKind.SINGLE_CHOICE)
    order = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Choice {n}")
    value = factory.Sequence(lambda n: f"choice_{n}")


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """A baseline invitation for a booked place's attendee, already sent, open for 30 days.

    ``place=`` or ``professional=`` (with ``place=None``) says whose participant is invited.
    """

    class Meta:
        model = SurveyInvitation

    class Params:
        place = factory.SubFactory("tests.cohorts.factories.PlaceFactory")
        professional = None

    time_point = TimePoint.BASELINE
    participant = factory.LazyAttribute(
        lambda o: (o.place if o.place is not None else o.professional).participant
    )
    cohort = factory.LazyAttribute(lambda o: o.participant.delivery.cohort)
    questionnaire = factory.SubFactory(QuestionnaireFactory, is_published=False)
    due_at = factory.LazyFunction(timezone.now)
    closes_at = factory.LazyAttribute(lambda o: o.due_at + dt.timedelta(days=30))
    sent_at = factory.LazyAttribute(lambda o: o.due_at)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A submitted response to an invitation (time point, cohort and version copied)."""

    class Meta:
        model = Response

    invitation = factory.SubFactory(SurveyInvitationFactory)
    questionnaire = factory.SelfAttribute("invitation.questionnaire")
    time_point = factory.SelfAttribute("invitation.time_point")
    cohort = factory.SelfAttribute("invitation.cohort")
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    number = 3
