"""Writes of the evaluation app: questionnaire versions and publishing.

The versioning rule: a questionnaire that is published, or that has responses, is locked.
Nothing in it changes any more, so no answer ever finds its question changed underneath
it. To change a locked questionnaire, make a new version with ``questionnaire_edit_copy``,
edit that, and publish it.
"""

from django.apps import apps as django_apps
from django.db import transaction

from core.errors import LinkDomainError
from evaluation.models import Choice, Question, QuestionKind, Questionnaire, SurveyInvitation
from evaluation.versioning import questionnaire_copy


class QuestionnaireError(LinkDomainError):
    """A questionnaire could not be changed, copied or published."""

    default_code = "questionnaire"


def questionnaire_has_responses(questionnaire: Questionnaire) -> bool:
    """Whether anyone has answered, started answering or been sent this version.

    An invitation counts: its link opens this version, so its questions must not change
    underneath someone about to answer. A questionnaire with responses stays locked even
    once it is unpublished.
    """
    # Every response belongs to an invitation of the same version: one query covers both.
    return SurveyInvitation.objects.filter(questionnaire=questionnaire).exists()


def questionnaire_is_locked(questionnaire: Questionnaire) -> bool:
    """Whether this version may no longer be edited: it is published or has responses."""
    return questionnaire.is_published or questionnaire_has_responses(questionnaire)


def questionnaire_problems(questionnaire: Questionnaire) -> list[str]:
    """What stops this version from being published, as readable sentences (none: it can be).

    Checks what the database cannot: a question of each kind has what it needs to be
    answered. Costs two queries however many questions.
    """
    problems = []
    questions = list(
        Question.objects.filter(questionnaire=questionnaire).order_by("section__order", "order")
    )
    if not questions:
        problems.append(f"{questionnaire} has no questions.")
    choice_counts: dict[int, int] = {}
    scored_counts: dict[int, int] = {}
    for question_id, score in Choice.objects.filter(
        question__questionnaire=questionnaire
    ).values_list("question_id", "score"):
        choice_counts[question_id] = choice_counts.get(question_id, 0) + 1
        scored_counts[question_id] = scored_counts.get(question_id, 0) + (score is not None)
    for question in questions:
        if question.kind == QuestionKind.LIKERT and not (
            question.likert_low_label and question.likert_high_label
        ):
            problems.append(f"The scale question “{question.code}” needs labels for both ends.")
        if question.kind == QuestionKind.SINGLE_CHOICE and choice_counts.get(question.pk, 0) < 2:
            problems.append(
                f"The single-choice question “{question.code}” needs two choices or more."
            )
        if 0 < scored_counts.get(question.pk, 0) < choice_counts.get(question.pk, 0):
            # Pairing only the scored answers would leave some people's answers out.
            problems.append(
                f"The single-choice question “{question.code}” has a score on some choices "
                "only: score every choice (choices in an order) or none."
            )
        if (
            question.min_value is not None
            and question.max_value is not None
            and question.min_value > question.max_value
        ):
            problems.append(
                f"The number question “{question.code}” has its smallest number above its largest."
            )
    return problems


def question_check(question: Question) -> None:
    """Refuse a question that could not be answered as it stands, or whose questionnaire is
    locked. For writes outside the admin's forms (which run ``Question.clean``)."""
    if question.kind == QuestionKind.LIKERT and not (
        question.likert_low_label and question.likert_high_label
    ):
        raise QuestionnaireError(
            f"The scale question “{question.code}” needs labels for both ends.",
            code="likert_labels",
        )
    questionnaire_check_editable(question.section.questionnaire)


def questionnaire_check_editable(questionnaire: Questionnaire) -> None:
    """Refuse any change to a locked questionnaire, saying what to do instead."""
    if questionnaire_is_locked(questionnaire):
        raise QuestionnaireError(
            f"{questionnaire} is published or has responses, so its questions cannot change: "
            "make a new version and edit that.",
            code="locked",
        )


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a version, so it is what its audience is sent from now on.

    One version is published per audience: publishing a version of the same family takes
    over from the one published before (which is unpublished, and keeps its answers). A
    different family already published for the audience is left alone and this is refused,
    so nobody swaps the instrument by accident. Refused too while the version has problems.
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.is_published:
        return questionnaire
    problems = questionnaire_problems(questionnaire)
    if problems:
        raise QuestionnaireError(
            f"{questionnaire} cannot be published yet. " + " ".join(problems), code="problems"
        )
    published = list(
        Questionnaire.objects.select_for_update().filter(
            audience=questionnaire.audience, is_published=True
        )
    )
    for other in published:
        if other.family != questionnaire.family:
            raise QuestionnaireError(
                f"{other} is published for {other.get_audience_display().lower()}: "
                f"unpublish it before publishing {questionnaire}, so that it is clear which "
                "questionnaire people are sent.",
                code="audience_taken",
            )
    for other in published:
        other.is_published = False
        other.save(update_fields=["is_published", "updated_at"])
    questionnaire.is_published = True
    questionnaire.save(update_fields=["is_published", "updated_at"])
    return questionnaire


def questionnaire_published_for(*, audience: str) -> Questionnaire | None:
    """The version sent to ``audience`` now, or None when none is published."""
    return Questionnaire.objects.filter(audience=audience, is_published=True).first()


@transaction.atomic
def questionnaire_unpublish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Stop sending a version. If it has responses it stays locked all the same."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.is_published:
        questionnaire.is_published = False
        questionnaire.save(update_fields=["is_published", "updated_at"])
    return questionnaire


@transaction.atomic
def questionnaire_edit_copy(*, questionnaire: Questionnaire) -> Questionnaire:
    """Make the next version of a questionnaire, to edit in place of a locked one.

    A deep copy of its sections, questions (with their codes, so answers stay comparable)
    and choices, numbered one above the family's latest version and unpublished. The
    original is left as it is. Costs a fixed number of queries however many questions.
    """
    # Lock the family's versions so two copies made at once cannot take the same number.
    versions = {
        pk: version
        for pk, version in Questionnaire.objects.select_for_update()
        .filter(family=questionnaire.family)
        .order_by("version")
        .values_list("pk", "version")
    }
    source = Questionnaire.objects.get(pk=questionnaire.pk)
    return questionnaire_copy(django_apps, source, version=max(versions.values()) + 1)
