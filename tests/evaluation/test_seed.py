"""The seeded questionnaires: what they cover, and that seeding twice changes nothing."""

import pytest
from django.apps import apps

from evaluation.models import Audience, Choice, Question, QuestionKind, Questionnaire, Section
from evaluation.seed import (
    PROFESSIONAL_FEEDBACK_FAMILY,
    SCHOOL_STAFF_FAMILY,
    seed_questionnaires,
)
from evaluation.services import (
    questionnaire_edit_copy,
    questionnaire_problems,
    questionnaire_published_for,
)
from evaluation.services.responses import questionnaire_questions
from tests.evaluation.factories import SurveyInvitationFactory

pytestmark = pytest.mark.django_db

CASCADE_CODES = {
    "cascade_clarity": "Clarity on roles and responsibilities",
    "cascade_points_of_contact": "Agreed use of key points of contact",
    "cascade_shared_planning": "Structures for shared planning",
    "cascade_outcome_measures": "A common approach to outcome measures",
    "cascade_best_practice": "Learning from best practice",
    "cascade_integrated_working": "Integrated working for faster access to support",
    "cascade_evidence_based": "An evidence-based approach to intervention",
}
# The outcomes issue 5 names for the staff instrument, and the kind of question each needs.
STAFF_OUTCOMES = {
    "contact": {QuestionKind.SINGLE_CHOICE},
    "communication": {QuestionKind.LIKERT},
    "referral_routes": {QuestionKind.LIKERT},
    "knowledge": {QuestionKind.LIKERT},
    "referral_confidence": {QuestionKind.LIKERT},
    "action_planning": {QuestionKind.LIKERT, QuestionKind.FREE_TEXT},
    "wellbeing": {QuestionKind.LIKERT},
    "cascade": {QuestionKind.LIKERT},
}


def counts() -> tuple[int, int, int, int]:
    return (
        Questionnaire.objects.count(),
        Section.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
    )


@pytest.fixture
def seeded():
    """The standard questionnaires, seeded afresh (a flushing test may have removed them)."""
    Questionnaire.objects.all().delete()
    assert seed_questionnaires(apps) == [SCHOOL_STAFF_FAMILY, PROFESSIONAL_FEEDBACK_FAMILY]
    return {q.family: q for q in Questionnaire.objects.all()}


def test_seed_creates_two_published_questionnaires_for_their_audiences(seeded):
    staff = seeded[SCHOOL_STAFF_FAMILY]
    professionals = seeded[PROFESSIONAL_FEEDBACK_FAMILY]

    assert (staff.audience, staff.version, staff.is_published) == (Audience.SCHOOL_STAFF, 1, True)
    assert (professionals.audience, professionals.version, professionals.is_published) == (
        Audience.PROFESSIONALS,
        1,
        True,
    )
    assert questionnaire_problems(staff) == []
    assert questionnaire_problems(professionals) == []


def test_staff_instrument_covers_every_outcome_of_the_issue(seeded):
    questions = Question.objects.filter(questionnaire=seeded[SCHOOL_STAFF_FAMILY])

    for outcome, kinds in STAFF_OUTCOMES.items():
        found = set(questions.filter(outcome=outcome).values_list("kind", flat=True))
        assert kinds <= found, f"{outcome}: wanted {kinds}, found {found}"
    contact = questions.get(code="outcome_contact_frequency")
    assert contact.choices.count() >= 4


def test_staff_instrument_has_the_seven_cascade_ratings(seeded):
    cascade = Question.objects.filter(questionnaire=seeded[SCHOOL_STAFF_FAMILY], outcome="cascade")

    assert {q.code: q.text for q in cascade} == CASCADE_CODES
    for question in cascade:
        assert question.kind == QuestionKind.LIKERT
        assert question.required
        assert (question.likert_low_label, question.likert_high_label) == (
            "Not in place",
            "Fully in place",
        )


