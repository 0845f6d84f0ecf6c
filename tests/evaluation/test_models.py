"""The rules the database and the models keep: orders, codes, scale labels."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evaluation.models import Question, QuestionKind
from evaluation.services import QuestionnaireError, question_check

from .factories import ChoiceFactory, QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db


def refused_by_database(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_database_refuses_a_second_version_with_the_same_number():
    first = QuestionnaireFactory()
    refused_by_database(QuestionnaireFactory, family=first.family, version=first.version)


def test_database_refuses_duplicate_section_order():
    section = SectionFactory()
    refused_by_database(SectionFactory, questionnaire=section.questionnaire, order=section.order)


def test_database_refuses_duplicate_question_order_in_a_section():
    question = QuestionFactory()
    refused_by_database(QuestionFactory, section=question.section, order=question.order)


def test_database_refuses_duplicate_code_in_a_questionnaire_even_across_sections():
    question = QuestionFactory()
    other_section = SectionFactory(questionnaire=question.questionnaire)
    refused_by_database(QuestionFactory, section=other_section, code=question.code)


def test_same_code_is_fine_in_another_questionnaire():
    question = QuestionFactory()
    assert QuestionFactory(code=question.code).code == question.code


def test_database_refuses_duplicate_choice_order_or_value():
    choice = ChoiceFactory()
    refused_by_database(ChoiceFactory, question=choice.question, order=choice.order)
    refused_by_database(ChoiceFactory, question=choice.question, value=choice.value)


def test_database_refuses_a_likert_question_without_end_labels():
    refused_by_database(QuestionFactory, likert_low_label="")
    refused_by_database(QuestionFactory, likert_high_label="")


def test_database_refuses_a_minimum_above_the_maximum():
    refused_by_database(QuestionFactory, kind=QuestionKind.NUMBER, min_value=10, max_value=1)


def test_clean_refuses_a_likert_question_without_end_labels():
    section = SectionFactory()
    question = Question(
        section=section, order=1, code="no_labels", text="How?", kind=QuestionKind.LIKERT
    )

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert set(refused.value.message_dict) == {"likert_low_label", "likert_high_label"}
    # clean() fills the questionnaire in from the section.
    assert question.questionnaire_id == section.questionnaire_id


def test_service_check_refuses_a_likert_question_without_end_labels():
    question = Question(
        section=SectionFactory(),
        order=1,
        code="no_labels",
        text="How?",
        kind=QuestionKind.LIKERT,
        likert_low_label="Never",
    )

    with pytest.raises(QuestionnaireError) as refused:
        question_check(question)

    assert refused.value.code == "likert_labels"


def test_clean_refuses_duplicates_with_readable_messages():
    existing = QuestionFactory()
    duplicate = Question(
        section=existing.section,
        order=existing.order,
        code=existing.code,
        text="Again?",
        kind=QuestionKind.YES_NO,
    )

    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()

    messages = " ".join(refused.value.messages)
    assert "has this order" in messages
    assert "has this code" in messages


def test_clean_refuses_a_section_of_another_questionnaire():
    question = QuestionFactory()
    question.section = SectionFactory()

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert "section" in refused.value.message_dict


def test_other_kinds_need_no_end_labels():
    for kind in (QuestionKind.YES_NO, QuestionKind.NUMBER, QuestionKind.FREE_TEXT):
        question = QuestionFactory(kind=kind, likert_low_label="", likert_high_label="")
        question.full_clean()
