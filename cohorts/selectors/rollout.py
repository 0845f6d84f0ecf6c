"""The rollout in figures (issue 13, item 1): per phase and area, the eligible schools,
those already through the programme, the cohorts still needed and those planned, open and
delivered; by term over the programme's four years; and the total against the targets.

A fixed number of queries however many phases, areas, schools and cohorts: the phases
with their areas (three), the establishments counted by (LA, MHST area) (one), the cohorts
(one), the totals (two), and the programme start when not configured (one).
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Prefetch, Q

from cohorts import conf
from cohorts.models import BOOKABLE_COHORT_STATUSES, CohortStatus
from cohorts.rules import MAX_COHORT_CAPACITY
from cohorts.selectors.booking import _workshop_date
from cohorts.selectors.coordinator import _cohorts_scoped, phases_in_scope
from cohorts.selectors.status import programme_start, reached_q
from cohorts.terms import Term, programme_terms, term_of
from schools.models import LocalAuthority, MHSTArea, eligible_q
from schools.selectors import establishments_for

STATUS_COUNTS = ("planned", "open", "delivered")


@dataclass
class Figures:
    """Schools and cohorts of one area of a phase (or a total)."""

    eligible: int = 0
    through: int = 0
    left: int = 0  # eligible and not yet through
    planned: int = 0  # live cohorts (any status but cancelled)
    open: int = 0  # open for booking or full
    delivered: int = 0  # completed

    @property
    def needed(self) -> int:
        """Cohorts of up to 20 that the schools not yet through would fill."""
        return math.ceil(self.left / MAX_COHORT_CAPACITY)

    def add(self, other: "Figures") -> None:
        for name in ("eligible", "through", "left", "planned", "open", "delivered"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class AreaRow:
    kind: str  # "mhst_area" or "la"
    area: object
    figures: Figures = field(default_factory=Figures)


@dataclass
class PhaseRows:
    phase: object
    first_term: Term | None
    last_term: Term | None
    rows: list[AreaRow]
    total: Figures


def rollout_start() -> dt.date | None:
    """``LINK_PROGRAMME_START``, else the first phase's start (None without phases)."""
    return conf.programme_start_setting() or programme_start()


def _cohort_counts(status: str) -> Figures:
    return Figures(
        planned=int(status != CohortStatus.CANCELLED),
        open=int(status in BOOKABLE_COHORT_STATUSES),
        delivered=int(status == CohortStatus.COMPLETED),
    )


def rollout_overview(*, scope, start: dt.date | None = None) -> dict:
    """Everything the rollout page shows for ``scope``: ``phases`` (PhaseRows, each area's
    rows with its MHST areas first, as the rollout prioritised them), ``terms`` (each of the
    twelve terms with its live phases and its cohorts by workshop 1, else by the phase's
    start), ``total`` (the scope's Figures: each school counted once) and ``outside`` (live
    cohorts dated outside the four years)."""
    start = start or rollout_start()
    terms = programme_terms(start) if start else []
    phases = list(
        phases_in_scope(scope=scope).prefetch_related(
            Prefetch(
                "local_authorities",
                LocalAuthority.objects.filter(scope.overlapping_local_authorities()).order_by(
                    "name"
                ),
            ),
            Prefetch(
                "mhst_areas",
                MHSTArea.objects.filter(scope.overlapping_mhst_areas()).order_by("name"),
            ),
        )
    )
    la_ids = {la.pk for p in phases for la in p.local_authorities.all()}
    mhst_ids = {a.pk for p in phases for a in p.mhst_areas.all()}
    schools = establishments_for(scope).order_by()
    eligible, reached = eligible_q(), reached_q()
    counted = {
        "eligible": Count("pk", filter=eligible),
        "through": Count("pk", filter=reached),
        "left": Count("pk", filter=eligible & ~reached),
    }
    by_area: dict[tuple, Figures] = {}
    if la_ids or mhst_ids:
        grouped = (
            schools.filter(Q(la__in=la_ids) | Q(mhst_area__in=mhst_ids))
            .filter(eligible | reached)
            .values("la_id", "mhst_area_id")
            .annotate(**counted)
        )
        for row in grouped:
            by_area[(row["la_id"], row["mhst_area_id"])] = Figures(
                eligible=row["eligible"], through=row["through"], left=row["left"]
            )
    cohorts = list(
        _cohorts_scoped(scope)
        .filter(phase__in=[p.pk for p in phases])
        .annotate(day_1=_workshop_date(1))
        .values_list("phase_id", "local_authority_id", "mhst_area_id", "status", "day_1")
    )
    total = Figures(**schools.filter(eligible | reached).aggregate(**counted))
    total_cohorts = _cohorts_scoped(scope).aggregate(
        planned=Count("pk", filter=~Q(status=CohortStatus.CANCELLED)),
        open=Count("pk", filter=Q(status__in=BOOKABLE_COHORT_STATUSES)),
        delivered=Count("pk", filter=Q(status=CohortStatus.COMPLETED)),
    )
    for name, value in total_cohorts.items():
        setattr(total, name, value)

    phase_rows = [_phase_rows(phase, by_area, cohorts, terms) for phase in phases]
    term_rows, outside = _by_term(phases, cohorts, terms)
    return {
        "start": start,
        "terms": term_rows,
        "phases": phase_rows,
        "total": total,
        "outside": outside,
    }


