"""How long a survey invitation stays linked to its person (``core.privacy``).

``LINK_RETAIN_SURVEY_LINK_DAYS`` (90) days after a cohort's follow-up closes, each of its
invitations loses its participant: the answers become anonymous. Before the link goes, the
invitations of one person get one random ``pair_key`` (``uuid4``, derived from nothing), so
the pairs already formed stay pairs and the reports' paired change does not move; response
rates count invitations, which stay. The follow-up closes ``LINK_SURVEY_OPEN_DAYS`` after it
falls due, ``LINK_SURVEY_FOLLOW_UP_MONTHS`` after the cohort's last workshop
(``scheduling.follow_up_window``). A cohort with no workshop dates never falls due.

An erasure (subject access) removes the link of that person's invitations at once, the same
way, and the person is not invited again (``scheduling._not_invited``).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from core.privacy import (
    Retention,
    SubjectRecords,
    normalise_email,
    register_retention,
    register_subject_records,
    unlink_keeping_pairs,
)
from evaluation import conf
from evaluation.cells import cells_refresh
from evaluation.models import SurveyInvitation
from evaluation.scheduling import follow_up_window
from workshops.models import ParticipantKind, Workshop


def invitations_unlink(invitations: QuerySet[SurveyInvitation]) -> int:
    """Remove the link to the person from ``invitations`` (all of each person's, as callers
    pass them), giving each person's a new random pair key; returns how many changed."""
    with transaction.atomic():
        cohorts = set(
            invitations.filter(participant__isnull=False).values_list("cohort_id", flat=True)
        )
        changed = unlink_keeping_pairs(invitations, person="participant")
        # Pairs stay pairs, so the report cells do not move; they are worked out again in
        # this transaction all the same rather than left stale for the next reader.
        cells_refresh(cohorts)
    return changed


def _cohorts_due(now: datetime) -> list[int]:
    """Cohorts with linked invitations whose follow-up closed the period ago (one query)."""
    linked = SurveyInvitation.objects.filter(participant__isnull=False).values("cohort_id")
    last: dict[int, tuple] = {}
    rows = Workshop.objects.filter(delivery__cohort__in=linked).values_list(
        "delivery__cohort", "date", "end_time"
    )
    for cohort_id, day, end in rows:
        if cohort_id not in last or (day, end) > last[cohort_id]:
            last[cohort_id] = (day, end)
    cutoff = now - timedelta(days=conf.retain_survey_link_days())
    return [
        cohort_id
        for cohort_id, (day, end) in last.items()
        if follow_up_window(day_2=day, end_time=end)[1] <= cutoff
    ]


def _due(now: datetime) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(
        cohort_id__in=_cohorts_due(now), participant__isnull=False
    )


def preview(now: datetime) -> int:
    return _due(now).count()


def apply(now: datetime) -> int:
    return invitations_unlink(_due(now))


def _of(email: str) -> QuerySet[SurveyInvitation]:
    email = normalise_email(email)
    attendee = f"participant__{ParticipantKind.SCHOOL_ATTENDEE.value}__attendee_email__iexact"
    professional = f"participant__{ParticipantKind.PROFESSIONAL.value}__email__iexact"
    return SurveyInvitation.objects.filter(Q(**{attendee: email}) | Q(**{professional: email}))


def find(email: str) -> list[dict]:
    """The person's survey invitations: when asked, and whether they answered; never what."""
    return [
        {
            "id": i.pk,
            "cohort": i.cohort.name,
            "time_point": i.get_time_point_display(),
            "invited_at": i.sent_at.isoformat() if i.sent_at else None,
            "reminded_at": i.reminded_at.isoformat() if i.reminded_at else None,
            "closes_at": i.closes_at.isoformat(),
            "answered": bool(getattr(i, "response", None) and i.response.is_submitted),
        }
        for i in _of(email).select_related("cohort", "response").order_by("due_at")
    ]


def erase(email: str) -> int:
    return invitations_unlink(_of(email))


def register() -> None:
    register_retention(
        Retention(
            key="evaluation.survey_links",
            label="Survey invitations' link to the person",
            policy=lambda: (
                f"Removed {conf.retain_survey_link_days()} days after the cohort's follow-up "
                "closes; the answers become anonymous, pairs already formed stay pairs"
            ),
            preview=preview,
            apply=apply,
            order=10,
        )
    )
    register_subject_records(
        SubjectRecords(
            key="evaluation.invitations",
            label="Survey invitations",
            find=find,
            erase=erase,
            order=10,
        )
    )
