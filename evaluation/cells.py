"""Keeping the report cells (``evaluation.models.cells``) equal to the answers, write by write.

The cells of a cohort are worked out again, whole, by one database function
(``evaluation_cells_refresh``, migration 0015) in a few set-based statements: a cohort has
tens of responses, so this costs milliseconds, and the same statements over every cohort
rebuild them all. Statement-level triggers on invitations, responses, answers, questions,
choices and questionnaires mark the cohorts a write touches as stale, whichever code writes
(a service, a bulk insert, an admin edit, a cascade); then:

- the writers that matter call ``cells_refresh`` in their own transaction (submitting a
  response, removing the link to a person), so their cohort is current when they commit;
- every reader calls ``cells_fresh`` first (one statement): it works out again the cohorts
  still marked stale (after a bulk load, the survey scheduler sending invitations), skipping
  any that a writer is working out at that moment;
- ``manage.py evaluation_cells_rebuild`` works them all out again from scratch.

Cohorts are locked one at a time (an advisory lock per cohort, taken in id order), so two
submissions in one cohort work its cells out one after the other. ``cells_drift`` is the
check: tests run it after every test that used the database.

PostgreSQL only: on the embedded SQLite default (``cells_in_use`` is false) the reports
compute every figure from the answers, as the cells' definition says.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from evaluation import conf
from evaluation.models import (
    AnswerCell,
    AnswerTotal,
    CellThreshold,
    PairAreaTotal,
    PairCell,
    PairTotal,
    RateTotal,
    StaleCohort,
    SurveyCell,
)
from evaluation.suppression import draw_pads

CELL_MODELS = (SurveyCell, AnswerCell, PairCell)
TOTAL_MODELS = (AnswerTotal, PairTotal, PairAreaTotal, RateTotal, CellThreshold)


def cells_in_use() -> bool:
    """Whether the reports read the cells (PostgreSQL) or compute live (SQLite)."""
    return connection.vendor == "postgresql"


def cells_refresh(cohort_ids: Iterable[int | None]) -> None:
    """Work out again the cells of ``cohort_ids`` (in the caller's transaction, if any)."""
    ids = sorted({pk for pk in cohort_ids if pk is not None})
    if not ids or not cells_in_use():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT evaluation_cells_refresh(%s::bigint[], NULL, %s, %s)", [ids, *draw_pads()]
        )


def cells_fresh() -> None:
    """Before reading cells: work out again those of any cohort marked stale (one query)."""
    if cells_in_use():
        with connection.cursor() as cursor:
            cursor.execute("SELECT evaluation_cells_refresh_stale(%s, %s)", draw_pads())


def cells_rebuild() -> None:
    """Work out every cohort's cells again from scratch (readers see the old ones until
    this commits)."""
    if not cells_in_use():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT evaluation_cells_refresh(NULL, %s, %s, %s)", [conf.min_cell(), *draw_pads()]
        )


class _Undo(Exception):
    pass


def _rows(queryset, leave_out: tuple[str, ...] = ()) -> set[tuple]:
    fields = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.name != "id" and f.name not in leave_out
    ]
    # Sums of means are floats added in no fixed order: equal to 6 decimals is equal.
    return {
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in queryset.values_list(*fields)
    }


def _kept(stale: set[int], totals: bool, released: bool) -> dict[str, set[tuple]]:
    # Released counts are drawn with the threshold of a rebuild: none before the first.
    leave_out = () if released else ("released",)
    kept = {
        m.__name__: _rows(m.objects.exclude(cohort_id__in=stale), leave_out) for m in CELL_MODELS
    }
    if totals:
        kept.update({m.__name__: _rows(m.objects.all()) for m in TOTAL_MODELS})
    return kept


def cells_drift(limit: int = 10) -> list[tuple]:
    """Cells that differ from what the answers say, for the cohorts not marked stale (a
    cohort marked stale is worked out before it is read), and the region totals when none
    is: (table, kept or live, row). Everything is worked out again inside a savepoint that
    is rolled back."""
    if not cells_in_use():
        return []
    stale = set(StaleCohort.objects.values_list("cohort_id", flat=True))
    least = CellThreshold.objects.values_list("min_size", flat=True).first()
    # The totals follow each cohort as it is worked out, once a rebuild has summed them.
    totals = not stale and least is not None
    before = _kept(stale, totals, least is not None)
    after = {}
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT evaluation_cells_refresh(NULL, %s, %s, %s)",
                    [least or conf.min_cell(), *draw_pads()],
                )
            after.update(_kept(stale, totals, least is not None))
            raise _Undo
    except _Undo:
        pass
    drift = []
    for name, rows in before.items():
        drift += [(name, "kept", row) for row in sorted(rows - after[name], key=str)]
        drift += [(name, "live", row) for row in sorted(after[name] - rows, key=str)]
    return drift[:limit]
