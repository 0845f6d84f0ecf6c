"""A closed school's programme follows its successor (issue 14, item 2).

When an establishment the programme holds closes and GIAS links it to one simple successor
(``Successor``: an academy conversion), what the programme holds (its place with its
attendance and survey invitations, its invitations: each app's mover registered in
``schools.interest``) moves to the successor in one transaction, with a history record on
both establishments; the successor keeps its own contact email, or takes the predecessor's.
Mergers, amalgamations and splits (several successors, or a link other than a plain
``Successor``), a successor the register does not hold yet, and a move an app refuses are
staged for a person, who picks the successor on the register changes page.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.actors import takes_actor
from schools.interest import SuccessorConflict, movers
from schools.models import (
    ChangeKind,
    ChangeStatus,
    Establishment,
    EstablishmentLink,
    RegisterChange,
)
from schools.services.staging import RegisterChangeError, register_change_apply

SIMPLE = "Successor"
#: Link types by which a closed establishment points at the one that takes over from it.
SUCCESSOR_TYPES = Q(link_type__istartswith="Successor") | Q(link_type="Result of Amalgamation")


def successor_links(urn: int) -> list[EstablishmentLink]:
    return list(EstablishmentLink.objects.filter(SUCCESSOR_TYPES, urn=urn).order_by("linked_urn"))


def _candidates(links: list[EstablishmentLink]) -> list[dict]:
    named = dict(
        Establishment.objects.filter(urn__in=[link.linked_urn for link in links]).values_list(
            "urn", "name"
        )
    )
    return [
        {"urn": link.linked_urn, "name": named.get(link.linked_urn, ""), "type": link.link_type}
        for link in links
    ]


@transaction.atomic
def successor_move(*, closed: Establishment, successor: Establishment, actor) -> dict[str, int]:
    """Move what the programme holds for ``closed`` to ``successor``; {how held: count}.
    Raises SuccessorConflict (nothing changed) when an app refuses the move."""
    if closed.pk == successor.pk:
        raise SuccessorConflict("An establishment cannot succeed itself.")
    # As they are now (a closure applied in this transaction is not undone by saving).
    closed = Establishment.objects.select_for_update().get(pk=closed.pk)
    successor = Establishment.objects.select_for_update().get(pk=successor.pk)
    moved = {label: move(closed.pk, successor.pk) for label, move in movers().items()}
    reason_from = f"Programme moved to its successor, URN {successor.urn}"
    reason_to = f"Took over the programme of its predecessor, URN {closed.urn}"
    if not successor.contact_email and closed.contact_email:
        successor.contact_email = closed.contact_email
        reason_to += ", and its contact email"
    for establishment, reason in ((closed, reason_from), (successor, reason_to)):
        establishment._change_reason = reason
        establishment._history_user = actor
        establishment.save()
    return moved


def _summary(moved: dict[str, int], successor: Establishment) -> str:
    what = "; ".join(f"{label}: {count}" for label, count in moved.items() if count)
    return f"Moved to {successor.name} (URN {successor.urn}): {what or 'nothing to move'}."


def successors_resolve(*, actor) -> tuple[int, int]:
    """For each pending closure of a school the programme holds: with one simple successor
    in the register, close it and move its programme there; otherwise stage the choice for
    a person. Returns (moved, staged)."""
    moved = staged = 0
    closures = RegisterChange.objects.filter(
        kind=ChangeKind.CLOSING, status=ChangeStatus.PENDING
    ).select_related("establishment")
    for change in closures:
        closed = change.establishment
        links = successor_links(closed.urn)
        if not links:
            continue  # no successor: a plain closure, for a person to apply
        simple = len(links) == 1 and links[0].link_type == SIMPLE
        successor = (
            Establishment.objects.filter(urn=links[0].linked_urn).first() if simple else None
        )
        if successor is not None:
            try:
                with transaction.atomic():
                    register_change_apply(change=change, actor=actor)
                    result = successor_move(closed=closed, successor=successor, actor=actor)
                    RegisterChange.objects.filter(pk=change.pk).update(
                        outcome=_summary(result, successor)[:500]
                    )
                moved += 1
                continue
            except SuccessorConflict as conflict:
                why = str(conflict)
        else:
            why = (
                "GIAS links it to several establishments, or by a merger, amalgamation or "
                "split: choose which takes over."
                if not simple
                else "Its successor is not in the register yet."
            )
        staged += _stage_choice(change, links, why)
    return moved, staged


def _stage_choice(change: RegisterChange, links: list[EstablishmentLink], why: str) -> int:
    fields = {"successors": _candidates(links)}
    pending = RegisterChange.objects.filter(
        establishment=change.establishment, kind=ChangeKind.SUCCESSOR, status=ChangeStatus.PENDING
    )
    if pending.filter(fields=fields).exists():
        return 0
    pending.delete()
    RegisterChange.objects.create(
        gias_import=change.gias_import,
        establishment=change.establishment,
        kind=ChangeKind.SUCCESSOR,
        fields=fields,
        held_because=f"{change.held_because} {why}"[:500],
    )
    return 1


@takes_actor
@transaction.atomic
def register_change_move(*, change: RegisterChange, successor_urn: int, actor) -> str:
    """A person's choice: close the establishment (its pending closure applied, if any) and
    move its programme to the successor with ``successor_urn``. Returns what was done."""
    change = RegisterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise RegisterChangeError("Someone has already decided this change.")
    urns = {candidate["urn"] for candidate in change.fields.get("successors", [])}
    successor = Establishment.objects.filter(urn=successor_urn).first()
    if successor_urn not in urns or successor is None:
        raise RegisterChangeError(
            "That establishment is not one of its successors in the register."
        )
    closure = RegisterChange.objects.filter(
        establishment=change.establishment, kind=ChangeKind.CLOSING, status=ChangeStatus.PENDING
    ).first()
    if closure is not None:
        register_change_apply(change=closure, actor=actor)
    try:
        result = successor_move(closed=change.establishment, successor=successor, actor=actor)
    except SuccessorConflict as conflict:
        raise RegisterChangeError(str(conflict)) from None
    outcome = _summary(result, successor)
    change.status, change.decided_by, change.decided_at = (
        ChangeStatus.APPLIED,
        actor,
        timezone.now(),
    )
    change.outcome = outcome[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "outcome", "updated_at"])
    return outcome
