"""Versions: a new version is a deep copy numbered one up; the original is left as it was."""

import pytest

from evaluation.models import Choice, Question, QuestionKind, Questionnaire
from evaluation.services import (
    QuestionnaireError,
    question_check,
    questionnaire_edit_copy,
    questionnaire_has_responses,
    questionnaire_is_locked,
    questionnaire_problems,
    questionnaire_publish,
    questionnaire_unpublish,
)

from .factories import ChoiceFactory, QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db


def snapshot(questionnaire: Questionnaire) -> list[tuple]:
    """Everything a version says, without ids: equal for a faithful copy."""
    rows = []
    for section in questionnaire.sections.order_by("order"):
        rows.append(("section", section.order, section.title, section.intro, section.time_points))
        for q in section.questions.order_by("order"):
            rows.append(
                (
                    "question",
                    q.order,
                    q.code,
                    q.text,
                    q.help_text,
                    q.kind,
                    q.required,
                    q.outcome,
                    q.likert_low_label,
                    q.likert_high_label,
                    q.min_value,
                    q.max_value,
                )
            )
            rows += [("choice", c.order, c.label, c.value) for c in q.choices.order_by("order")]
    return rows


@pytest.fixture(autouse=True)
def _seeded_unpublished():
    """Each audience has one published version: the seeded ones step aside for these tests."""
    Questionnaire.objects.update(is_published=False)


@pytest.fixture
def published():
    questionnaire = QuestionnaireFactory(intro="Welcome.")
    first = SectionFactory(questionnaire=questionnaire, order=1, intro="About contact.")
    second = SectionFactory(questionnaire=questionnaire, order=2, time_points=["post"])
    QuestionFactory(
        section=first, order=1, code="outcome_referral_routes", outcome="referral_routes"
    )
    choice_question = QuestionFactory(
        section=first,
        order=2,
        code="contact",
        kind=QuestionKind.SINGLE_CHOICE,
        likert_low_label="",
        likert_high_label="",
    )
    ChoiceFactory(question=choice_question, order=1, value="never", label="Never")
    ChoiceFactory(question=choice_question, order=2, value="often", label="Often")
    QuestionFactory(
        section=second,
        order=1,
        code="referrals_made",
        kind=QuestionKind.NUMBER,
        min_value=0,
        max_value=500,
        required=False,
    )
    return questionnaire_publish(questionnaire=questionnaire)


