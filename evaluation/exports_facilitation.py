"""The facilitation engagements' CASCADE ratings as spreadsheet tables, figures already
suppressed by ``evaluation.selectors.facilitation`` (a hidden one written as the words that
stand for it), beside the cohorts' tables of ``evaluation.exports``."""

from collections.abc import Iterator

RATES_TABLE = "Stakeholder ratings, response"
#: (Sheet titles: at most 31 characters, no colon.)
CHANGE_TABLE = "Stakeholder ratings, change"
#: A change row's figures, in the columns' order.
FIGURES = ("pairs", "mean_a", "mean_b", "mean_change", "ci_low", "ci_high")


def cascade_rates_rows(cascade: dict) -> Iterator[list]:
    yield ["Time point", "Engagements", "Stakeholders asked", "Rated", "Rate (%)"]
    for row in cascade["rates"]:
        yield [
            row["time_point"],
            cascade["engagements"],
            row["asked"],
            row["rated"].export(),
            row["rate"].export(),
        ]


def cascade_change_rows(cascade: dict) -> Iterator[list]:
    yield [
        "CASCADE area",
        "Code",
        f"Rated at {cascade['time_a'].lower()}",
        f"Rated at {cascade['time_b'].lower()}",
        "Pairs",
        "Mean at start",
        "Mean at end",
        "Mean change",
        "95% CI low",
        "95% CI high",
    ]
    rated = {area["area"]: area["rated"] for area in cascade["areas"]}
    for row in cascade["changes"]:
        at = [cell.export() for cell in rated[row.key]] if row.key in rated else ["", ""]
        yield [
            row.label,
            row.key,
            *at,
            *(getattr(row, name).export() for name in FIGURES),
        ]


def cascade_tables(cascade: dict) -> dict[str, list]:
    return {
        RATES_TABLE: list(cascade_rates_rows(cascade)),
        CHANGE_TABLE: list(cascade_change_rows(cascade)),
    }
