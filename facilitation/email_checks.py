"""Whether a schools survey's invitation or reminder is still wanted when its turn comes to
be sent (registered with ``outbox.relevance`` in ``FacilitationConfig.ready``): not once the
survey has closed, the establishment has answered, or the invitation was removed."""

from datetime import datetime

from django.utils import timezone

from facilitation.models import SchoolsSurveyInvite
from outbox.models import EmailKind, OutgoingEmail
from outbox.relevance import register_still_wanted


def _survey_open(rows: list[OutgoingEmail], now: datetime) -> dict[int, str]:
    invites = SchoolsSurveyInvite.objects.select_related("survey__engagement").in_bulk(
        {row.subject_id for row in rows if row.subject_id}
    )
    today = timezone.localdate(now)
    gone = {}
    for row in rows:
        invite = invites.get(row.subject_id)
        if invite is None:
            gone[row.pk] = "the schools survey invitation was removed"
        elif not invite.survey.takes_answers(today):
            gone[row.pk] = "the schools survey has closed"
        elif invite.answered_at is not None:
            gone[row.pk] = "the school has answered already"
    return gone


def register() -> None:
    register_still_wanted(
        [EmailKind.SURVEY_INVITATION, EmailKind.SURVEY_REMINDER], SchoolsSurveyInvite, _survey_open
    )
