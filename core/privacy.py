"""What Link keeps about people, for how long, and what a person can ask to see or erase: a
registry the apps fill when they start (their ``AppConfig.ready``), as ``schools.interest``
is filled.

The core knows no programme. Each app registers, for its own data:

- ``register_retention(Retention(...))``: one kind of personal data, its period, and two
  functions: ``preview(now)`` says how many records the next run would change (no writes),
  ``apply(now)`` changes them (in the caller's transaction) and says how many it changed.
  Both are idempotent: a record already dealt with is not counted again.
- ``register_subject_records(SubjectRecords(...))``: where the app holds records about an
  email address: ``find(email)`` returns them as plain rows (for a subject access export;
  never survey answers' content), ``erase(email)`` anonymises them exactly as the retention
  job would and says how many it changed.

``linkprog.privacy`` composes them: the nightly job, its audit row, and the national admin's
preview and subject-access pages. A way of delivering added later (facilitation's
stakeholders) registers its own the same way and is in every run and every search at once.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.utils import timezone

#: What a person's name becomes when their record is anonymised.
FORMER_ATTENDEE = "former attendee"


@dataclass(frozen=True)
class Retention:
    """One kind of personal data and what becomes of it when its period ends."""

    key: str  # "cohorts.access_needs": the audit row's count is filed under it
    label: str  # "Access needs", for people
    #: "Deleted 30 days after the cohort's last workshop": read at each call, so it says
    #: the period in force.
    policy: Callable[[], str]
    preview: Callable[[datetime], int]
    apply: Callable[[datetime], int]
    #: Runs in this order (lower first): a link that must be read before another record is
    #: anonymised (the survey invitation's person) goes first.
    order: int = 50


@dataclass(frozen=True)
class SubjectRecords:
    """Where one app holds records about an email address."""

    key: str  # "cohorts.places"
    label: str  # "Places booked for the person"
    find: Callable[[str], list[dict]]
    erase: Callable[[str], int]
    order: int = 50


_retentions: dict[str, Retention] = {}
_subjects: dict[str, SubjectRecords] = {}


def register_retention(retention: Retention) -> None:
    _retentions[retention.key] = retention


def register_subject_records(records: SubjectRecords) -> None:
    _subjects[records.key] = records


def retentions() -> list[Retention]:
    return sorted(_retentions.values(), key=lambda r: (r.order, r.key))


def subject_records() -> list[SubjectRecords]:
    return sorted(_subjects.values(), key=lambda r: (r.order, r.key))


def normalise_email(email: str) -> str:
    """Addresses compare without case and surrounding spaces."""
    return (email or "").strip().lower()


_CHUNK = 1000


def unlink_keeping_pairs(records: QuerySet, *, person: str, pair_key: str = "pair_key") -> int:
    """Remove the link to the person (the foreign key ``person``) from ``records`` (all of each
    person's, as callers pass them), giving each person's records one new random key
    (``uuid4``, derived from nothing) in ``pair_key``: records answered by one person at two
    time points stay a pair, though no one can say whose. Returns how many changed.

    Used where answers are paired over time (evaluation's survey invitations, facilitation's
    CASCADE rating requests); the model needs ``updated_at``."""
    model = records.model
    with transaction.atomic():
        rows = list(
            model.objects.filter(pk__in=records.values("pk"), **{f"{person}__isnull": False})
            .select_for_update()
            .values_list("pk", f"{person}_id")
        )
        keys = {owner: uuid.uuid4().hex for _, owner in rows}
        changed = 0
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            new_key = Case(
                *(When(pk=pk, then=Value(keys[owner])) for pk, owner in chunk),
                default=F(pair_key),
                output_field=CharField(),
            )
            changed += model.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                **{person: None, pair_key: new_key, "updated_at": timezone.now()}
            )
    return changed
