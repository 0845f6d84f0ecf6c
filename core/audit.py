"""The audit history of records, for pages: who changed which fields, from what to what.

Works for any model with ``history = HistoricalRecords()`` (django-simple-history); the
request middleware records the signed-in user on each change.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from core.actors import actor_name


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    reason: str
    kind: str  # "created", "changed" or "deleted"
    changes: list[Change]


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _display(record, name: str, related: dict) -> str:
    field = record.instance_type._meta.get_field(name)
    value = getattr(record, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(related.get((field.related_model, value), value))
    return str(value)


def history_of(obj, *, limit: int = 50) -> list[HistoryEntry]:
    """The audit history of a record, newest first: who changed which fields from what to
    what. Works for any model with ``history = HistoricalRecords()``.

    Costs a fixed number of queries however long the history: the records with their users,
    then one query per kind of object a changed foreign key points to. Many-to-many fields
    are left out of the comparison (each would cost queries per record).
    """
    model = obj._meta.model
    m2m = [f.name for f in model._meta.many_to_many]
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    deltas = []
    wanted: dict = defaultdict(set)
    for record, older in zip(records[:limit], records[1 : limit + 1] + [None], strict=False):
        changed = []
        if older is not None and record.history_type == "~":
            changed = [c.field for c in record.diff_against(older, excluded_fields=m2m).changes]
            for name in changed:
                field = model._meta.get_field(name)
                if field.is_relation:
                    for version in (record, older):
                        if getattr(version, field.attname) is not None:
                            wanted[field.related_model].add(getattr(version, field.attname))
        deltas.append((record, older, changed))
    related = {
        (related_model, pk): instance
        for related_model, pks in wanted.items()
        for pk, instance in related_model._base_manager.in_bulk(pks).items()
    }
    entries = []
    for record, older, changed in deltas:
        who = actor_name(record.history_user)
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                reason=record.history_change_reason or "",
                kind=_KINDS[record.history_type],
                changes=[
                    Change(
                        field=str(model._meta.get_field(name).verbose_name),
                        old=_display(older, name, related),
                        new=_display(record, name, related),
                    )
                    for name in changed
                ],
            )
        )
    return entries
