"""Response rates at each time point, overall and by phase, region, LA, MHST area and
cohort, every count released by ``suppression`` (rule 4)."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cohorts.models import Cohort
from evaluation import suppression
from evaluation.cells import cells_in_use
from evaluation.models import SurveyInvitation, TimePoint
from evaluation.selectors.cells import cohort_rate_sums, every_cohort, rate_cells, rate_sums
from evaluation.selectors.groups import ReportGroup, _audience_q, reportable_cohorts
from evaluation.suppression import Cell
from schools.models import IntegratedCareBoard, LocalAuthority, Region


@dataclass(frozen=True)
class RateCell:
    """One time point of a row: invitations sent (a count of people asked, not of answers,
    so shown as it is), submitted responses (``suppression.responses``) and the rate in per
    cent, the responses shown over the invitations shown."""

    invited: int
    responded: Cell
    rate: Cell


def _rate_cell(cells: list[suppression.ResponseCell]) -> RateCell:
    total = suppression.ResponseSum()
    for cell in cells:
        total.add(cell)
    return _rate_of(total)


def _rate_of(total: suppression.ResponseSum) -> RateCell:
    if not total.invited:  # nobody was sent the survey: no response to hide, and no rate
        return RateCell(0, suppression.shown(0), Cell(None))
    invited, responded = total.invited, total.figure()
    if responded.hidden:
        return RateCell(invited, responded, Cell(None, responded.reason))
    return RateCell(invited, responded, Cell(round(100 * responded.value / invited)))


def _response_cells(invitations: QuerySet[SurveyInvitation]) -> list[suppression.ResponseCell]:
    """Invitations sent and submitted responses per cohort, audience and time point (one
    query): the cells every response count is made of."""
    rows = (
        invitations.filter(sent_at__isnull=False)
        .values("cohort_id", "questionnaire__audience", "time_point")
        .annotate(
            invited=Count("pk"),
            responded=Count("pk", filter=Q(response__submitted_at__isnull=False)),
        )
        .order_by()
    )
    return [
        suppression.ResponseCell(
            cohort_id=row["cohort_id"],
            audience=row["questionnaire__audience"],
            time_point=row["time_point"],
            responded=row["responded"],
            invited=row["invited"],
        )
        for row in rows
    ]


def group_cells(group: ReportGroup) -> list[suppression.ResponseCell]:
    """The group's cells: from the kept report cells, or live from the invitations."""
    if cells_in_use():
        return rate_cells(group)
    return _response_cells(
        SurveyInvitation.objects.filter(_audience_q(group.audience, ""), cohort__in=group.cohorts)
    )


BREAKDOWNS = (
    ("phase", "By phase", "Phase"),
    ("region", "By region", "Region"),
    ("local_authority", "By local authority", "Local authority"),
    ("mhst_area", "By MHST area", "MHST area"),
    ("icb", "By integrated care board", "Integrated care board"),
    ("cohort", "By cohort", "Cohort"),
)


def _icb_labels(la_ids) -> dict[int | None, str]:
    """The ICB row label of each LA (one query); an LA in several ICBs is a row of its own,
    named for all of them, so no cohort is counted twice."""
    names: dict[int | None, list[str]] = {pk: [] for pk in la_ids}
    links = LocalAuthority.icbs.through.objects.filter(localauthority_id__in=names)
    for la_id, icb in links.values_list("localauthority_id", "integratedcareboard__name"):
        names[la_id].append(IntegratedCareBoard(name=icb).short_name)
    labels = {la_id: " / ".join(sorted(found)) for la_id, found in names.items()}
    return {None: "No LA"} | {la_id: label or "ICB not known" for la_id, label in labels.items()}


#: What a cohort's rows in the breakdowns other than by cohort are worked out from
#: (``_area_keys``): cohorts alike in these fall in the same rows everywhere.
AREA_FIELDS = (
    "phase__name",
    "phase__start_date",
    "local_authority_id",
    "local_authority__name",
    "local_authority__region",
    "mhst_area_id",
    "mhst_area__name",
)
#: And its row in the breakdown by cohort.
COHORT_FIELDS = ("pk", "name", "phase__name", "phase__start_date")


