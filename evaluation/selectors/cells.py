"""Reads of the report cells (``evaluation.models.cells``): each sums a group's cells in one
query, leaving out small cells where the figure rests on answers (``suppression`` rule 3),
exactly as the live computation over the answers does (``pooled_responses``).

A group that holds every cohort with surveys in the regions it touches (a national report,
a region's coordinator's) sums the region totals instead, which are those same cells
already added up: a few thousand rows at most, however many cohorts. A group of every
cohort holds every region (known from its query); for another, one query says which.
"""

from collections.abc import Iterator

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Collate

from evaluation import conf, suppression
from evaluation.cells import cells_fresh
from evaluation.models import (
    AnswerCell,
    AnswerTotal,
    CellThreshold,
    PairAreaTotal,
    PairCell,
    PairTotal,
    RateTotal,
    SurveyCell,
)
from evaluation.selectors.groups import ReportGroup
from evaluation.stats import PairedChange, paired_change_from_sums


def _of_group(queryset: QuerySet, group: ReportGroup) -> QuerySet:
    queryset = queryset.filter(cohort__in=group.cohorts)
    return _of_audience(queryset, group)


def _of_audience(queryset: QuerySet, group: ReportGroup) -> QuerySet:
    return queryset.filter(audience=group.audience) if group.audience else queryset


def _drawn_with(least: int) -> QuerySet:
    """The cells' threshold row, if their released counts were drawn with ``least`` and
    today's key (else the caller draws each cell itself)."""
    return CellThreshold.objects.filter(min_size=least, key_id=suppression.draw_key_id())


#: ``whole_regions`` of a group of every cohort: every region, the totals unfiltered.
EVERY_REGION = ("*",)


def every_cohort(group: ReportGroup) -> bool:
    """Whether the group holds every cohort (a national scope with no filter): known from
    the query, without reading a row."""
    query = group.cohorts.query
    return not query.has_filters() and not query.is_sliced


def whole_regions(group: ReportGroup) -> tuple[str, ...] | None:
    """The regions of the group's cells, when the group holds every cohort with cells in
    them and the totals were summed with today's threshold; else None. A group of every
    cohort (a national report with no filter) holds every region: ``EVERY_REGION``; a
    group that knows its regions (``ReportGroup.regions``) holds those; either with no count
    over the cells (one query, the threshold; else two). Once per group."""
    if "_whole_regions" in group.__dict__:  # a report asks once per figure
        return group.__dict__["_whole_regions"]
    if not CellThreshold.objects.filter(min_size=conf.min_cell()).exists():
        regions = None
    elif every_cohort(group):
        regions = EVERY_REGION
    elif group.regions is not None:
        regions = group.regions  # known from the scope: a region's coordinator
    else:
        counts = (
            SurveyCell.objects.values("region")
            .annotate(
                mine=Count("cohort_id", distinct=True, filter=Q(cohort__in=group.cohorts)),
                everyone=Count("cohort_id", distinct=True),
            )
            .order_by()
        )
        touched = [row for row in counts if row["mine"]]
        whole = touched and all(row["mine"] == row["everyone"] for row in touched)
        regions = tuple(sorted(row["region"] for row in touched)) if whole else None
    group.__dict__["_whole_regions"] = regions
    return regions


def _in_regions(queryset: QuerySet, regions: tuple[str, ...]) -> QuerySet:
    """The region totals of ``regions`` (``whole_regions``)."""
    return queryset if regions == EVERY_REGION else queryset.filter(region__in=regions)


def rate_cells(group: ReportGroup) -> list[suppression.ResponseCell]:
    """Invitations sent and submitted responses per cohort, audience and time point, as
    ``rates._response_cells`` counts them from the invitations (two queries)."""
    cells_fresh()
    rows = _of_group(SurveyCell.objects.filter(invited__gt=0), group).values_list(
        "cohort_id", "audience", "time_point", "responded", "invited"
    )
    least = conf.min_cell()
    return [
        suppression.ResponseCell(
            cohort_id=cohort_id,
            audience=audience,
            time_point=time_point,
            responded=responded,
            invited=invited,
            least=least,
        )
        for cohort_id, audience, time_point, responded, invited in rows
    ]


