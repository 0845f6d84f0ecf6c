"""Models of the evaluation app: questionnaires as data.

A questionnaire is a list of sections, each a list of questions; a single-choice question
has its choices. Questionnaires are versioned: the versions of one questionnaire share a
``family`` key, and each question keeps a stable ``code`` across versions, so answers given
to version 1 and version 2 can be compared. Once a questionnaire is published (or has
responses), it is not edited in place: ``evaluation.services.questionnaire_edit_copy`` makes
the next version, and that one is edited instead.

Time points: each person on a cohort is invited (``SurveyInvitation``) at baseline, after
the programme and at follow-up; their ``Response`` holds one ``Answer`` per question.
"""

from evaluation.models.cells import (  # noqa: F401
    AnswerCell,
    AnswerTotal,
    CellThreshold,
    PairAreaTotal,
    PairCell,
    PairTotal,
    RateTotal,
    StaleCohort,
    SurveyCell,
)
from evaluation.models.questionnaires import (  # noqa: F401 - the app's models, one import path
    AUDIENCE_OF_PARTICIPANT,
    LIKERT_MAX,
    LIKERT_MIN,
    Audience,
    Choice,
    Outcome,
    Question,
    QuestionKind,
    Questionnaire,
    Section,
    TimePoint,
    code_validator,
)
from evaluation.models.surveys import (  # noqa: F401
    PERSON_RELATED,
    Answer,
    Response,
    SurveyInvitation,
)