def _area_keys(area: tuple, regions: dict[str, str], icbs: dict) -> dict[str, tuple]:
    """(sort key, label) of a cohort's row in each breakdown but the one by cohort, from
    its ``AREA_FIELDS``; ``regions`` are the region labels and ``icbs`` the ICB labels by
    LA id."""
    phase, start, la_id, la_name, region, area_id, area_name = area
    region = region or ""
    return {
        "phase": ((start, phase), phase),
        "region": ((not region, region), regions.get(region, "Region not known")),
        "local_authority": ((la_id is None, la_name or ""), la_name or "No LA"),
        "mhst_area": ((area_id is None, area_name or ""), area_name or "Not in an MHST area"),
        "icb": ((la_id is None, icbs[la_id]), icbs[la_id]),
    }


def _cohort_key(cohort: tuple) -> tuple[tuple, str]:
    pk, name, phase, start = cohort
    return (start, name, pk), f"{name} ({phase})"


#: The area fields as ``rate_sums`` groups by them (a cell's own, as it was worked out:
#: its cohort's, once the stale ones are worked out), then their labels.
AREA_IDS = ("phase_id", "local_authority_id", "mhst_area_id", "region")
AREA_LABELS = ("phase__name", "phase__start_date", "local_authority__name", "mhst_area__name")


def _drawn_sums(group: ReportGroup, listed: bool):
    """(sums by area, sums by cohort or None), summed in SQL from the cells' released
    counts; None when those were not drawn with today's threshold and key."""
    found = rate_sums(group, AREA_IDS, AREA_LABELS)
    if found is None:
        return None
    areas = [
        ((phase, start, la_id, la, region, area_id, area), tp, total)
        for (_, la_id, area_id, region, phase, start, la, area), tp, total in found
    ]
    if not listed:
        return areas, None
    labels = tuple(f"cohort__{field}" for field in COHORT_FIELDS[1:])
    return areas, rate_sums(group, ("cohort_id",), labels, fresh=False, totals=False) or []


def _drawn_here(group: ReportGroup, listed: bool):
    """``_drawn_sums`` from each cell's figures, drawn here (the embedded SQLite default,
    or cells not yet drawn with today's threshold): two queries and a loop over cells."""
    cells = group_cells(group)
    cohorts = {
        row[0]: row
        for row in Cohort.objects.filter(pk__in={cell.cohort_id for cell in cells})
        .values_list(*COHORT_FIELDS, *AREA_FIELDS[2:])
        .order_by()
    }
    areas: dict[tuple, suppression.ResponseSum] = defaultdict(suppression.ResponseSum)
    by_cohort: dict[tuple, suppression.ResponseSum] = defaultdict(suppression.ResponseSum)
    for cell in cells:
        if not cell.invited:
            continue
        cohort = cohorts[cell.cohort_id]
        counts = (cell.invited, cell.released, not cell.small)
        areas[cohort[2:], cell.time_point].add_counts(*counts)
        by_cohort[cohort[:4], cell.time_point].add_counts(*counts)
    return (
        [(key, tp, total) for (key, tp), total in areas.items()],
        [(key, tp, total) for (key, tp), total in by_cohort.items()] if listed else None,
    )


def cohort_rates(group: ReportGroup) -> Iterator[tuple[str, list[RateCell]]] | None:
    """The rows of ``response_rates``'s breakdown by cohort, (label, a ``RateCell`` per
    time point), streamed from the report cells as they are read; None where they are not
    in use or not drawn with today's key (``response_rates`` then has them)."""
    found = cohort_rate_sums(group) if cells_in_use() else None
    return None if found is None else _cohort_rows(found)


def _cohort_rows(found) -> Iterator[tuple[str, list[RateCell]]]:
    time_points = [tp.value for tp in TimePoint]
    current, at = None, {}

    def row():
        cells = [_rate_of(at.get(tp, suppression.ResponseSum())) for tp in time_points]
        return _cohort_key(current)[1], cells

    for cohort, time_point, total in found:
        if cohort != current:
            if current is not None:
                yield row()
            current, at = cohort, {}
        at[time_point] = total
    if current is not None:
        yield row()


