"""The standard questionnaires every Link database starts with (seeded by a migration).

Two questionnaires, each published as version 1:

- the standard instrument for school and college staff: the pilot's outcomes (contact with
  CYPMHS, communication and working relationships, referral routes, knowledge and awareness
  of mental health issues), confidence in referring, action planning, measuring wellbeing,
  and the seven CASCADE ratings of joint working, and after the programme their feedback on
  the workshops;
- a short questionnaire for professionals: joint working every time, and after the programme
  the same feedback on the workshops.

``seed_questionnaires`` takes an app registry so that the migration can pass its historical
models; it creates a questionnaire only if no version of its family exists yet, so running
it again (or after admins made new versions) changes nothing.
"""

from django.db import transaction

from evaluation.versioning import questionnaire_copy

SCHOOL_STAFF_FAMILY = "school_staff_standard"
PROFESSIONAL_FEEDBACK_FAMILY = "professional_feedback"


def likert(code, outcome, text, low, high, *, help_text="", required=True):
    return {
        "code": code,
        "outcome": outcome,
        "kind": "likert",
        "text": text,
        "help_text": help_text,
        "likert_low_label": low,
        "likert_high_label": high,
        "required": required,
    }


def single_choice(code, outcome, text, choices, *, help_text="", required=True):
    return {
        "code": code,
        "outcome": outcome,
        "kind": "single_choice",
        "text": text,
        "help_text": help_text,
        "required": required,
        "choices": choices,
    }


def free_text(code, outcome, text, *, help_text="", required=False):
    return {
        "code": code,
        "outcome": outcome,
        "kind": "free_text",
        "text": text,
        "help_text": help_text,
        "required": required,
    }


AGREE = ("Strongly disagree", "Strongly agree")
IN_PLACE = ("Not in place", "Fully in place")

CASCADE_RATINGS = [
    (
        "cascade_clarity",
        "Clarity on roles and responsibilities",
        "Everyone knows what the school and each local service does, and who is responsible "
        "for what.",
    ),
    (
        "cascade_points_of_contact",
        "Agreed use of key points of contact",
        "There are named people in the school and in local services who know each other and "
        "agree how to get in touch.",
    ),
    (
        "cascade_shared_planning",
        "Structures for shared planning",
        "The school and local services meet and plan together regularly.",
    ),
    (
        "cascade_outcome_measures",
        "A common approach to outcome measures",
        "The school and local services agree how to measure the difference support makes.",
    ),
    (
        "cascade_best_practice",
        "Learning from best practice",
        "The school and local services keep learning from what works, here and elsewhere.",
    ),
    (
        "cascade_integrated_working",
        "Integrated working for faster access to support",
        "The school and local services work together so that children and young people get "
        "help sooner.",
    ),
    (
        "cascade_evidence_based",
        "An evidence-based approach to intervention",
        "The support offered is based on evidence of what helps.",
    ),
]

#: Feedback on the workshops, asked of everyone who went, after the programme only.
WORKSHOP_FEEDBACK_QUESTIONS = [
    likert(
        "programme_usefulness",
        "feedback",
        "How useful did you find the Link workshops?",
        "Not at all useful",
        "Very useful",
    ),
    free_text(
        "do_differently",
        "feedback",
        "What will you do differently as a result of the workshops?",
        help_text="Optional.",
    ),
]
AFTER_THE_PROGRAMME = ["post", "follow_up"]

#: School staff's feedback on the workshops: the questions professionals are asked.
STAFF_WORKSHOP_FEEDBACK = {
    "title": "Your feedback on the workshops",
    "intro": "",
    "time_points": AFTER_THE_PROGRAMME,
    "questions": WORKSHOP_FEEDBACK_QUESTIONS,
}
#: The staff section the feedback goes before.
STAFF_LAST_SECTION = "Anything else"

