"""Whether survey invitations and reminders are still wanted when their turn comes to be
sent (registered with ``outbox.relevance`` in ``EvaluationConfig.ready``): not once the
survey has closed, the person has submitted, or the school's place was cancelled."""

from datetime import datetime

from evaluation.models import SurveyInvitation
from evaluation.scheduling import participant_withdrawn
from outbox.models import EmailKind, OutgoingEmail
from outbox.relevance import register_still_wanted


def _survey_open(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    invitations = (
        SurveyInvitation.objects.select_related("response")
        .annotate(withdrawn=participant_withdrawn())
        .in_bulk({row.subject_id for row in rows if row.subject_id})
    )
    gone = {}
    for row in rows:
        invitation = invitations.get(row.subject_id)
        response = getattr(invitation, "response", None) if invitation else None
        if invitation is None:
            gone[row.pk] = "the survey invitation was removed"
        elif response is not None and response.submitted_at is not None:
            gone[row.pk] = "the answers were submitted already"
        elif invitation.closes_at <= now:
            gone[row.pk] = "the survey has closed"
        elif invitation.withdrawn:
            gone[row.pk] = "the place was cancelled"
    return gone


def register() -> None:
    register_still_wanted(
        [EmailKind.SURVEY_INVITATION, EmailKind.SURVEY_REMINDER], SurveyInvitation, _survey_open
    )
