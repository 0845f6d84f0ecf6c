"""Keeping ``ProgrammeStatus`` equal to the rule, write by write.

Every save or delete of a ``Place`` or an ``Invitation`` works out again, in the same
transaction, the status of the establishment it concerns (one INSERT … SELECT … ON CONFLICT
statement). Writes that bypass ``save()`` (bulk creates, ``update()``, deletes of a queryset)
call ``programme_status_refresh`` with the establishments they touched. ``programme_status_drift``
is the check: tests run it after every cohorts test.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from cohorts.models import Invitation, Place, ProgrammeStatus
from cohorts.selectors.status import live_programme_status
from schools.models import Establishment

BATCH = 2000


def programme_status_refresh(establishment_ids: Iterable[int | None]) -> None:
    """Work out again the programme status of ``establishment_ids`` from their places and
    invitations, and keep it (one statement per 2,000 establishments)."""
    ids = sorted({pk for pk in establishment_ids if pk is not None})
    table = ProgrammeStatus._meta.db_table
    for start in range(0, len(ids), BATCH):
        rows = live_programme_status(
            Establishment.objects.filter(pk__in=ids[start : start + BATCH]).order_by()
        ).values_list("pk", "live_status", "live_has_been_booked")
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (establishment_id, status, has_been_booked) {sql} "  # noqa: S608 - ORM SQL
                "ON CONFLICT (establishment_id) DO UPDATE SET status = EXCLUDED.status, "
                "has_been_booked = EXCLUDED.has_been_booked",
                params,
            )


def programme_status_refresh_all() -> None:
    """Work out every establishment's status again (after a bulk repair, or to check)."""
    programme_status_refresh(Establishment.objects.values_list("pk", flat=True).iterator())


def programme_status_drift(limit: int = 10) -> list[tuple[int, tuple, tuple]]:
    """Establishments whose kept status, or whether they have been booked, differs from the
    rule: (id, (status, booked) kept, (status, booked) live)."""
    from cohorts.selectors.status import with_programme_status

    queryset = live_programme_status(
        with_programme_status(Establishment.objects.order_by("pk"))
    ).annotate(has_been_booked=Coalesce("programme__has_been_booked", Value(False)))
    fields = ("programme_status", "has_been_booked", "live_status", "live_has_been_booked")
    return [
        (pk, kept, live)
        for pk, *values in queryset.values_list("pk", *fields).iterator()
        if (kept := tuple(values[:2])) != (live := tuple(values[2:]))
    ][:limit]


def _after_write(sender, instance, **kwargs) -> None:
    programme_status_refresh([instance.establishment_id])


def register() -> None:
    for model in (Place, Invitation):
        post_save.connect(_after_write, sender=model, dispatch_uid=f"programme-status-{model}")
        post_delete.connect(_after_write, sender=model, dispatch_uid=f"programme-status-d-{model}")
