"""How long an engagement keeps what it knows about its stakeholders (``core.privacy``).

``LINK_RETAIN_STAKEHOLDERS_MONTHS`` (24) months after an engagement closes, each of its
stakeholders becomes "former attendee" with no email address, as a cohort's attendees do;
their role, organisation, sector, attendance, and the goals and actions they own stay, so no
figure changes. Their CASCADE ratings lose the link to them, pairs kept
(``facilitation.rating_retention``). The audit history's copies of their name and address
are emptied too. A subject access request finds a stakeholder by email and erases them the
same way.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.dates import add_months
from core.privacy import (
    FORMER_ATTENDEE,
    Retention,
    SubjectRecords,
    normalise_email,
    register_retention,
    register_subject_records,
)
from facilitation import conf
from facilitation.models import QUESTIONS, SchoolsSurveyInvite, Stakeholder
from facilitation.models.stages import Stage
from facilitation.rating_retention import rating_requests_unlink

NOT_ANONYMISED = ~Q(name=FORMER_ATTENDEE, email="")


def stakeholders_anonymise(stakeholders: QuerySet[Stakeholder]) -> int:
    """Anonymise ``stakeholders``; returns how many changed (those done before are not)."""
    with transaction.atomic():
        ids = list(stakeholders.filter(NOT_ANONYMISED).values_list("pk", flat=True))
        changed = Stakeholder.objects.filter(pk__in=ids).update(
            name=FORMER_ATTENDEE, email="", updated_at=timezone.now()
        )
        Stakeholder.history.filter(id__in=ids).update(name=FORMER_ATTENDEE, email="")
        if ids:
            rating_requests_unlink(stakeholder_ids=ids)  # their ratings become anonymous too
    return changed


def _due(now: datetime) -> QuerySet[Stakeholder]:
    closed_by = add_months(timezone.localdate(now), -conf.retain_stakeholders_months())
    return Stakeholder.objects.filter(
        NOT_ANONYMISED, engagement__stage=Stage.CLOSED, engagement__stage_since__lte=closed_by
    )


def _policy() -> str:
    return f"Anonymised {conf.retain_stakeholders_months()} months after their engagement closes"


def _of(email: str) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(email__iexact=normalise_email(email))


def find(email: str) -> list[dict]:
    return [
        {
            "id": s.pk,
            "name": s.name,
            "email": s.email,
            "role": s.get_role_display(),
            "organisation": s.organisation,
            "sector": s.get_sector_display(),
            "engagement": s.engagement.name,
            "added_at": s.created_at.isoformat(),
        }
        for s in _of(email).select_related("engagement").order_by("created_at")
    ]


#: The schools survey's free-text answers may name people; the choices name no one.
FREE_TEXT_KEYS = [q.key for q in QUESTIONS if q.free_text]


def _survey_text_due(now: datetime) -> QuerySet[SchoolsSurveyInvite]:
    closed_by = add_months(timezone.localdate(now), -conf.retain_stakeholders_months())
    return SchoolsSurveyInvite.objects.filter(
        survey__engagement__stage=Stage.CLOSED,
        survey__engagement__stage_since__lte=closed_by,
        answers__has_any_keys=FREE_TEXT_KEYS,
    )


def survey_text_empty(invites: QuerySet[SchoolsSurveyInvite]) -> int:
    """Remove the free-text answers of ``invites``; returns how many changed."""
    with transaction.atomic():
        rows = list(
            invites.filter(answers__has_any_keys=FREE_TEXT_KEYS)
            .select_for_update()
            .only("pk", "answers")
        )
        for row in rows:
            row.answers = {k: v for k, v in row.answers.items() if k not in FREE_TEXT_KEYS}
        SchoolsSurveyInvite.objects.bulk_update(rows, ["answers"], batch_size=500)
    return len(rows)


def register() -> None:
    register_retention(
        Retention(
            key="facilitation.schools_survey_text",
            label="Schools survey free-text answers",
            policy=lambda: (
                f"Emptied {conf.retain_stakeholders_months()} months after their engagement closes"
            ),
            preview=lambda now: _survey_text_due(now).count(),
            apply=lambda now: survey_text_empty(_survey_text_due(now)),
        )
    )
    register_retention(
        Retention(
            key="facilitation.stakeholders",
            label="Stakeholders' names and emails",
            policy=_policy,
            preview=lambda now: _due(now).count(),
            apply=lambda now: stakeholders_anonymise(_due(now)),
        )
    )
    register_subject_records(
        SubjectRecords(
            key="facilitation.stakeholders",
            label="Stakeholder records in facilitation engagements",
            find=find,
            erase=lambda email: stakeholders_anonymise(_of(email)),
        )
    )