def response_rates(group: ReportGroup, *, cohort_rows_max: int | None = None) -> dict:
    """Invited, responded and response rate per time point, for the whole group and by each
    breakdown. Every responses figure is a sum over the same cells (one cohort, one
    audience, one time point), each counted the same way wherever it appears
    (``suppression.responses``), so no figure less others gives a small cell away.

    The sums are made in SQL from the report cells (``selectors.cells.rate_sums``: the
    cost grows with the areas, not the cohorts), else here, cell by cell. The breakdown by
    cohort is left empty and marked ``collapsed`` when the group has more cohorts than
    ``cohort_rows_max``."""
    # How many cohorts the report covers, surveyed or not, when it may have too many to list.
    count = None if cohort_rows_max is None else group.cohorts.count()
    listed = count is None or count <= cohort_rows_max
    found = _drawn_sums(group, listed) if cells_in_use() else None
    areas, cohorts = found or _drawn_here(group, listed)
    regions = {value: str(label) for value, label in Region.choices}
    icbs = _icb_labels({area[2] for area, _, _ in areas if area[2]})
    time_points = [tp.value for tp in TimePoint]
    totals = {tp: suppression.ResponseSum() for tp in time_points}
    grouped = {
        key: defaultdict(lambda: {tp: suppression.ResponseSum() for tp in time_points})
        for key, *_ in BREAKDOWNS
    }
    labels = {key: {} for key, *_ in BREAKDOWNS}
    for area, tp, total in areas:
        totals[tp].add_sum(total)
        for key, (sort_key, label) in _area_keys(area, regions, icbs).items():
            grouped[key][sort_key][tp].add_sum(total)
            labels[key][sort_key] = label
    for cohort, tp, total in cohorts or ():
        sort_key, label = _cohort_key(cohort)
        grouped["cohort"][sort_key][tp].add_sum(total)
        labels["cohort"][sort_key] = label

    breakdowns = []
    for key, title, column in BREAKDOWNS:
        rows = [
            {
                "label": labels[key][k],
                "cells": [_rate_of(grouped[key][k][tp]) for tp in time_points],
            }
            for k in sorted(grouped[key])
        ]
        collapsed = key == "cohort" and cohorts is None
        breakdowns.append(
            {
                "key": key,
                "title": title,
                "column": column,
                "rows": rows,
                "count": count if collapsed else len(rows),
                "collapsed": collapsed,
            }
        )
    total_row = [_rate_of(totals[tp]) for tp in time_points]
    return {
        "time_points": [(tp.value, str(tp.label)) for tp in TimePoint],
        "total": total_row,
        "total_rows": [
            (str(tp.label), cell) for tp, cell in zip(TimePoint, total_row, strict=True)
        ],
        "breakdowns": breakdowns,
    }


def response_rates_summary(*, scope) -> list[dict]:
    """For the dashboard: per time point, invitations sent, submitted responses and the
    response rate in ``scope`` (one query), made of the same cells and counted the same way
    as the reports (``suppression.responses``)."""
    group = ReportGroup(cohorts=reportable_cohorts(scope=scope))
    # A national dashboard sums the region totals; another the cells of its scope, which
    # costs less than finding whether its regions are whole.
    found = rate_sums(group, (), totals=every_cohort(group)) if cells_in_use() else None
    if found is not None:
        by_time = {tp: total for _, tp, total in found}
        return [
            {
                "time_point": str(tp.label),
                "cell": _rate_of(by_time.get(tp.value, suppression.ResponseSum())),
            }
            for tp in TimePoint
        ]
    cells = group_cells(group)
    rows = []
    for tp in TimePoint:
        at = [cell for cell in cells if cell.time_point == tp.value]
        rows.append({"time_point": str(tp.label), "cell": _rate_cell(at)})
    return rows


# --- Questions, by code ------------------------------------------------------------------
