"""How long the outbox keeps what an email said and to whom (``core.privacy``).

``OUTBOX_RETAIN_SENT_DAYS`` (90) days after an email was sent, its body, attachments and
address are emptied; its kind, status, subject (which names a school or a cohort, never a
person), campaign, areas and dates stay, so the outbox page's counts and a campaign's
figures do not change. Its uniqueness key keeps its shape with the address replaced by a
keyed hash (``redacted_key``), so the same email is still never queued twice. The audit
history's copies of the address are emptied with it.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from core.logging import redact_link_tokens
from core.privacy import (
    Retention,
    SubjectRecords,
    normalise_email,
    register_retention,
    register_subject_records,
)
from outbox import conf
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services.queueing import SEND_NOW_STATUSES, redacted_key


def retain_sent_for() -> timedelta:
    return timedelta(days=conf.retain_sent_days())


_EMPTY = Q(recipient="", body_text="", body_html="", attachments=[])


def _emails_empty(emails: QuerySet[OutgoingEmail]) -> int:
    """Empty the address, body and attachments of ``emails`` (and the address in their
    history); returns how many rows changed. A few queries per 1,000 emails."""
    changed = 0
    with transaction.atomic():
        rows = list(emails.exclude(_EMPTY).values_list("pk", "idempotency_key"))
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            ids = [pk for pk, _ in chunk]
            # Keys differ row by row: one UPDATE with a CASE per chunk, not one per row.
            new_key = Case(
                *(When(pk=pk, then=Value(redacted_key(key))) for pk, key in chunk),
                default=F("idempotency_key"),
            )
            changed += OutgoingEmail.objects.filter(pk__in=ids).update(
                idempotency_key=new_key,
                recipient="",
                body_text="",
                body_html="",
                attachments=[],
                updated_at=timezone.now(),
            )
            OutgoingEmail.history.filter(id__in=ids).exclude(recipient="").update(recipient="")
    return changed


def _due(now: datetime) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(
        status=EmailStatus.SENT, sent_at__lte=now - retain_sent_for()
    ).exclude(_EMPTY)


def preview(now: datetime) -> int:
    return _due(now).count()


def apply(now: datetime) -> int:
    return _emails_empty(_due(now))


def _of(email: str) -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(recipient__iexact=normalise_email(email))


def find(email: str) -> list[dict]:
    """The emails sent (or queued) to ``email``: what a subject access request shows, with
    the tokens of personal links hidden (a link is a credential, not the person's data)."""
    return [
        {
            "id": row.pk,
            "kind": row.get_kind_display(),
            "status": row.get_status_display(),
            "subject": row.subject,
            "queued_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "text": redact_link_tokens(row.body_text),
        }
        for row in _of(email).order_by("created_at")
    ]


def erase(email: str) -> int:
    """Empty every email to ``email``, sent or not; one not yet sent is cancelled first (it
    has nobody to go to any more)."""
    with transaction.atomic():
        _of(email).filter(status__in=SEND_NOW_STATUSES).update(
            status=EmailStatus.CANCELLED, next_attempt_at=None, last_error="Address erased"
        )
        return _emails_empty(_of(email).exclude(status=EmailStatus.SENDING))


def register() -> None:
    register_retention(
        Retention(
            key="outbox.emails",
            label="Email bodies and addresses",
            policy=lambda: (
                f"Emptied {retain_sent_for().days} days after sending; status, kind and dates "
                "are kept"
            ),
            preview=preview,
            apply=apply,
            order=80,
        )
    )
    register_subject_records(
        SubjectRecords(key="outbox.emails", label="Emails sent", find=find, erase=erase, order=80)
    )
