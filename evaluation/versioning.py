"""Making the next version of a questionnaire: a deep copy, unpublished.

Given an app registry, so that both ``evaluation.services.questionnaire_edit_copy`` (with the
real models) and the data migrations that change a seeded questionnaire (with their
historical models) make versions the same way.
"""


def questionnaire_copy(apps, source, *, version: int):
    """A copy of ``source`` numbered ``version``, unpublished: its sections (with their time
    points), questions (with their codes, so answers stay comparable) and choices. The
    original is left as it is. Costs a fixed number of queries however many questions."""
    Questionnaire = apps.get_model("evaluation", "Questionnaire")
    Section = apps.get_model("evaluation", "Section")
    Question = apps.get_model("evaluation", "Question")
    Choice = apps.get_model("evaluation", "Choice")

    copy = Questionnaire.objects.create(
        family=source.family,
        version=version,
        name=source.name,
        audience=source.audience,
        intro=source.intro,
        is_published=False,
    )

    sections = list(Section.objects.filter(questionnaire=source).order_by("order"))
    new_sections = Section.objects.bulk_create(
        Section(
            questionnaire=copy,
            order=s.order,
            title=s.title,
            intro=s.intro,
            time_points=list(s.time_points or []),
        )
        for s in sections
    )
    section_map = {old.pk: new for old, new in zip(sections, new_sections, strict=True)}

    questions = list(Question.objects.filter(section__questionnaire=source).order_by("pk"))
    new_questions = Question.objects.bulk_create(
        Question(
            questionnaire=copy,
            section=section_map[q.section_id],
            order=q.order,
            code=q.code,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            outcome=q.outcome,
            likert_low_label=q.likert_low_label,
            likert_high_label=q.likert_high_label,
            min_value=q.min_value,
            max_value=q.max_value,
        )
        for q in questions
    )
    question_map = {old.pk: new for old, new in zip(questions, new_questions, strict=True)}

    # A choice's score exists from migration 0012 on; older historical models have none.
    scored = any(field.name == "score" for field in Choice._meta.get_fields())
    Choice.objects.bulk_create(
        Choice(
            question=question_map[c.question_id],
            order=c.order,
            label=c.label,
            value=c.value,
            **({"score": c.score} if scored else {}),
        )
        for c in Choice.objects.filter(question__section__questionnaire=source).order_by("pk")
    )
    return copy
