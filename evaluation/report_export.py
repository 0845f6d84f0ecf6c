"""The evaluation report's tables as the spreadsheets give them (every cohort's response
rates, the paired change, the answers and the facilitation engagements' CASCADE ratings),
from the report's filters and the user's areas: for the page's own downloads and for a
worker building a large XLSX (``linkprog.exports``)."""

from collections.abc import Iterable

from evaluation.exports import change_rows, distribution_rows, rates_rows_streamed
from evaluation.exports_facilitation import cascade_tables
from evaluation.filters import COHORTS, FACILITATION, ReportFilter
from evaluation.models import TimePoint
from evaluation.selectors import (
    ReportGroup,
    answer_distributions,
    paired_changes,
)
from evaluation.selectors.facilitation import (
    cascade_ratings,
    engagements_filtered,
    reportable_engagements,
)
from evaluation.selectors.rates import BREAKDOWNS

#: The first column of the response rates table's rows of one cohort.
COHORT_COLUMN = {key: column for key, _, column in BREAKDOWNS}["cohort"]
INVALID = {"Response rates": [["The filters are not valid: nothing to export."]]}


def report_cascade(filterset: ReportFilter, options: dict, *, scope) -> dict | None:
    """The facilitation engagements' CASCADE ratings in ``scope`` and the area filters,
    unless the delivery model asked for is the cohorts'."""
    if options.get("delivery_model") == COHORTS:
        return None
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    return cascade_ratings(engagements_filtered(reportable_engagements(scope=scope), data))


def report_tables(
    filterset: ReportFilter, *, scope, only: str | None = None
) -> dict[str, Iterable[list]]:
    """Each table of the report (title: rows, the first the header), hidden figures as on
    the page; one saying the filters are not valid when they are not. ``only``: the title
    of the one table wanted (a CSV download), worked out alone when it is one of the
    cohorts' (the national rates CSV worked out the change and the answers too)."""
    group, options = filterset.report_group()
    if group is None:
        return INVALID
    if options.get("delivery_model") == FACILITATION:
        makers = {}
    else:
        makers = {
            "Response rates": lambda: rates_rows_streamed(group),
            "Paired change": lambda: change_rows(
                paired_changes(group, time_a=options["time_a"], time_b=options["time_b"])
            ),
            "Answers": lambda: distribution_rows(answer_distributions(group)),
        }
    if only in makers:
        return {only: makers[only]()}
    tables = {title: make() for title, make in makers.items()}
    if (cascade := report_cascade(filterset, options, scope=scope)) is not None:
        tables.update(cascade_tables(cascade))
    return tables


def report_rows(group: ReportGroup) -> int:
    """How many rows of each cohort's response rate at each time point the report has at
    most (its largest table; one query; a cohort nobody was sent a survey from has none):
    the size that sends its XLSX to a worker, and the rows the worker counts as it writes
    them."""
    return group.cohorts.count() * len(TimePoint)
