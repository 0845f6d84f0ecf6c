"""Anonymising the professionals on a delivery (``core.privacy``): the way of delivering
decides when (a cohort's professionals: ``cohorts.retention``); this says how, and finds a
professional by email for a subject access request.

Anonymised, a professional is "former attendee" with no email address; their organisation,
its type, their participant and so their attendance stay, so no figure changes. The audit
history's copies of their name and address are emptied too.
"""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.privacy import FORMER_ATTENDEE, SubjectRecords, normalise_email, register_subject_records
from workshops.models import DeliveryKind, Professional

#: A professional not yet anonymised.
NOT_ANONYMISED = ~Q(name=FORMER_ATTENDEE, email="")


def professionals_anonymise(professionals: QuerySet[Professional]) -> int:
    """Anonymise ``professionals``; returns how many changed (those done before are not)."""
    with transaction.atomic():
        ids = list(professionals.filter(NOT_ANONYMISED).values_list("pk", flat=True))
        changed = Professional.objects.filter(pk__in=ids).update(
            name=FORMER_ATTENDEE, email="", updated_at=timezone.now()
        )
        Professional.history.filter(id__in=ids).update(name=FORMER_ATTENDEE, email="")
    return changed


def _of(email: str) -> QuerySet[Professional]:
    return Professional.objects.filter(email__iexact=normalise_email(email))


def find(email: str) -> list[dict]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "email": p.email,
            "organisation": p.organisation,
            "organisation_type": p.get_organisation_type_display(),
            "delivery": str(p.delivery),
            "added_at": p.created_at.isoformat(),
        }
        for p in _of(email)
        .select_related(*(f"delivery__{kind}" for kind in DeliveryKind.values))
        .order_by("created_at")
    ]


def erase(email: str) -> int:
    return professionals_anonymise(_of(email))


def register() -> None:
    register_subject_records(
        SubjectRecords(
            key="workshops.professionals",
            label="Professional records",
            find=find,
            erase=erase,
            order=60,
        )
    )
