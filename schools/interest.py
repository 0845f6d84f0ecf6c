"""What the programme holds in the register, as the apps above it tell the register.

The register knows no programme, yet a GIAS change to an establishment the programme holds
(a booked place, a survey invitation) must wait for a person rather than apply at once.
Apps above register what they hold when they start (their ``AppConfig.ready``), as the
outbox's relevance checks are registered:

- ``register_holder(label, establishment_ids)``: ``establishment_ids()`` returns the ids of
  the establishments the app holds, and ``label`` says how ("an active place").
- ``register_watched_areas(local_authority_ids)``: the LAs where a new eligible
  establishment should be looked at (an open cohort there could take it).
"""

from collections.abc import Callable, Iterable

_holders: dict[str, Callable[[], Iterable[int]]] = {}
_watched: list[Callable[[], Iterable[int]]] = []


def register_holder(label: str, establishment_ids: Callable[[], Iterable[int]]) -> None:
    _holders[label] = establishment_ids


def register_watched_areas(local_authority_ids: Callable[[], Iterable[int]]) -> None:
    if local_authority_ids not in _watched:
        _watched.append(local_authority_ids)


def held_establishments() -> dict[int, list[str]]:
    """{establishment id: [how the programme holds it]} (one query per holder)."""
    held: dict[int, list[str]] = {}
    for label, ids in _holders.items():
        for pk in ids():
            held.setdefault(pk, []).append(label)
    return held


def watched_local_authorities() -> set[int]:
    return {pk for ids in _watched for pk in ids()}


# --- Moving what the programme holds to a successor -----------------------------------------


class SuccessorConflict(Exception):
    """What the programme holds cannot move to this successor; the message says why."""


_movers: dict[str, Callable[[int, int], int]] = {}


def register_mover(label: str, move: Callable[[int, int], int]) -> None:
    """``move(from_id, to_id)`` moves what the app holds for establishment ``from_id`` to
    ``to_id`` (in the caller's transaction) and returns how many records moved; it raises
    SuccessorConflict, before changing anything, when they cannot move."""
    _movers[label] = move


def movers() -> dict[str, Callable[[int, int], int]]:
    return dict(_movers)
