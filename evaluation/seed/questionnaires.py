"""The standard questionnaires as specs: their families, sections, questions and the time
points each section is asked at (``evaluation.seed`` writes them into the database)."""

from evaluation.seed.questions import (
    AFTER_THE_PROGRAMME,
    AGREE,
    CASCADE_RATINGS,
    CONTACT_FREQUENCY_CHOICES,
    IN_PLACE,
    WORKSHOP_FEEDBACK_QUESTIONS,
    free_text,
    likert,
    single_choice,
)

SCHOOL_STAFF_FAMILY = "school_staff_standard"
PROFESSIONAL_FEEDBACK_FAMILY = "professional_feedback"

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
                    CONTACT_FREQUENCY_CHOICES,
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