def _cell_sums(least: int) -> dict:
    """What a ``suppression.ResponseSum`` is made of, summed over survey cells: how many
    cells, their invitations, their released responses, and how many have at least
    ``least`` responses (``RateTotal`` keeps the same four)."""
    return {
        "cells": Count("pk"),
        "invited": Sum("invited"),
        "released": Sum("released"),
        "large": Count("pk", filter=Q(responded__gte=least)),
    }


def rate_sums(
    group: ReportGroup,
    by: tuple[str, ...],
    labels: tuple[str, ...] = (),
    *,
    fresh: bool = True,
    totals: bool = True,
) -> list[tuple] | None:
    """The group's response figures summed in SQL from the cells' released counts, grouped
    by the fields ``by`` (paths from a cell: ids, so that the database groups by numbers)
    and the time point: (``by``'s values and then ``labels``', time point,
    ``suppression.ResponseSum``) per group. ``labels`` are paths that ``by`` decides (a
    name for an id). Cells with no invitation sent count for nothing, as
    ``ResponseSum.add`` leaves them out.

    A group of whole regions sums the region totals (``RateTotal``: the same cells
    already added up by phase, LA and MHST area), unless ``totals`` is false (a breakdown
    by cohort). None when the released counts were not drawn with today's threshold and
    key (the caller draws for each cell). Two or three queries (``fresh`` false: the
    caller has worked the stale cohorts out, one less)."""
    if fresh:
        cells_fresh()
    least = conf.min_cell()
    drawn = Exists(_drawn_with(least))
    regions = whole_regions(group) if totals else None
    if regions is not None:
        rows = _of_audience(_in_regions(RateTotal.objects, regions), group)
        sums = {
            "cells": Sum("cells"),
            "invited": Sum("invited"),
            "released": Sum("released"),
            "large": Sum("large"),
        }
    else:
        rows = _of_group(SurveyCell.objects.filter(invited__gt=0), group)
        sums = _cell_sums(least)
    rows = rows.values_list(*by, "time_point").annotate(
        *(Min(path) for path in labels), **sums, drawn=drawn
    )
    found, width = [], len(by)
    for row in rows.order_by():
        *named, cells, invited, released, large, is_drawn = row
        if not is_drawn:
            return None
        key = (*named[:width], *named[width + 1 :])
        total = suppression.ResponseSum.of(
            cells=cells, invited=invited, released=released, large=large
        )
        found.append((key, named[width], total))
    return found


def cohort_rate_sums(group: ReportGroup) -> Iterator[tuple] | None:
    """``rate_sums`` by cohort, streamed as the database reads them, in the order of the
    report's rows by cohort (phase start, name in code point order as Python sorts it,
    id; then the time point): ((cohort id, name, phase, phase start), time point,
    ``suppression.ResponseSum``). None when the released counts were not drawn with
    today's threshold and key. For an export of every cohort's rows (35,760 at 10x) that
    writes each as it is read."""
    cells_fresh()
    least = conf.min_cell()
    if not _drawn_with(least).exists():
        return None
    rows = (
        _of_group(SurveyCell.objects.filter(invited__gt=0), group)
        .values_list("cohort_id", "time_point")
        .annotate(
            name=Min(Collate("cohort__name", "C")),
            phase=Min("cohort__phase__name"),
            start=Min("cohort__phase__start_date"),
            **_cell_sums(least),
        )
        .order_by("start", Collate("name", "C"), "cohort_id", "time_point")
    )
    return (
        (
            (cohort_id, name, phase, start),
            time_point,
            suppression.ResponseSum.of(
                cells=cells, invited=invited, released=released, large=large
            ),
        )
        for cohort_id, time_point, name, phase, start, cells, invited, released, large in (
            rows.iterator(chunk_size=2000)
        )
    )


def pair_sums(group: ReportGroup, *, time_a: str, time_b: str) -> tuple[dict, dict]:
    """The paired change per question code and per outcome from ``time_a`` to ``time_b``,
    summed over the group's cells of at least the threshold at both (three queries)."""
    cells_fresh()
    least = conf.min_cell()
    regions = whole_regions(group)
    if regions is not None:
        found = _of_audience(_in_regions(PairTotal.objects, regions), group)
    else:
        found = _of_group(PairCell.objects, group).filter(size_a__gte=least, size_b__gte=least)
    rows = (
        found.filter(time_a=time_a, time_b=time_b)
        .values("code", "outcome")
        .annotate(n=Sum("pairs"), a=Sum("sum_a"), b=Sum("sum_b"), d=Sum("sum_d"), d2=Sum("sum_d2"))
        .order_by()
    )
    by_code: dict[str, PairedChange] = {}
    by_outcome: dict[str, PairedChange] = {}
    for row in rows:
        change = paired_change_from_sums(
            n=row["n"], sum_a=row["a"], sum_b=row["b"], sum_d=row["d"], sum_d2=row["d2"]
        )
        if row["code"]:
            by_code[row["code"]] = change
        else:
            by_outcome[row["outcome"]] = change
    return by_code, by_outcome


