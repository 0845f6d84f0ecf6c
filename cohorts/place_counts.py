"""Keeping ``PlaceCount`` (each cohort's places per status) equal to the places, write by
write: statement-level triggers on the places (cohorts 0029) add the rows a statement
inserted, take away those it deleted, and move those it updated, in one upsert per
statement, whichever code wrote (a service, a bulk update, an admin edit, a cascade). An
increment is safe under concurrent writes (each waits for the other's row lock), where a
recount would not be. ``place_counts_drift`` is the check: tests run it after every test
that used the database.

PostgreSQL only: on the embedded SQLite default (``place_counts_in_use`` is false) the
dashboard counts the places themselves.
"""

from django.db import connection
from django.db.models import Count

from cohorts.models import Place, PlaceCount


def place_counts_in_use() -> bool:
    """Whether the triggers keep the counts (PostgreSQL) or readers count places (SQLite)."""
    return connection.vendor == "postgresql"


def place_counts_drift(limit: int = 10) -> list[tuple]:
    """(cohort id, status, kept, live) wherever the kept count is not the places'."""
    if not place_counts_in_use():
        return []
    kept = {
        (cohort_id, status): places
        for cohort_id, status, places in PlaceCount.objects.values_list(
            "cohort_id", "status", "places"
        )
    }
    live = {
        (cohort_id, status): n
        for cohort_id, status, n in Place.objects.order_by()
        .values_list("cohort_id", "status")
        .annotate(n=Count("pk"))
    }
    return [
        (*key, kept.get(key), live.get(key))
        for key in sorted(kept.keys() | live.keys())
        if kept.get(key) != live.get(key)
    ][:limit]
