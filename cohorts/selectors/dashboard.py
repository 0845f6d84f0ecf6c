"""What the dashboard sums up: sessions, upcoming workshops, phases, professionals."""

from datetime import date, timedelta

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from cohorts.models import (
    BOOKABLE_COHORT_STATUSES,
    BOOKED_STATUSES,
    Cohort,
    CohortStatus,
    Phase,
    PlaceStatus,
)
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


def phases_progress(*, scope) -> QuerySet[Phase]:
    """Phases in scope with their live cohorts, and their places counted: booked, completed,
    and (on cohorts that finished) attended one day or did not attend. Only the cohorts the
    scope may see count (a phase shared with other areas counts none of theirs)."""
    mine = Q() if scope.national else Q(cohorts__in=_cohorts_scoped(scope).values("pk"))
    live_cohorts = mine & ~Q(cohorts__status=CohortStatus.CANCELLED)
    return phases_in_scope(scope=scope).annotate(
        cohorts_planned=Count("cohorts", filter=live_cohorts, distinct=True),
        cohorts_delivered=Count(
            "cohorts", filter=mine & Q(cohorts__status=CohortStatus.COMPLETED), distinct=True
        ),
        places_booked=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status__in=BOOKED_STATUSES),
            distinct=True,
        ),
        places_completed=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.COMPLETED),
            distinct=True,
        ),
        places_attended_one_day=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.ATTENDED_ONE_DAY),
            distinct=True,
        ),
        places_did_not_attend=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.DID_NOT_ATTEND),
            distinct=True,
        ),
    )


def professionals_in_scope(*, scope):
    """Professionals on the cohorts ``scope`` may see, with their cohort."""
    from workshops.models import Professional

    return Professional.objects.select_related("delivery__cohort").filter(
        delivery__cohort__in=_cohorts_scoped(scope).values("pk")
    )
