"""Response rates at each time point, overall and by phase, region, LA, MHST area and
cohort, every count released by ``suppression`` (rule 4)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cohorts.models import Cohort
from evaluation import suppression
from evaluation.cells import cells_in_use
from evaluation.models import SurveyInvitation, TimePoint
from evaluation.selectors.cells import rate_cells
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


#: What a cohort's breakdown rows are worked out from (``_breakdown_keys``).
COHORT_FIELDS = (
    "pk",
    "name",
    "phase__name",
    "phase__start_date",
    "local_authority_id",
    "local_authority__name",
    "local_authority__region",
    "mhst_area_id",
    "mhst_area__name",
)


def _breakdown_keys(cohort: tuple, regions: dict[str, str], icbs: dict) -> dict[str, tuple]:
    """(sort key, label) of the cohort's row in each breakdown, from its ``COHORT_FIELDS``;
    ``regions`` are the region labels and ``icbs`` the ICB labels by LA id."""
    pk, name, phase, start, la_id, la_name, region, area_id, area = cohort
    region = region or ""
    return {
        "phase": ((start, phase), phase),
        "region": ((not region, region), regions.get(region, "Region not known")),
        "local_authority": ((la_id is None, la_name or ""), la_name or "No LA"),
        "mhst_area": ((area_id is None, area or ""), area or "Not in an MHST area"),
        "icb": ((la_id is None, icbs[la_id]), icbs[la_id]),
        "cohort": ((start, name, pk), f"{name} ({phase})"),
    }


def response_rates(group: ReportGroup) -> dict:
    """Invited, responded and response rate per time point, for the whole group and by each
    breakdown (two queries). Every responses figure is a sum over the same cells (one cohort,
    one audience, one time point), each counted the same way wherever it appears
    (``suppression.responses``), so no figure less others gives a small cell away."""
    cells = group_cells(group)
    regions = {value: str(label) for value, label in Region.choices}
    cohorts = list(
        Cohort.objects.filter(pk__in={cell.cohort_id for cell in cells})
        .values_list(*COHORT_FIELDS)
        .order_by()
    )
    icbs = _icb_labels({cohort[4] for cohort in cohorts if cohort[4]})
    # Worked out once per cohort, not per cell: a national report has thousands of each.
    keys = {cohort[0]: _breakdown_keys(cohort, regions, icbs) for cohort in cohorts}
    time_points = list(TimePoint)
    totals = {tp: suppression.ResponseSum() for tp in time_points}
    grouped = {
        key: defaultdict(lambda: {tp: suppression.ResponseSum() for tp in time_points})
        for key, *_ in BREAKDOWNS
    }
    labels = {key: {} for key, *_ in BREAKDOWNS}
    for cell in cells:
        if not cell.invited:
            continue
        tp, counts = cell.time_point, (cell.invited, cell.released, not cell.small)
        totals[tp].add_counts(*counts)
        for key, (sort_key, label) in keys[cell.cohort_id].items():
            grouped[key][sort_key][tp].add_counts(*counts)
            labels[key][sort_key] = label

    breakdowns = []
    for key, title, column in BREAKDOWNS:
        rows = [
            {
                "label": labels[key][k],
                "cells": [_rate_of(grouped[key][k][tp]) for tp in time_points],
            }
            for k in sorted(grouped[key])
        ]
        breakdowns.append({"key": key, "title": title, "column": column, "rows": rows})
    total_row = [_rate_of(totals[tp]) for tp in time_points]
    return {
        "time_points": [(tp.value, str(tp.label)) for tp in time_points],
        "total": total_row,
        "total_rows": [
            (str(tp.label), cell) for tp, cell in zip(time_points, total_row, strict=True)
        ],
        "breakdowns": breakdowns,
    }


def response_rates_summary(*, scope) -> list[dict]:
    """For the dashboard: per time point, invitations sent, submitted responses and the
    response rate in ``scope`` (one query), made of the same cells and counted the same way
    as the reports (``suppression.responses``)."""
    cells = group_cells(ReportGroup(cohorts=reportable_cohorts(scope=scope)))
    rows = []
    for tp in TimePoint:
        at = [cell for cell in cells if cell.time_point == tp.value]
        rows.append({"time_point": str(tp.label), "cell": _rate_cell(at)})
    return rows


# --- Questions, by code ------------------------------------------------------------------