def test_edit_copy_is_a_deep_unpublished_copy_one_version_up(
    published, django_assert_max_num_queries
):
    before = snapshot(published)

    with django_assert_max_num_queries(12) as small:
        copy = questionnaire_edit_copy(questionnaire=published)

    assert copy.pk != published.pk
    assert (copy.family, copy.version, copy.is_published) == (published.family, 2, False)
    assert (copy.name, copy.audience, copy.intro) == (
        published.name,
        published.audience,
        "Welcome.",
    )
    assert snapshot(copy) == before
    assert Question.objects.filter(questionnaire=copy).count() == 3
    assert not Question.objects.filter(
        questionnaire=copy, section__questionnaire=published
    ).exists()
    assert (
        not Choice.objects.filter(question__questionnaire=copy)
        .filter(question__section__questionnaire=published)
        .exists()
    )

    # Ten times the questions cost no more queries.
    section = SectionFactory(questionnaire=copy, order=3)
    for order in range(1, 31):
        question = QuestionFactory(section=section, order=order, kind=QuestionKind.SINGLE_CHOICE)
        ChoiceFactory(question=question, order=1)
        ChoiceFactory(question=question, order=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        bigger = questionnaire_edit_copy(questionnaire=copy)
    assert bigger.version == 3
    assert Question.objects.filter(questionnaire=bigger).count() == 33
    assert Choice.objects.filter(question__questionnaire=bigger).count() == 62


def test_edit_copy_leaves_the_original_untouched(published):
    before = snapshot(published)
    ids = set(Question.objects.filter(questionnaire=published).values_list("pk", flat=True))

    copy = questionnaire_edit_copy(questionnaire=published)
    Question.objects.filter(questionnaire=copy).update(text="Changed in the copy")

    published.refresh_from_db()
    assert published.version == 1
    assert published.is_published
    assert snapshot(published) == before
    assert set(Question.objects.filter(questionnaire=published).values_list("pk", flat=True)) == ids


def test_copying_an_older_version_numbers_after_the_latest(published):
    questionnaire_edit_copy(questionnaire=published)

    third = questionnaire_edit_copy(questionnaire=published)

    assert third.version == 3
    assert Questionnaire.objects.filter(family=published.family).count() == 3


def test_published_questionnaire_is_locked_and_a_draft_is_not(published):
    draft = questionnaire_edit_copy(questionnaire=published)

    assert questionnaire_is_locked(published)
    assert not questionnaire_is_locked(draft)
    assert questionnaire_has_responses(published) is False  # responses arrive in a later slice
    with pytest.raises(QuestionnaireError) as refused:
        question_check(Question.objects.filter(questionnaire=published).first())
    assert refused.value.code == "locked"
    question_check(Question.objects.filter(questionnaire=draft).first())

    questionnaire_unpublish(questionnaire=published)
    published.refresh_from_db()
    assert not questionnaire_is_locked(published)


def test_publishing_refuses_a_questionnaire_that_cannot_be_answered():
    section = SectionFactory()
    QuestionFactory(section=section, kind=QuestionKind.SINGLE_CHOICE, code="lonely")
    questionnaire = section.questionnaire

    assert questionnaire_problems(questionnaire) == [
        "The single-choice question “lonely” needs two choices or more."
    ]
    with pytest.raises(QuestionnaireError, match="lonely"):
        questionnaire_publish(questionnaire=questionnaire)
    questionnaire.refresh_from_db()
    assert not questionnaire.is_published


def test_publishing_refuses_choices_scored_in_part_and_a_copy_keeps_the_scores():
    section = SectionFactory()
    question = QuestionFactory(section=section, kind=QuestionKind.SINGLE_CHOICE, code="often")
    ChoiceFactory(question=question, order=1, value="never", label="Never", score=1)
    ChoiceFactory(question=question, order=2, value="weekly", label="Weekly")
    questionnaire = section.questionnaire

    assert questionnaire_problems(questionnaire) == [
        "The single-choice question “often” has a score on some choices only: score every "
        "choice (choices in an order) or none."
    ]
    Choice.objects.filter(value="weekly").update(score=5)
    assert questionnaire_problems(questionnaire) == []
    copy = questionnaire_edit_copy(questionnaire=questionnaire)
    assert list(
        Choice.objects.filter(question__questionnaire=copy)
        .order_by("order")
        .values_list("value", "score")
    ) == [("never", 1), ("weekly", 5)]


def test_publishing_refuses_an_empty_questionnaire():
    with pytest.raises(QuestionnaireError, match="no questions"):
        questionnaire_publish(questionnaire=QuestionnaireFactory())


def test_publishing_a_new_version_takes_over_from_the_old_one(published):
    copy = questionnaire_edit_copy(questionnaire=published)

    questionnaire_publish(questionnaire=copy)

    published.refresh_from_db()
    copy.refresh_from_db()
    assert copy.is_published
    assert not published.is_published
    assert list(Questionnaire.objects.filter(is_published=True, audience=copy.audience)) == [copy]


def test_a_second_family_cannot_be_published_for_the_same_audience(published):
    other = QuestionnaireFactory()
    QuestionFactory(section=SectionFactory(questionnaire=other))

    with pytest.raises(QuestionnaireError, match="unpublish it before publishing"):
        questionnaire_publish(questionnaire=other)

    other.refresh_from_db()
    published.refresh_from_db()
    assert published.is_published and not other.is_published


def test_a_version_someone_was_sent_stays_locked_once_unpublished(published):
    from tests.evaluation.factories import SurveyInvitationFactory

    SurveyInvitationFactory(questionnaire=published)
    questionnaire_unpublish(questionnaire=published)

    assert questionnaire_has_responses(published)
    assert questionnaire_is_locked(published)