def test_professional_questionnaire_is_short_with_feedback_only_afterwards(seeded):
    questions = Question.objects.filter(questionnaire=seeded[PROFESSIONAL_FEEDBACK_FAMILY])

    assert {q.code: q.kind for q in questions} == {
        "communication_satisfaction": QuestionKind.LIKERT,
        "working_relationships": QuestionKind.LIKERT,
        "referral_routes_understood": QuestionKind.LIKERT,
        "organisation_type": QuestionKind.SINGLE_CHOICE,
        "programme_usefulness": QuestionKind.LIKERT,
        "do_differently": QuestionKind.FREE_TEXT,
    }
    assert questions.get(code="organisation_type").choices.count() == 5


def test_every_seeded_row_passes_model_validation(seeded):
    """The seed writes through historical models, which skip clean(): check it here."""
    for model in (Questionnaire, Section, Question, Choice):
        for obj in model.objects.all():
            obj.full_clean()
    free_text = Question.objects.filter(kind=QuestionKind.FREE_TEXT)
    assert free_text.exists()
    assert not free_text.filter(required=True).exists()


def test_seeding_again_creates_nothing(seeded):
    before = counts()

    assert seed_questionnaires(apps) == []
    assert counts() == before


def test_seeding_leaves_a_versioned_family_alone(seeded):
    questionnaire_edit_copy(questionnaire=seeded[SCHOOL_STAFF_FAMILY])
    Questionnaire.objects.filter(family=SCHOOL_STAFF_FAMILY, version=1).delete()
    before = counts()

    assert seed_questionnaires(apps) == []
    assert counts() == before


def test_seeding_restores_only_a_missing_family(seeded):
    Questionnaire.objects.filter(family=PROFESSIONAL_FEEDBACK_FAMILY).delete()
    staff_questions = Question.objects.filter(questionnaire__family=SCHOOL_STAFF_FAMILY).count()

    assert seed_questionnaires(apps) == [PROFESSIONAL_FEEDBACK_FAMILY]
    assert Questionnaire.objects.count() == 2
    assert (
        Question.objects.filter(questionnaire__family=SCHOOL_STAFF_FAMILY).count()
        == staff_questions
    )


def test_the_migration_seeds_with_its_historical_models():
    """What the data migration runs, with the models as they were at that migration."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("evaluation", "0002_seed_questionnaires"))
    migration = import_module("evaluation.migrations.0002_seed_questionnaires")
    Questionnaire.objects.all().delete()

    migration.seed(state.apps, None)
    migration.seed(state.apps, None)

    assert set(Questionnaire.objects.values_list("family", flat=True)) == {
        SCHOOL_STAFF_FAMILY,
        PROFESSIONAL_FEEDBACK_FAMILY,
    }
    assert Question.objects.filter(outcome="cascade").count() == 7


def test_professionals_answer_joint_working_every_time_and_feedback_afterwards(seeded):
    sections = list(seeded[PROFESSIONAL_FEEDBACK_FAMILY].sections.order_by("order"))

    assert [s.title for s in sections] == [
        "Working with schools and colleges in your area",
        "Your feedback",
    ]
    assert [s.asked_at("baseline") for s in sections] == [True, False]
    assert [s.asked_at("post") for s in sections] == [True, True]
    assert [s.asked_at("follow_up") for s in sections] == [True, True]
    assert "Thank you for taking part" not in seeded[PROFESSIONAL_FEEDBACK_FAMILY].intro


def test_the_time_point_migration_updates_a_questionnaire_seeded_before_it():
    """A database seeded with the old professionals' questionnaire (feedback only) gets the
    joint-working section first, and its feedback asked only afterwards."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    old = seeded_questionnaire = Questionnaire.objects.get(
        family=PROFESSIONAL_FEEDBACK_FAMILY, version=1
    )
    old.sections.exclude(title="Your feedback").delete()
    old.sections.update(order=1, time_points=[])
    state = MigrationLoader(connection).project_state(
        ("evaluation", "0005_seed_section_time_points")
    )

    import_module("evaluation.migrations.0005_seed_section_time_points").update(state.apps, None)

    sections = list(seeded_questionnaire.sections.order_by("order"))
    assert [(s.order, s.title, s.time_points) for s in sections] == [
        (1, "Working with schools and colleges in your area", []),
        (2, "Your feedback", ["post", "follow_up"]),
    ]
    assert seeded_questionnaire.questions.count() == 6


