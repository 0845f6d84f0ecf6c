"""Small-number hiding shared by every report of answers: a figure resting on fewer than
``min_cell()`` respondents (``LINK_SURVEY_MIN_CELL``, 5) is never shown, and where a row of
answer counts is shown with its total, more counts are hidden until no hidden one can be
worked out from the rest (``suppress_row``).

These are rules 1 and 2 of the evaluation's reports (``evaluation.suppression`` says why,
and adds the rules only its reports need); they live here so that an app beside the
evaluation (the facilitation's schools survey) hides small numbers the same way without
importing it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from core.conf import setting

#: Reports suppress any figure resting on fewer respondents than this.
DEFAULT_MIN_CELL = 5

SMALL = "small"
SECONDARY = "secondary"
HIDDEN_LABEL = "hidden"


def min_cell() -> int:
    return setting("LINK_SURVEY_MIN_CELL", DEFAULT_MIN_CELL)


def is_small(respondents: int | None) -> bool:
    """True when a figure resting on ``respondents`` people must not be shown."""
    return respondents is None or respondents < min_cell()


def small_label() -> str:
    return f"fewer than {min_cell()}"


@dataclass(frozen=True)
class Cell:
    """A figure as a report shows it: ``value`` is None when the figure is hidden, and
    ``reason`` then says why (SMALL: under the threshold; SECONDARY: hidden so that a small
    one cannot be worked out, or made only of small cells)."""

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
