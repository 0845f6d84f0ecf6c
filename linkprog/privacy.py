"""The retention job and subject access requests, composed from what each app registers
(``core.privacy``).

- ``retention_preview(now=)``: what the next run would change, kind by kind (counts, no
  writes).
- ``retention_run(now=)``: the nightly job. Every kind is applied in one transaction, in the
  registry's order (the survey invitations' link before the people it points to), and one
  ``RetentionRun`` row records the counts: never the data.
- ``subject_find(email=)``: everything Link holds about an address, app by app.
- ``subject_export(email=)``: the same as one JSON file.
- ``subject_erase(email=, actor=)``: anonymise it all exactly as the retention job would
  (same functions), with its own counts-only audit row.

Programme figures and evaluation results do not change: statuses, attendance, invitations,
responses and pairs stay; only names, addresses and free text about a person go.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.privacy import normalise_email, retentions, subject_records
from linkprog.models import RetentionKind, RetentionRun

logger = logging.getLogger("linkprog.privacy")


@dataclass(frozen=True)
class PreviewRow:
    key: str
    label: str
    policy: str
    due: int


def retention_preview(*, now: datetime | None = None) -> list[PreviewRow]:
    """What the next run would change at ``now``, kind by kind. Reads only."""
    now = now or timezone.now()
    return [PreviewRow(r.key, r.label, r.policy(), r.preview(now)) for r in retentions()]


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """Apply every retention period at ``now``; returns the audit row (counts only)."""
    started = timezone.now()
    now = now or started
    with transaction.atomic():
        counts = {r.key: r.apply(now) for r in retentions()}
        run = RetentionRun.objects.create(
            kind=RetentionKind.NIGHTLY,
            started_at=started,
            finished_at=timezone.now(),
            counts=counts,
        )
    logger.info("retention run %s: %s", run.pk, counts)
    return run


@dataclass(frozen=True)
class SubjectSection:
    key: str
    label: str
    rows: list[dict]


def subject_find(*, email: str) -> list[SubjectSection]:
    """Everything Link holds about ``email``, app by app (survey answers' content never)."""
    email = normalise_email(email)
    return [SubjectSection(s.key, s.label, s.find(email)) for s in subject_records()]


def subject_export(*, email: str) -> bytes:
    """``subject_find`` as one JSON file, for a subject access request."""
    email = normalise_email(email)
    document = {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "note": (
            "Everything Link holds about this address. Survey answers are not linked to a "
            "person in what the programme reports; their content is not part of this export."
        ),
        "records": {s.key: {"label": s.label, "rows": s.rows} for s in subject_find(email=email)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def subject_erase(*, email: str, actor=None) -> RetentionRun:
    """Erase or anonymise everything Link holds about ``email``, with the retention job's
    functions and guarantees, and record the counts (never the address)."""
    email = normalise_email(email)
    if not email:
        raise ValueError("Give the email address to erase.")
    started = timezone.now()
    with transaction.atomic():
        counts = {s.key: s.erase(email) for s in subject_records()}
        run = RetentionRun.objects.create(
            kind=RetentionKind.ERASURE,
            started_at=started,
            finished_at=timezone.now(),
            counts=counts,
            actor=actor if getattr(actor, "pk", None) else None,
        )
    logger.info("erasure %s: %s", run.pk, counts)
    return run