# --- School staff's feedback on the workshops (issue 11, item 17) ----------------------------

FEEDBACK_TITLE = "Your feedback on the workshops"


def asked(questionnaire, time_point: str) -> list[str]:
    return [
        q.code
        for q in questionnaire_questions(questionnaire_id=questionnaire.pk, time_point=time_point)
    ]


def test_staff_give_feedback_on_the_workshops_after_the_programme_only(seeded):
    staff, professionals = seeded[SCHOOL_STAFF_FAMILY], seeded[PROFESSIONAL_FEEDBACK_FAMILY]

    assert {"programme_usefulness", "do_differently"}.isdisjoint(asked(staff, "baseline"))
    assert asked(staff, "baseline")[-1] == "comments"
    for time_point in ("post", "follow_up"):
        assert asked(staff, time_point)[-3:] == [
            "programme_usefulness",
            "do_differently",
            "comments",
        ]
    # The same questions as the professionals answer, so the two can be compared.
    fields = (
        "code",
        "kind",
        "text",
        "required",
        "outcome",
        "likert_low_label",
        "likert_high_label",
    )
    feedback = staff.sections.get(title=FEEDBACK_TITLE).questions.order_by("order")
    assert list(feedback.values_list(*fields)) == list(
        professionals.questions.filter(code__in=["programme_usefulness", "do_differently"])
        .order_by("order")
        .values_list(*fields)
    )
    assert questionnaire_problems(staff) == []


def as_before_the_feedback(staff: Questionnaire) -> list[tuple[int, str]]:
    """Make the seeded staff version as it was before staff were asked for feedback."""
    staff.sections.filter(title=FEEDBACK_TITLE).delete()
    last = staff.sections.order_by("-order").first()
    last.order -= 1
    last.save()
    return list(staff.sections.order_by("order").values_list("order", "title"))


def run_feedback_migration() -> None:
    """What the data migration runs, with the models as they were at that migration."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(
        ("evaluation", "0007_staff_workshop_feedback")
    )
    import_module("evaluation.migrations.0007_staff_workshop_feedback").add(state.apps, None)


def test_the_feedback_migration_adds_it_in_place_to_a_version_nobody_was_sent(seeded):
    staff = seeded[SCHOOL_STAFF_FAMILY]
    before = as_before_the_feedback(staff)

    run_feedback_migration()
    run_feedback_migration()  # again: nothing more

    assert Questionnaire.objects.filter(family=SCHOOL_STAFF_FAMILY).count() == 1
    sections = list(staff.sections.order_by("order").values_list("order", "title"))
    assert sections == [
        *before[:-1],
        (before[-1][0], FEEDBACK_TITLE),
        (before[-1][0] + 1, "Anything else"),
    ]
    assert asked(staff, "post")[-3:] == ["programme_usefulness", "do_differently", "comments"]
    assert "programme_usefulness" not in asked(staff, "baseline")


def test_the_feedback_migration_makes_a_new_version_of_one_people_were_sent(seeded):
    staff = seeded[SCHOOL_STAFF_FAMILY]
    before = as_before_the_feedback(staff)
    questions_before = asked(staff, "post")
    SurveyInvitationFactory(questionnaire=staff)

    run_feedback_migration()
    run_feedback_migration()  # again: nothing more

    staff.refresh_from_db()
    new = questionnaire_published_for(audience=Audience.SCHOOL_STAFF)
    assert (new.family, new.version, staff.is_published) == (SCHOOL_STAFF_FAMILY, 2, False)
    # The version people were sent is as it was; the new one has the feedback afterwards.
    assert list(staff.sections.order_by("order").values_list("order", "title")) == before
    assert asked(staff, "post") == questions_before
    assert asked(new, "post") == [
        *questions_before[:-1],
        "programme_usefulness",
        "do_differently",
        "comments",
    ]
    assert asked(new, "baseline") == asked(staff, "baseline")
    assert (
        Choice.objects.filter(question__questionnaire=new).count()
        == Choice.objects.filter(question__questionnaire=staff).count()
    )
    assert questionnaire_problems(new) == []
