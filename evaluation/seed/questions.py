"""The questions the standard questionnaires share, and the builders that write a question's
spec (``likert``, ``single_choice``, ``free_text``) as the seeding reads it."""


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

#: How often a school was in contact with CYPMHS (the pilot's first outcome): choices in an
#: order, scored 1 to 5 so that the outcome has a paired change on the scales' range. The
#: scores assume equal steps between choices; the report's method note says so.
CONTACT_FREQUENCY_CHOICES = [
    ("never", "Not at all", 1),
    ("once", "Once", 2),
    ("few_times", "A few times in the term", 3),
    ("monthly", "About once a month", 4),
    ("weekly", "Every week or more often", 5),
]
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
