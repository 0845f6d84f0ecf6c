"""The one place that decides whether a figure of the evaluation reports may be shown.

Rule 1 (primary suppression). A figure that rests on fewer than ``conf.min_cell()``
respondents (5) is never shown: not a count, a response rate, a mean, a confidence interval,
a count of answers, nor a free-text answer. It is shown as “fewer than 5” (blank in a
chart). A count of 0 is fewer than 5 too: “nobody answered no” tells everyone what each
respondent answered.

Rule 2 (secondary suppression). Where a row of counts is shown with its total (the answers
to one question at one time point; the respondents of each phase, area or cohort beside the
respondents of all of them), a hidden count could be worked out as the total less the counts
shown. So, within that row, more counts are hidden (“hidden”, the smallest first) until no
hidden count can be pinned down from the total, the counts shown, and what the labels say
(a “fewer than 5” is 0–4; a “hidden” count is at least 5). If even hiding every count leaves
one pinned, the total is hidden as well. ``suppress_row`` does this.

Rule 3 (pooling, against differencing two reports). The answers of an LA with two cohorts,
less those of one cohort, would be the other cohort's answers, though that cohort's own report
is all hidden; a cohort's answers less its school staff's would be its professionals'. So
answers count in a figure only from cells (one cohort, one audience, one time point) of at
least 5 submitted responses (``evaluation.selectors.reports.pooled_responses``): every filter
is a union of such cells, so any difference of two reports is one too.

What is not covered, and why it matters:

- Response counts linked other than through the one total: a local authority's response
  count could be worked out as its region's count less the other LAs' counts shown (a
  cohort's from its LA, phase or MHST area the same way). What leaks is how many responded,
  not what anyone answered; rule 3 is not applied to response rates, which count everyone.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from evaluation import conf

SMALL = "small"
SECONDARY = "secondary"
HIDDEN_LABEL = "hidden"


def min_cell() -> int:
    return conf.min_cell()


def is_small(respondents: int | None) -> bool:
    """True when a figure resting on ``respondents`` people must not be shown."""
    return respondents is None or respondents < min_cell()


def small_label() -> str:
    return f"fewer than {min_cell()}"


@dataclass(frozen=True)
class Cell:
    """A figure as a report shows it: ``value`` is None when the figure is hidden, and
    ``reason`` then says why (SMALL: under the threshold; SECONDARY: hidden so that a small
    one cannot be worked out)."""

    value: int | float | None
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.reason)

    @property
    def label(self) -> str:
        if self.reason == SMALL:
            return small_label()
        if self.reason == SECONDARY:
            return HIDDEN_LABEL
        return ""

    def export(self):
        """The value for a spreadsheet cell: the figure, or the words that stand for it."""
        return self.label if self.hidden else self.value

    def __str__(self) -> str:
        return self.label if self.hidden else str(self.value)


def shown(value) -> Cell:
    return Cell(value)


def hidden_small() -> Cell:
    return Cell(None, SMALL)


def hidden_secondary() -> Cell:
    return Cell(None, SECONDARY)


def guarded(value, *, respondents: int | None) -> Cell:
    """``value`` (a mean, a rate, an interval end) shown only if ``respondents`` ≥ the
    threshold (rule 1)."""
    return hidden_small() if is_small(respondents) else Cell(value)


def count(respondents: int) -> Cell:
    """A count of respondents on its own (rule 1)."""
    return guarded(respondents, respondents=respondents)


def _pinned(reasons: list[str], counts: Sequence[int], total: int) -> bool:
    """Whether any hidden count follows from the total, the shown counts and the labels."""
    small_max = min_cell() - 1
    hidden = [i for i, reason in enumerate(reasons) if reason]
    if not hidden:
        return False
    rest = total - sum(c for c, reason in zip(counts, reasons, strict=True) if not reason)
    bounds = {i: (0, small_max) if reasons[i] == SMALL else (min_cell(), total) for i in hidden}
    low_sum = sum(low for low, _ in bounds.values())
    high_sum = sum(high for _, high in bounds.values())
    for low, high in bounds.values():
        least = max(low, rest - (high_sum - high))
        most = min(high, rest - (low_sum - low))
        if least >= most:
            return True
    return False


def suppress_row(counts: Sequence[int], total: int | None = None) -> tuple[list[Cell], Cell]:
    """Cells for ``counts`` and for their ``total`` (their sum unless given), with rule 1 and
    then rule 2 applied. A total under the threshold hides the whole row."""
    total = sum(counts) if total is None else total
    if is_small(total):
        return [hidden_small() for _ in counts], hidden_small()
    reasons = [SMALL if is_small(c) else "" for c in counts]
    while _pinned(reasons, counts, total):
        candidates = [i for i, reason in enumerate(reasons) if not reason]
        if not candidates:
            return [Cell(None, reason) for reason in reasons], hidden_secondary()
        smallest = min(candidates, key=lambda i: counts[i])
        reasons[smallest] = SECONDARY
    cells = [
        Cell(None, reason) if reason else Cell(c) for c, reason in zip(counts, reasons, strict=True)
    ]
    return cells, Cell(total)
