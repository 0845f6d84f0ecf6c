"""Writes of the evaluation app: inviting people at each time point, and reminding them once.

Who is asked and when is ``evaluation.scheduling`` (baseline before workshop 1, post after
workshop 2, follow-up months later). Beat runs both functions here (``evaluation.tasks``);
either may run any number of times, and at any moment:

- ``surveys_invite_due`` makes the missing invitations of every (person, time point) now
  due, with the questionnaire published for the person's audience at that moment (none
  published: no invitation, and a warning), then queues the invitation email of every
  invitation not yet sent that is open now (``due_at <= now < closes_at``) and stamps
  ``sent_at``.
- ``surveys_remind`` queues one reminder ``conf.reminder_after()`` after the invitation, to
  those who have not submitted, while the survey is still open, and stamps ``reminded_at``.
- Nothing goes to a cancelled place or a cancelled cohort: a place cancelled before its
  invitation went out is never sent it, and one cancelled after is not reminded.

The emails go to the participant (a place's attendee, a professional) as they are at the
time of sending, through the outbox, keyed by (kind, recipient, invitation): a repeat run, or a
run after a crash between queueing and stamping, sends nothing twice. Each email carries a
fresh personal link (``evaluation.links``). Both functions cost a fixed number of queries
however many people are due. Logs carry counts, time points and ids, never names or
addresses.
"""

import logging
import math
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from cohorts.models import CohortStatus
from evaluation import conf
from evaluation.cells import cells_refresh
from evaluation.links import survey_link_url
from evaluation.models import (
    PERSON_RELATED,
    Questionnaire,
    Response,
    Section,
    SurveyInvitation,
    TimePoint,
)
from evaluation.scheduling import invitations_due, participant_withdrawn
from outbox.models import EmailKind
from outbox.services import Areas, EmailSpec, emails_enqueue_bulk

logger = logging.getLogger(__name__)

#: Roughly how many questions people answer in a minute, for "it takes about N minutes".
QUESTIONS_PER_MINUTE = 3
#: "About N minutes" is rounded up to a multiple of this, and is never less.
MINUTES_STEP = 5


def _open(invitations, now: datetime):
    """Those still open at ``now``, whose place and cohort are not cancelled, and whose
    person is still known (``evaluation.retention``: an erased person is asked nothing)."""
    return (
        invitations.filter(closes_at__gt=now, participant__isnull=False)
        .exclude(participant_withdrawn())
        .exclude(cohort__status=CohortStatus.CANCELLED)
        .select_related("cohort", "questionnaire", *PERSON_RELATED)
        .order_by("pk")
    )


def _minutes(invitations: list[SurveyInvitation]) -> dict[tuple[int, str], int]:
    """About how many minutes each (questionnaire, time point) takes, from the number of
    questions asked then (a section may be asked at some time points only). One query."""
    asked = {(i.questionnaire_id, i.time_point) for i in invitations}
    sections = (
        Section.objects.filter(questionnaire_id__in={pk for pk, _ in asked})
        .order_by()
        .only("questionnaire_id", "time_points")
        .annotate(n=Count("questions"))
    )
    questions = dict.fromkeys(asked, 0)
    for section in sections:
        for time_point in TimePoint.values:
            key = (section.questionnaire_id, time_point)
            if key in questions and section.asked_at(time_point):
                questions[key] += section.n
    return {
        key: max(MINUTES_STEP, MINUTES_STEP * math.ceil(n / QUESTIONS_PER_MINUTE / MINUTES_STEP))
        for key, n in questions.items()
    }


def _when(time_point: str) -> str:
    """The time point as the emails name it: "before workshop 1", "6 months on"."""
    if time_point == TimePoint.BASELINE:
        return "before workshop 1"
    if time_point == TimePoint.POST:
        return "now that both workshops are over"
    return f"{conf.follow_up_months()} months after workshop 2"


