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

from evaluation.seed.questionnaires import (
    PROFESSIONAL_FEEDBACK,
    PROFESSIONAL_FEEDBACK_FAMILY,
    PROFESSIONALS_JOINT_WORKING,
    SCHOOL_STAFF,
    SCHOOL_STAFF_FAMILY,
    STAFF_LAST_SECTION,
    STAFF_WORKSHOP_FEEDBACK,
    STANDARD_QUESTIONNAIRES,
)
from evaluation.seed.questions import (
    AFTER_THE_PROGRAMME,
    AGREE,
    CASCADE_RATINGS,
    IN_PLACE,
    WORKSHOP_FEEDBACK_QUESTIONS,
    free_text,
    likert,
    single_choice,
)
from evaluation.seed.seeding import (
    seed_questionnaires,
    seed_section_time_points,
    seed_staff_workshop_feedback,
)

__all__ = [
    "AFTER_THE_PROGRAMME",
    "AGREE",
    "CASCADE_RATINGS",
    "IN_PLACE",
    "PROFESSIONAL_FEEDBACK",
    "PROFESSIONAL_FEEDBACK_FAMILY",
    "PROFESSIONALS_JOINT_WORKING",
    "SCHOOL_STAFF",
    "SCHOOL_STAFF_FAMILY",
    "STAFF_LAST_SECTION",
    "STAFF_WORKSHOP_FEEDBACK",
    "STANDARD_QUESTIONNAIRES",
    "WORKSHOP_FEEDBACK_QUESTIONS",
    "free_text",
    "likert",
    "seed_questionnaires",
    "seed_section_time_points",
    "seed_staff_workshop_feedback",
    "single_choice",
]
