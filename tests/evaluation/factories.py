import factory

from evaluation.models import Audience, Choice, Question, QuestionKind, Questionnaire, Section


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
