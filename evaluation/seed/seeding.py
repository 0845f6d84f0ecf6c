"""Write the standard questionnaires into a database, and bring older seeds up to date.

Each function takes an app registry, so that a migration can pass its historical models."""

from django.db import transaction

from evaluation.seed.questionnaires import (
    SCHOOL_STAFF_FAMILY,
    STAFF_LAST_SECTION,
    STAFF_WORKSHOP_FEEDBACK,
    STANDARD_QUESTIONNAIRES,
)
from evaluation.versioning import questionnaire_copy


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _create(apps, spec: dict) -> None:
    Questionnaire = apps.get_model("evaluation", "Questionnaire")
    Section = apps.get_model("evaluation", "Section")

    questionnaire = Questionnaire.objects.create(
        family=spec["family"],
        version=1,
        name=spec["name"],
        audience=spec["audience"],
        intro=spec["intro"],
        is_published=True,
    )
    for section_order, section_spec in enumerate(spec["sections"], start=1):
        extra = {}
        if _has_field(Section, "time_points"):  # not yet in the migration that seeds first
            extra["time_points"] = section_spec.get("time_points", [])
        section = Section.objects.create(
            questionnaire=questionnaire,
            order=section_order,
            title=section_spec["title"],
            intro=section_spec["intro"],
            **extra,
        )
        _create_questions(apps, section, section_spec["questions"])


def _create_questions(apps, section, questions: list[dict]) -> None:
    """Write ``questions`` (specs, with any choices) into ``section``, in order."""
    Question = apps.get_model("evaluation", "Question")
    Choice = apps.get_model("evaluation", "Choice")
    for question_order, question_spec in enumerate(questions, start=1):
        fields = {k: v for k, v in question_spec.items() if k != "choices"}
        question = Question.objects.create(
            questionnaire_id=section.questionnaire_id,
            section=section,
            order=question_order,
            **fields,
        )
        # A choice's score exists from migration 0012 on; older historical models have none.
        scored = any(field.name == "score" for field in Choice._meta.get_fields())
        Choice.objects.bulk_create(
            Choice(
                question=question,
                order=order,
                value=value,
                label=label,
                **({"score": score[0]} if scored and score else {}),
            )
            for order, (value, label, *score) in enumerate(
                question_spec.get("choices", ()), start=1
            )
        )


def seed_questionnaires(apps) -> list[str]:
    """Create the standard questionnaires that are missing; return the families created.

    A family that already has any version is left alone, so this is safe to run again.
    """
    Questionnaire = apps.get_model("evaluation", "Questionnaire")
    created = []
    with transaction.atomic():
        for spec in STANDARD_QUESTIONNAIRES:
            if Questionnaire.objects.filter(family=spec["family"]).exists():
                continue
            _create(apps, spec)
            created.append(spec["family"])
    return created


def seed_section_time_points(apps) -> None:
    """Bring the seeded questionnaires' sections up to date with their time points.

    For databases seeded before sections had time points: a seeded version 1 that nobody has
    been sent yet gets its spec's time points, and the professionals' questionnaire gets its
    joint-working section (asked every time) ahead of the feedback (asked afterwards). A
    version that has been sent is left alone: change it with a new version instead.
    """
    Questionnaire = apps.get_model("evaluation", "Questionnaire")
    Section = apps.get_model("evaluation", "Section")
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    with transaction.atomic():
        for spec in STANDARD_QUESTIONNAIRES:
            questionnaire = Questionnaire.objects.filter(family=spec["family"], version=1).first()
            if questionnaire is None:
                continue
            if SurveyInvitation.objects.filter(questionnaire=questionnaire).exists():
                continue
            titles = set(questionnaire.sections.values_list("title", flat=True))
            missing = [s for s in spec["sections"] if s["title"] not in titles]
            if missing:
                # Make room: the spec's order, from the top, moving existing sections down.
                for section in questionnaire.sections.order_by("-order"):
                    section.order += len(spec["sections"])
                    section.save(update_fields=["order"])
            for order, section_spec in enumerate(spec["sections"], start=1):
                section = questionnaire.sections.filter(title=section_spec["title"]).first()
                if section is None:
                    section = Section.objects.create(
                        questionnaire=questionnaire,
                        order=order,
                        title=section_spec["title"],
                        intro=section_spec["intro"],
                    )
                    _create_questions(apps, section, section_spec["questions"])
                section.order = order
                section.time_points = section_spec.get("time_points", [])
                section.save(update_fields=["order", "time_points"])
            questionnaire.intro = spec["intro"]
            questionnaire.save(update_fields=["intro"])


def seed_staff_workshop_feedback(apps) -> str:
    """Give school staff the feedback on the workshops that professionals give, asked after
    the programme (``STAFF_WORKSHOP_FEEDBACK``, before "Anything else").

    It goes into the staff questionnaire published now (of the standard family): in place if
    no one has been sent that version, else into a new version, published in its place, so
    that a version someone was sent never changes. Returns what was done: "added",
    "new version", or "" when there was nothing to do (no standard version is published, or
    it has the section or questions with its codes already).
    """
    Questionnaire = apps.get_model("evaluation", "Questionnaire")
    Question = apps.get_model("evaluation", "Question")
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    spec = STAFF_WORKSHOP_FEEDBACK
    codes = [question["code"] for question in spec["questions"]]
    with transaction.atomic():
        current = (
            Questionnaire.objects.select_for_update()
            .filter(family=SCHOOL_STAFF_FAMILY, is_published=True)
            .first()
        )
        if current is None or (
            current.sections.filter(title=spec["title"]).exists()
            or Question.objects.filter(questionnaire=current, code__in=codes).exists()
        ):
            return ""
        done = "added"
        if SurveyInvitation.objects.filter(questionnaire=current).exists():
            latest = max(
                Questionnaire.objects.filter(family=SCHOOL_STAFF_FAMILY).values_list(
                    "version", flat=True
                )
            )
            current.is_published = False
            current.save(update_fields=["is_published", "updated_at"])
            current = questionnaire_copy(apps, current, version=latest + 1)
            current.is_published = True
            current.save(update_fields=["is_published", "updated_at"])
            done = "new version"
        _insert_section(apps, current, spec, before=STAFF_LAST_SECTION)
    return done


def _insert_section(apps, questionnaire, spec: dict, *, before: str) -> None:
    """Add the section ``spec`` to ``questionnaire`` ahead of the section titled ``before``
    (at the end if there is none), moving the later sections down."""
    Section = apps.get_model("evaluation", "Section")
    sections = list(Section.objects.filter(questionnaire=questionnaire).order_by("order"))
    following = next((s for s in sections if s.title == before), None)
    order = following.order if following else (sections[-1].order + 1 if sections else 1)
    for section in reversed(sections):  # last first: orders are unique in a questionnaire
        if section.order >= order:
            section.order += 1
            section.save(update_fields=["order"])
    section = Section.objects.create(
        questionnaire=questionnaire,
        order=order,
        title=spec["title"],
        intro=spec["intro"],
        time_points=spec.get("time_points", []),
    )
    _create_questions(apps, section, spec["questions"])