def _spec(invitation: SurveyInvitation, *, kind: EmailKind, template: str, minutes: int):
    """The email of ``kind`` for one invitation, to whoever it is for now."""
    person = invitation.participant.person
    return EmailSpec(
        kind=kind,
        recipient=person.contact_email,
        template=template,
        context={
            "invitation": invitation,
            "name": person.contact_name,
            "establishment": person.school,
            "cohort": invitation.cohort,
            "time_point": invitation.time_point,
            "when": _when(invitation.time_point),
            "closes_at": invitation.closes_at,
            "minutes": minutes,
            "min_cell": conf.min_cell(),
            "link": survey_link_url(invitation=invitation),
            "link_days": conf.link_max_age().days,
        },
        concerns=invitation,
        establishment=person.school,
        campaign=invitation.campaign,
        # A professional's survey is scoped by the cohort's areas (a school's by its own).
        areas=None if person.school else Areas.of(invitation.cohort),
    )


def _queue(invitations: list[SurveyInvitation], *, kind: EmailKind, template: str) -> int:
    """Queue ``kind`` for each invitation (once ever: the outbox key); how many are new."""
    minutes = _minutes(invitations)
    return len(
        emails_enqueue_bulk(
            [
                _spec(
                    i,
                    kind=kind,
                    template=template,
                    minutes=minutes[i.questionnaire_id, i.time_point],
                )
                for i in invitations
            ]
        )
    )


def _invitations_make(*, now: datetime) -> int:
    """Make the invitations that are due now and missing; how many were made."""
    due = invitations_due(now=now)
    if not due:
        return 0
    published = {q.audience: q for q in Questionnaire.objects.filter(is_published=True)}
    rows, unasked = [], {}
    for person in due:
        questionnaire = published.get(person.audience)
        if questionnaire is None:
            key = (person.audience, person.time_point)
            unasked[key] = unasked.get(key, 0) + 1
            continue
        rows.append(
            SurveyInvitation(
                time_point=person.time_point,
                cohort_id=person.cohort_id,
                participant_id=person.participant_id,
                questionnaire=questionnaire,
                due_at=person.due_at,
                closes_at=person.closes_at,
            )
        )
    for (audience, time_point), count in sorted(unasked.items()):
        logger.warning(
            "surveys: no questionnaire is published for %s; %s people due at %s not invited",
            audience,
            count,
            time_point,
            extra={"audience": audience, "time_point": time_point, "count": count},
        )
    # The unique constraints (once per person and time point) make a concurrent run harmless.
    SurveyInvitation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def surveys_invite_due(*, now: datetime | None = None) -> int:
    """Invite everyone whose time point is due, and send each unsent open invitation.

    Returns how many invitation emails were newly queued. The invitations are made and
    committed first, so an email that cannot be rendered leaves them for the next run.
    """
    now = now or timezone.now()
    with transaction.atomic():
        made = _invitations_make(now=now)
    with transaction.atomic():
        unsent = list(
            _open(SurveyInvitation.objects.filter(sent_at__isnull=True, due_at__lte=now), now)
        )
        queued = _queue(unsent, kind=EmailKind.SURVEY_INVITATION, template="survey_invitation")
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in unsent]).update(
            sent_at=now, updated_at=now
        )
        cells_refresh(i.cohort_id for i in unsent)  # response rates count them as sent
    logger.info(
        "surveys: %s invitations made, %s invitation emails queued",
        made,
        queued,
        extra={"made": made, "queued": queued},
    )
    return queued


def surveys_remind(*, now: datetime | None = None) -> int:
    """Remind, once, everyone invited ``conf.reminder_after()`` ago or more who has not
    submitted, while their survey is open. Returns how many reminders were newly queued."""
    now = now or timezone.now()
    submitted = Response.objects.filter(invitation=OuterRef("pk"), submitted_at__isnull=False)
    with transaction.atomic():
        due = list(
            _open(
                SurveyInvitation.objects.filter(
                    sent_at__lte=now - conf.reminder_after(), reminded_at__isnull=True
                ).exclude(Exists(submitted)),
                now,
            )
        )
        queued = _queue(due, kind=EmailKind.SURVEY_REMINDER, template="survey_reminder")
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in due]).update(
            reminded_at=now, updated_at=now
        )
    logger.info("surveys: %s reminders queued", queued, extra={"queued": queued})
    return queued