def _phase_rows(phase, by_area, cohorts, terms) -> PhaseRows:
    las = list(phase.local_authorities.all())
    areas = list(phase.mhst_areas.all())
    area_ids = {a.pk for a in areas}
    rows = {("mhst_area", a.pk): AreaRow("mhst_area", a) for a in areas}
    rows |= {("la", la.pk): AreaRow("la", la) for la in las}
    for (la_id, mhst_id), figures in by_area.items():
        # A school in one of the phase's MHST areas counts there, else in its LA: once.
        if mhst_id in area_ids:
            rows[("mhst_area", mhst_id)].figures.add(figures)
        elif ("la", la_id) in rows:
            rows[("la", la_id)].figures.add(figures)
    for phase_id, la_id, mhst_id, status, _day in cohorts:
        if phase_id != phase.pk:
            continue
        row = rows.get(("mhst_area", mhst_id)) or rows.get(("la", la_id))
        if row is not None:
            row.figures.add(_cohort_counts(status))
    total = Figures()
    for row in rows.values():
        total.add(row.figures)
    return PhaseRows(
        phase=phase,
        first_term=term_of(terms, phase.start_date),
        last_term=term_of(terms, phase.end_date),
        rows=list(rows.values()),
        total=total,
    )


def _by_term(phases, cohorts, terms) -> tuple[list[dict], int]:
    starts = {p.pk: p.start_date for p in phases}
    counts: dict[str, Counter] = defaultdict(Counter)
    outside = 0
    for phase_id, _la, _mhst, status, day_1 in cohorts:
        if status == CohortStatus.CANCELLED:
            continue
        term = term_of(terms, day_1 or starts[phase_id])
        if term is None:
            outside += 1
            continue
        figures = _cohort_counts(status)
        counts[term.key].update(
            {name: getattr(figures, name) for name in STATUS_COUNTS},
        )
    rows = [
        {
            "term": term,
            "phases": [p for p in phases if p.start_date <= term.end and p.end_date >= term.start],
            **{name: counts[term.key][name] for name in STATUS_COUNTS},
        }
        for term in terms
    ]
    return rows, outside


def term_dates_loaded(*, scope):
    """The LAs in ``scope`` with term dates loaded: ``terms``, ``first_day``, ``last_day``,
    ``loaded_at``, by name (one query)."""
    return (
        LocalAuthority.objects.filter(scope.overlapping_local_authorities())
        .filter(school_terms__isnull=False)
        .annotate(
            terms=Count("school_terms"),
            first_day=Min("school_terms__first_day"),
            last_day=Max("school_terms__last_day"),
            loaded_at=Max("school_terms__created_at"),
        )
        .order_by("name")
    )
