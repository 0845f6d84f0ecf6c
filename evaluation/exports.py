"""The evaluation reports as spreadsheets: the aggregates shown on the page, and the
anonymised responses. Every figure comes already suppressed from ``evaluation.selectors``
(a hidden one is written as the words that stand for it); every cell goes through
``spreadsheet_safe``."""

from collections.abc import Iterable, Iterator

from core.spreadsheets import csv_stream_response
from evaluation.selectors.rates import cohort_rates, response_rates


def _rate_rows(column: str, group: str, time_points: list, cells) -> Iterator[list]:
    """One group's rows of the response rates table: a row per time point."""
    for time_point, cell in zip(time_points, cells, strict=True):
        yield [column, group, time_point, cell.invited, cell.responded.export(), cell.rate.export()]


def rates_rows(rates: dict) -> Iterator[list]:
    yield ["Breakdown", "Group", "Time point", "Invitations sent", "Responses", "Rate (%)"]
    time_points = [label for _, label in rates["time_points"]]
    yield from _rate_rows("All", "All", time_points, rates["total"])
    for breakdown in rates["breakdowns"]:
        for row in breakdown["rows"]:
            yield from _rate_rows(breakdown["column"], row["label"], time_points, row["cells"])


def rates_rows_streamed(group) -> Iterator[list]:
    """``rates_rows(response_rates(group))``, with the rows by cohort written as the report
    cells are read (every cohort in the country at a national scope): the areas' rows are
    worked out first, then each cohort's as it comes."""
    cohorts = cohort_rates(group)
    if cohorts is None:
        yield from rates_rows(response_rates(group))
        return
    rates = response_rates(group, cohort_rows_max=0)  # the rows by cohort come below
    yield from rates_rows(rates)
    time_points = [label for _, label in rates["time_points"]]
    column = rates["breakdowns"][-1]["column"]
    for label, cells in cohorts:
        yield from _rate_rows(column, label, time_points, cells)


def change_rows(change: dict) -> Iterator[list]:
    yield [
        "Outcome or question",
        "Code",
        "From",
        "To",
        "Pairs",
        "Mean at start",
        "Mean at end",
        "Mean change",
        "95% CI low",
        "95% CI high",
    ]
    for kind, rows in (("Outcome", change["outcomes"]), ("Question", change["questions"])):
        for row in rows:
            yield [
                f"{kind}: {row.label}",
                row.key,
                change["time_a"],
                change["time_b"],
                *(
                    cell.export()
                    for cell in (
                        row.pairs,
                        row.mean_a,
                        row.mean_b,
                        row.mean_change,
                        row.ci_low,
                        row.ci_high,
                    )
                ),
            ]


def distribution_rows(distributions) -> Iterator[list]:
    yield ["Code", "Question", "Time point", "Answer", "Respondents"]
    for distribution in distributions:
        for at in distribution.time_points:
            for (_, label), cell in zip(distribution.values, at["cells"], strict=True):
                yield [distribution.code, distribution.text, at["time_point"], label, cell.export()]
            yield [
                distribution.code,
                distribution.text,
                at["time_point"],
                "All answers",
                at["total"].export(),
            ]


def csv_response(rows: Iterable[Iterable], filename: str):
    return csv_stream_response(rows, filename, bom=True)


#: A funnel row's change where nobody in the area has been sent a survey.
NO_SURVEY = "no survey"


def funnel_rows(funnel: dict) -> Iterator[list]:
    """The programme funnel: a row for all areas, then one per region, LA and MHST area;
    per outcome the pairs, mean change and its 95% CI; hidden figures as on the page."""
    change_columns = [
        f"{outcome}: {what}"
        for outcome in funnel["outcomes"]
        for what in ("pairs", "mean change", "95% CI low", "95% CI high")
    ]
    yield [
        "Breakdown",
        "Area",
        *funnel["stages"],
        *(f"Responded: {label}" for label in funnel["time_points"]),
        *change_columns,
    ]
    rows = [("All", funnel["total"])]
    rows += [(b["column"], row) for b in funnel["breakdowns"] for row in b["rows"]]
    for breakdown, row in rows:
        yield [
            breakdown,
            row.label,
            *row.stages,
            *(cell.export() for cell in row.responded),
            *(
                cell.export() if row.surveyed else NO_SURVEY
                for change in row.change
                for cell in (change.pairs, change.mean_change, change.ci_low, change.ci_high)
            ),
        ]
