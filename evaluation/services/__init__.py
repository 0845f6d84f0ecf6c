"""Writes of the evaluation app, one module per concern.

``questionnaires``: versions and publishing. ``surveys``: inviting people at each time
point and reminding them. ``responses``: saving and submitting answers.
"""

from evaluation.services.questionnaires import (  # noqa: F401 - the app's public writes
    QuestionnaireError,
    question_check,
    questionnaire_check_editable,
    questionnaire_edit_copy,
    questionnaire_has_responses,
    questionnaire_is_locked,
    questionnaire_problems,
    questionnaire_publish,
    questionnaire_published_for,
    questionnaire_unpublish,
)
