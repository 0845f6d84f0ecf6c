"""What the evaluation holds in the register (``schools.interest``): an establishment whose
staff were invited to a survey keeps its history, so GIAS's closure or move of it waits for
a person."""

from evaluation.models import SurveyInvitation
from schools.interest import register_holder


def _with_survey_invitations():
    return (
        SurveyInvitation.objects.exclude(participant__school_attendee=None)
        .values_list("participant__school_attendee__establishment_id", flat=True)
        .distinct()
    )


def register() -> None:
    register_holder("survey invitations", _with_survey_invitations)
