"""The standard questionnaires every Link database starts with (seeded by a migration).

Two questionnaires, each published as version 1:

- the standard instrument for school and college staff: the pilot's outcomes (contact with
  CYPMHS, communication and working relationships, referral routes, knowledge and awareness
  of mental health issues), confidence in referring, action planning, measuring wellbeing,
  and the seven CASCADE ratings of joint working;
- a short feedback questionnaire for professionals.

``seed_questionnaires`` takes an app registry so that the migration can pass its historical
models; it creates a questionnaire only if no version of its family exists yet, so running
it again (or after admins made new versions) changes nothing.
"""

from django.db import transaction

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
        {
            "title": "Anything else",
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
            "time_points": ["post", "follow_up"],
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
    Question = apps.get_model("evaluation", "Question")
    Choice = apps.get_model("evaluation", "Choice")

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
        for question_order, question_spec in enumerate(section_spec["questions"], start=1):
            fields = {k: v for k, v in question_spec.items() if k != "choices"}
            question = Question.objects.create(
                questionnaire=questionnaire, section=section, order=question_order, **fields
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
    Question = apps.get_model("evaluation", "Question")
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
                    for question_order, question_spec in enumerate(
                        section_spec["questions"], start=1
                    ):
                        Question.objects.create(
                            questionnaire=questionnaire,
                            section=section,
                            order=question_order,
                            **{k: v for k, v in question_spec.items() if k != "choices"},
                        )
                section.order = order
                section.time_points = section_spec.get("time_points", [])
                section.save(update_fields=["order", "time_points"])
            questionnaire.intro = spec["intro"]
            questionnaire.save(update_fields=["intro"])