SCHOOL_STAFF = {
    "family": SCHOOL_STAFF_FAMILY,
    "name": "Link programme: school and college staff questionnaire",
    "audience": "school_staff",
    "intro": (
        "Thank you for taking part. This questionnaire asks about how your school or college "
        "works with local children and young people's mental health services (CYPMHS). It "
        "takes about 10 minutes. There are no right or wrong answers, and your answers are "
        "only ever reported together with others', never on their own."
    ),
    "sections": [
        {
            "title": "Contact with mental health services",
            "intro": "",
            "questions": [
                single_choice(
                    "outcome_contact_frequency",
                    "contact",
                    "In the last school term, how often were you in contact with children and "
                    "young people's mental health services (CYPMHS)?",
                    [
                        ("never", "Not at all"),
                        ("once", "Once"),
                        ("few_times", "A few times in the term"),
                        ("monthly", "About once a month"),
                        ("weekly", "Every week or more often"),
                    ],
                    help_text="Count any contact: meetings, phone calls, emails or referrals.",
                ),
            ],
        },
        {
            "title": "Communication and working relationships",
            "intro": "How far do you agree with each statement?",
            "questions": [
                likert(
                    "outcome_communication",
                    "communication",
                    "Communication between my school or college and CYPMHS works well.",
                    *AGREE,
                ),
                likert(
                    "outcome_working_relationships",
                    "communication",
                    "My school or college has good working relationships with CYPMHS.",
                    *AGREE,
                ),
            ],
        },
        {
            "title": "Referrals",
            "intro": "How far do you agree with each statement?",
            "questions": [
                likert(
                    "outcome_referral_routes",
                    "referral_routes",
                    "I understand the routes for referring a child or young person to mental "
                    "health support.",
                    *AGREE,
                ),
                likert(
                    "outcome_referral_confidence",
                    "referral_confidence",
                    "I feel confident making appropriate referrals to mental health services.",
                    *AGREE,
                ),
            ],
        },
        {
            "title": "Knowledge and awareness of mental health",
            "intro": "How far do you agree with each statement?",
            "questions": [
                likert(
                    "outcome_mental_health_knowledge",
                    "knowledge",
                    "I know about the mental health issues that children and young people "
                    "commonly face.",
                    *AGREE,
                ),
                likert(
                    "outcome_risk_factor_awareness",
                    "knowledge",
                    "I can recognise the risk factors and early signs of mental health "
                    "difficulties.",
                    *AGREE,
                ),
            ],
        },
        {
            "title": "Planning and measuring wellbeing",
            "intro": "How far do you agree with each statement?",
            "questions": [
                likert(
                    "outcome_action_planning",
                    "action_planning",
                    "My school or college has a clear plan, agreed with local services, for "
                    "supporting children and young people's mental health.",
                    *AGREE,
                ),
                free_text(
                    "outcome_local_priorities",
                    "action_planning",
                    "What are the main local priorities for mental health support in your area?",
                    help_text="Optional. A few words or a short list is fine.",
                ),
                likert(
                    "outcome_wellbeing_measurement",
                    "wellbeing",
                    "My school or college measures pupils' or students' wellbeing and uses what "
                    "it finds.",
                    *AGREE,
                ),
            ],
        },
        {
            "title": "Joint working today (CASCADE)",
            "intro": (
                "Rate how far each of these is in place today between your school or college "
                "and local mental health services, from 1 (not in place) to 5 (fully in place)."
            ),
            "questions": [
                likert(code, "cascade", text, *IN_PLACE, help_text=help_text)
                for code, text, help_text in CASCADE_RATINGS
            ],
        },
        STAFF_WORKSHOP_FEEDBACK,
        {
            "title": STAFF_LAST_SECTION,
            "intro": "",
            "questions": [
                free_text(
                    "comments",
                    "",
                    "Is there anything else you would like to tell us?",
                    help_text="Optional. Please do not name children, young people or colleagues.",
                ),
            ],
        },
    ],
}

#: Asked of professionals at every time point, so their joint working can be compared before
#: and after, as the pilot's evaluation did with health services.
PROFESSIONALS_JOINT_WORKING = {
    "title": "Working with schools and colleges in your area",
    "intro": "Think about the schools and colleges your service works with.",
    "questions": [
        likert(
            "communication_satisfaction",
            "communication",
            "I am satisfied with communication between my service and local schools and colleges.",
            *AGREE,
        ),
        likert(
            "working_relationships",
            "communication",
            "My service has good working relationships with local schools and colleges.",
            *AGREE,
        ),
        likert(
            "referral_routes_understood",
            "referral_routes",
            "Schools and colleges understand the routes into my service.",
            *AGREE,
        ),
    ],
}

PROFESSIONAL_FEEDBACK = {
    "family": PROFESSIONAL_FEEDBACK_FAMILY,
    "name": "Link programme: feedback from professionals",
    "audience": "professionals",
    "intro": (
        "These questions take about three minutes. Your answers are only ever reported "
        "together with others'."
    ),
    "sections": [
        PROFESSIONALS_JOINT_WORKING,
        {
            "title": "Your feedback",
            "intro": "",
            "time_points": AFTER_THE_PROGRAMME,
            "questions": [
                single_choice(
                    "organisation_type",
                    "",
                    "Which kind of organisation do you work for?",
                    [
                        ("cypmhs", "NHS children and young people's mental health service"),
                        ("mhst", "Mental Health Support Team"),
                        ("local_authority", "Local authority"),
                        ("voluntary", "Voluntary or community sector organisation"),
                        ("other", "Another kind of organisation"),
                    ],
                ),
                *WORKSHOP_FEEDBACK_QUESTIONS,
            ],
        },
    ],
}

STANDARD_QUESTIONNAIRES = (SCHOOL_STAFF, PROFESSIONAL_FEEDBACK)


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
        Choice.objects.bulk_create(
            Choice(question=question, order=order, value=value, label=label)
            for order, (value, label) in enumerate(question_spec.get("choices", ()), start=1)
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
