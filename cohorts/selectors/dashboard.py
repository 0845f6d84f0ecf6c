"""What the dashboard sums up: sessions, upcoming workshops, phases, professionals."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from cohorts.models import (
    BOOKABLE_COHORT_STATUSES,
    BOOKED_STATUSES,
    Cohort,
    CohortStatus,
    Phase,
    Place,
    PlaceCount,
    PlaceStatus,
)
from cohorts.place_counts import place_counts_in_use
from cohorts.selectors.coordinator import _cohorts_scoped, phases_in_scope
from workshops.models import Workshop


def sessions_summary(*, scope) -> dict[str, int]:
    """Cohorts (sessions) in scope by stage, in one aggregate query; cancelled ones apart."""
    cohorts = _cohorts_scoped(scope)
    live = ~Q(status=CohortStatus.CANCELLED)
    return cohorts.aggregate(
        planned=Count("pk", filter=live),
        delivered=Count("pk", filter=Q(status=CohortStatus.COMPLETED)),
        running=Count("pk", filter=Q(status=CohortStatus.RUNNING)),
        open=Count("pk", filter=Q(status__in=BOOKABLE_COHORT_STATUSES)),
        cancelled=Count("pk", filter=Q(status=CohortStatus.CANCELLED)),
    )


#: Cohorts whose workshops are still to happen (a completed cohort's are over, whatever the
#: dates say; a cancelled one's will not happen).
LIVE_COHORT_STATUSES = (
    CohortStatus.PLANNED,
    CohortStatus.OPEN,
    CohortStatus.FULL,
    CohortStatus.RUNNING,
)


def workshops_upcoming(*, scope, today: date, days: int = 14, limit: int = 50):
    """Workshop days of live cohorts in scope from ``today`` for ``days`` days, soonest first."""
    cohorts = _cohorts_scoped(scope, Cohort.objects.filter(status__in=LIVE_COHORT_STATUSES))
    return (
        Workshop.objects.filter(
            delivery__cohort__in=cohorts,
            date__gte=today,
            date__lte=today + timedelta(days=days),
        )
        .select_related(
            "delivery__cohort",
            "delivery__cohort__local_authority",
            "delivery__cohort__mhst_area",
        )
        .order_by("date", "start_time")[:limit]
    )


#: The place counts of ``phases_progress``: (attribute, statuses).
PHASE_PLACE_COUNTS = (
    ("places_booked", BOOKED_STATUSES),
    ("places_completed", (PlaceStatus.COMPLETED,)),
    ("places_attended_one_day", (PlaceStatus.ATTENDED_ONE_DAY,)),
    ("places_did_not_attend", (PlaceStatus.DID_NOT_ATTEND,)),
)


def phases_progress(*, scope) -> list[Phase]:
    """Phases in scope with their live cohorts, and their places counted: booked, completed,
    and (on cohorts that finished) attended one day or did not attend. Only the cohorts the
    scope may see count (a phase shared with other areas counts none of theirs).

    Two queries, cohorts joined to phases and places grouped by phase (each cohort's kept
    counts on PostgreSQL), so that no count needs DISTINCT: counting distinct cohorts over a
    join with every place sorted all the places (600 ms at ten times the programme)."""
    mine = Q() if scope.national else Q(cohorts__in=_cohorts_scoped(scope).values("pk"))
    phases = list(
        phases_in_scope(scope=scope).annotate(
            cohorts_planned=Count(
                "cohorts", filter=mine & ~Q(cohorts__status=CohortStatus.CANCELLED)
            ),
            cohorts_delivered=Count(
                "cohorts", filter=mine & Q(cohorts__status=CohortStatus.COMPLETED)
            ),
        )
    )
    # Each cohort's kept count per status (``cohorts.place_counts``): a row per cohort and
    # status, where counting the places read all 216,000 at ten times the programme.
    kept = place_counts_in_use()
    places = (PlaceCount if kept else Place).objects.filter(
        cohort__phase__in=[phase.pk for phase in phases]
    )
    if not scope.national:
        places = places.filter(cohort__in=_cohorts_scoped(scope).values("pk"))

    def counting(statuses):
        of = Q(status__in=statuses)
        return Sum("places", filter=of, default=0) if kept else Count("pk", filter=of)

    counted = {
        row["cohort__phase"]: row
        for row in places.order_by()
        .values("cohort__phase")
        .annotate(**{name: counting(statuses) for name, statuses in PHASE_PLACE_COUNTS})
    }
    for phase in phases:
        for name, _statuses in PHASE_PLACE_COUNTS:
            setattr(phase, name, counted.get(phase.pk, {}).get(name, 0))
    return phases


def professionals_in_scope(*, scope):
    """Professionals on the cohorts ``scope`` may see, with their cohort."""
    from workshops.models import Professional

    return Professional.objects.select_related("delivery__cohort").filter(
        delivery__cohort__in=_cohorts_scoped(scope).values("pk")
    )