def outcome_sums(group: ReportGroup, *, time_a: str, time_b: str) -> QuerySet:
    """(cohort id, outcome, pairs, sum_a, sum_b, sum_d, sum_d2) of each cohort's paired
    change per outcome from ``time_a`` to ``time_b``, from its cells of at least the
    threshold at both (two queries): what ``pair_sums`` adds up, cohort by cohort, for a
    report that puts each cohort in rows of its own (the funnel)."""
    cells_fresh()
    least = conf.min_cell()
    found = _of_group(PairCell.objects.filter(code="", size_a__gte=least, size_b__gte=least), group)
    return found.filter(time_a=time_a, time_b=time_b).values_list(
        "cohort_id", "outcome", "pairs", "sum_a", "sum_b", "sum_d", "sum_d2"
    )


def answer_counts(group: ReportGroup, *, kinds) -> QuerySet:
    """(time point, code, value, answers) summed over the group's cells of at least the
    threshold, for questions of ``kinds`` (free text: value "", written answers); three
    queries."""
    cells_fresh()
    regions = whole_regions(group)
    if regions is not None:
        found = _of_audience(_in_regions(AnswerTotal.objects, regions), group)
    else:
        found = _of_group(AnswerCell.objects, group).filter(cell_size__gte=conf.min_cell())
    return (
        found.filter(kind__in=kinds)
        .values_list("time_point", "code", "value")
        .annotate(n=Sum("answers"))
        .order_by()
    )


def respondents(group: ReportGroup) -> dict[str, int]:
    """Submitted responses per time point in the group's cells of at least the threshold."""
    cells_fresh()
    rows = (
        _of_group(SurveyCell.objects.filter(submitted__gte=conf.min_cell()), group)
        .values_list("time_point")
        .annotate(n=Sum("submitted"))
        .order_by()
    )
    return dict(rows)


def pooled(path: str = "response__"):
    """Whether the response at ``path`` is in a cell of at least the threshold: the cells'
    form of ``pooled_responses``, a lookup per response instead of a window over all."""
    return Exists(
        SurveyCell.objects.filter(
            cohort_id=OuterRef(f"{path}cohort_id"),
            audience=OuterRef(f"{path}questionnaire__audience"),
            time_point=OuterRef(f"{path}time_point"),
            submitted__gte=conf.min_cell(),
        )
    )


def funnel_sums(group: ReportGroup, *, time_a: str, time_b: str) -> tuple[list, list] | None:
    """The group's response figures and paired sums per outcome added up per row of the
    programme funnel: by region, LA and funnel area (each cohort's cells whole in one row,
    ``SurveyCell.funnel_area``). Returns (``[((region, LA id, area id), time point,
    suppression.ResponseSum)]``, ``[(region, LA id, area id, outcome, pairs, sum_a, sum_b,
    sum_d, sum_d2)]``), each cohort's cells counted as ``rate_sums`` and ``outcome_sums``
    count them; None when the released counts were not drawn with today's threshold and
    key. A group of whole regions adds up the totals (``RateTotal``, ``PairAreaTotal``):
    rows per area, however many cohorts (the funnel added up 130,000 cell rows at 10x)."""
    rates = rate_sums(group, ("region", "local_authority_id", "funnel_area_id"))
    if rates is None:
        return None
    least = conf.min_cell()
    regions = whole_regions(group)
    if regions is not None:
        found = _of_audience(_in_regions(PairAreaTotal.objects, regions), group)
    else:
        found = _of_group(
            PairCell.objects.filter(code="", size_a__gte=least, size_b__gte=least), group
        )
    pairs = (
        found.filter(time_a=time_a, time_b=time_b)
        .values_list("region", "local_authority_id", "funnel_area_id", "outcome")
        .annotate(Sum("pairs"), Sum("sum_a"), Sum("sum_b"), Sum("sum_d"), Sum("sum_d2"))
        .order_by()
    )
    return rates, list(pairs)
