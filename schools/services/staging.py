"""GIAS changes that matter to the programme wait for a person (``RegisterChange``).

The import applies minor changes (a phone number, a website, pupil numbers) at once. For an
establishment the programme holds (``schools.interest``: an active place, survey
invitations), a closure, a move to another local authority or leaving eligibility is held
back: the import keeps the register's values for the fields that decide those
(``PROGRAMME_FIELDS``) and stages what GIAS says for a national admin to apply or dismiss.
A new eligible establishment in an LA with an open cohort is imported and listed too.

A change a person dismissed is not staged again while GIAS says the same thing.
"""

import json
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.actors import takes_actor
from core.errors import LinkDomainError
from schools.models import (
    ELIGIBLE_STATUSES,
    ELIGIBLE_TYPE_CODES,
    ChangeKind,
    ChangeStatus,
    Establishment,
    GiasImport,
    RegisterChange,
    Status,
)

#: The fields that decide whether an establishment is open, where it is and whether it is
#: eligible: held back together for an establishment the programme holds.
PROGRAMME_FIELDS = (
    "status",
    "close_date",
    "la_id",
    "gias_la_code",
    "gias_la_name",
    "type_code",
    "type_name",
    "type_group",
)
APPLIED_REASON = "GIAS change applied after review"


class RegisterChangeError(LinkDomainError):
    """A staged change cannot be applied or dismissed; the message says why."""


def _key(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, default=str)


def is_eligible(values: dict) -> bool:
    return (
        values["la_id"] is not None
        and values["type_code"] in ELIGIBLE_TYPE_CODES
        and values["status"] in ELIGIBLE_STATUSES
    )


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


class Staging:
    """Collects, during one import, the changes to hold; ``save`` writes them."""

    def __init__(self, *, held: dict[int, list[str]], watched_las: set[int]):
        self.held = held
        self.watched_las = watched_las
        self.changes: list[RegisterChange] = []

    def kind_of(self, old: dict, new: dict) -> str | None:
        if new["status"] == Status.CLOSED and old["status"] != Status.CLOSED:
            return ChangeKind.CLOSING
        if new["la_id"] != old["la_id"]:
            return ChangeKind.LA_CHANGE
        if is_eligible(old) and not is_eligible(new):
            return ChangeKind.LEAVING
        return None

    def hold_back(self, pk: int, old: dict, new: dict) -> dict:
        """The values to write for an existing establishment: GIAS's, except the programme
        fields of a held establishment whose change matters, which are staged instead."""
        if pk not in self.held or (kind := self.kind_of(old, new)) is None:
            return new
        fields = {
            name: [_json(old[name]), _json(new[name])]
            for name in PROGRAMME_FIELDS
            if old[name] != new[name]
        }
        self._stage(pk, kind, fields)
        return {**new, **{name: old[name] for name in PROGRAMME_FIELDS}}

    def created(self, establishments: list[Establishment]) -> None:
        for establishment in establishments:
            if establishment.is_eligible and establishment.la_id in self.watched_las:
                self._stage(establishment.pk, ChangeKind.NEW_IN_OPEN_AREA, {})

    def closing_missing(self, pks: list[int], statuses: dict[int, int]) -> list[int]:
        """Of the establishments a complete file omits, those to close now; the held ones
        are staged instead."""
        closing = []
        for pk in pks:
            if pk in self.held:
                fields = {"status": [statuses[pk], Status.CLOSED]}
                self._stage(pk, ChangeKind.CLOSING, fields)
            else:
                closing.append(pk)
        return closing

    def _stage(self, pk: int, kind: str, fields: dict) -> None:
        because = " and ".join(self.held.get(pk, [])) or "an open cohort in its area"
        self.changes.append(
            RegisterChange(
                establishment_id=pk,
                kind=kind,
                fields=fields,
                held_because=f"It has {because}."[:500],
            )
        )

    def save(self, run: GiasImport | None) -> int:
        """Write the staged changes (in the import's transaction): each replaces a pending
        one of the same kind, and one a person dismissed with the same fields is left out."""
        if not self.changes:
            return 0
        pks = {change.establishment_id for change in self.changes}
        dismissed = {
            (pk, kind, _key(fields))
            for pk, kind, fields in RegisterChange.objects.filter(
                establishment_id__in=pks, status=ChangeStatus.DISMISSED
            ).values_list("establishment_id", "kind", "fields")
        }
        fresh = [
            change
            for change in self.changes
            if (change.establishment_id, change.kind, _key(change.fields)) not in dismissed
        ]
        pending = Q()
        for change in fresh:
            pending |= Q(establishment_id=change.establishment_id, kind=change.kind)
        if fresh:
            RegisterChange.objects.filter(pending, status=ChangeStatus.PENDING).delete()
        for change in fresh:
            change.gias_import = run
        RegisterChange.objects.bulk_create(fresh, batch_size=2000)
        return len(fresh)


def _value(name: str, value):
    if name == "close_date" and value:
        return date.fromisoformat(value)
    return value


@takes_actor
@transaction.atomic
def register_change_apply(*, change: RegisterChange, actor) -> None:
    """Make the register say what GIAS said (audited as ``actor``'s, with the reason)."""
    change = RegisterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise RegisterChangeError("Someone has already decided this change.")
    establishment = change.establishment
    for name, (_old, new) in change.fields.items():
        setattr(establishment, name, _value(name, new))
    if change.fields:
        establishment._change_reason = APPLIED_REASON
        establishment._history_user = actor
        establishment.save()
    change.status, change.decided_by, change.decided_at = (
        ChangeStatus.APPLIED,
        actor,
        timezone.now(),
    )
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


@takes_actor
@transaction.atomic
def register_change_dismiss(*, change: RegisterChange, actor) -> None:
    """Keep the register as it is; the same change from GIAS is not staged again."""
    change = RegisterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise RegisterChangeError("Someone has already decided this change.")
    change.status, change.decided_by, change.decided_at = (
        ChangeStatus.DISMISSED,
        actor,
        timezone.now(),
    )
    change.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
