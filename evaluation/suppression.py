"""The one place that decides whether a figure of the evaluation reports may be shown.

Rule 1 (primary suppression). A figure that rests on fewer than ``conf.min_cell()``
respondents (5) is never shown: not a count, a response rate, a mean, a confidence interval,
a count of answers, nor a free-text answer. It is shown as “fewer than 5” (blank in a
chart). A count of 0 is fewer than 5 too: “nobody answered no” tells everyone what each
respondent answered.

Rule 2 (secondary suppression, answer counts). Where a row of answer counts is shown with its
total (the answers to one question at one time point), a hidden count could be worked out as
the total less the counts shown. So, within that row, more counts are hidden (“hidden”, the
smallest first) until no hidden count can be pinned down from the total, the counts shown,
and what the labels say (a “fewer than 5” is 0–4; a “hidden” count is at least 5). If even
hiding every count leaves one pinned, the total is hidden as well. ``suppress_row`` does this.

Rule 3 (pooling answers, against differencing two reports). The answers of an LA with two
cohorts, less those of one cohort, would be the other cohort's answers, though that cohort's
own report is all hidden; a cohort's answers less its school staff's would be its
professionals'. So answers count in a figure only from cells (one cohort, one audience, one
time point) of at least 5 submitted responses
(``evaluation.selectors.groups.pooled_responses``): every filter is a union of such cells,
so any difference of two reports is one too.

Rule 4 (response counts: each small cell counts as 0 or 5, fixed once). Response rates must
count everyone, so response counts cannot leave small cells out as rule 3 does. Instead every
response count is a sum over the same cells (one cohort, one audience, one time point: the
smallest group that any filter, breakdown, coordinator's scope or export can single out), and
each cell counts in every figure for one fixed number (``released_count``):

- a cell of 5 or more submitted responses counts for its own count;
- a cell of fewer than 5 counts for 0 or for 5, whichever a draw fixed for that cell gives
  (an HMAC of the cell under the secret key, so every page, export and day shows the same),
  with odds that keep every total right on average: a cell of 3 counts as 5 three times in
  five. A cell never counts for more than its invitations (with fewer than 5 sent, 0 or the
  number sent; with one sent, always 0), so no rate goes over 100% and the count sent
  narrows nothing.

A figure is the sum of its cells' numbers, so any sum or difference of figures (a total less
its other rows, a region less its LAs, both audiences less one, the dashboard less the report,
the report less the row-level export, which holds cells of 5 or more only and those exactly)
is a sum or difference of those fixed numbers. The most anyone can learn of a small cell is
that it counted as 0 (so it had 0–4 responses) or as 5 (1–4): never how many. A responses
figure is shown only if at least one of its cells has 5 or more responses; otherwise it reads
“fewer than 5” (one cell) or “hidden” (several cells, each under 5). Whether a cell reaches
5 is no secret (rule 3 already shows it), so these labels give nothing away.

Invitations sent are shown exactly: coordinators know whom they invited, and a count of
people asked says nothing of who answered. A response rate is the responses figure shown
divided by the invitations shown, in whole per cent, and is shown when the responses figure
is; it says nothing that those two do not.

Why not round every figure to base 5, as ONS and DfE publications do: a figure rounded on its
own carries its own error, and errors can be lined up. The row-level export counts cells of 5
or more exactly. Cohorts of 12 and 24 and a small one of 4: the total 40 shows as 40, so it
is 38 to 42 and the small cohort 2 to 6, that is 2 to 4. Cohorts of 10 and 24 and one of 4:
the total 38 also shows as 40, and the small cohort is 4 to 8: exactly 4. A small count is
pinned whenever its total was rounded by 2 the wrong way, one time in five. Without the
export, three rounded figures do the same when their errors all fall at their ends (a total
of 23 shown as 25, cohorts of 12 and 7 shown as 10 and 5: the third is at least 23 − 12 − 7
= 4). Each cell counted once, before anything is added, leaves no second error to line up;
and cells of 5 or more stay exact, so a figure is out only by its small cells, each by at
most 4 and on average not at all.

Rule 5 (the row-level export, for evaluators). Each row is one submitted response from a
cell of 5 or more (rule 3), so a cohort key always stands for at least 5 people at a time
point. The person and the cohort are keyed hashes (``Pseudonyms``): HMAC-SHA256 of Link's
id under a random key made for that one export and never stored, so a person's time points
pair up within the export and no two exports (nor Link's ids) can be joined. The LA is
named only where at least 5 people of the export are in it. The month of submission is
given only where at least 5 responses of the row's cell share it; where the months left out
of a cell would be fewer than 5 rows, the cell's smallest months are left out too
(``release_months``), so a month left out never narrows a row to fewer than 5.

What is not covered, and why it matters:

- Answer counts inside cells of 5 or more. Rule 3 makes every answer-based figure a union of
  whole cells of at least 5 responses, but within such a cell the people who gave one answer,
  answered one question, or answered at both of two time points can be fewer than 5, and one
  figure less another gives their number: an LA's “yes” count less its other cohort's is
  the small cohort's “yes” count, though its own row hides it. Means and confidence intervals
  are computed from the exact answers and, to three decimals, can reveal how many pairs they
  rest on.
- Who did not respond. Invitations are exact and a cell of 5 or more is exact, so “all 6
  responded” can be read off; the outbox lists each survey reminder, sent only to those who
  had not answered within 7 days.
- Time. A cell that reaches 5 shows its count from then on (before, it counted as 0 or 5). A
  new secret key draws every small cell again: figures taken before and after a key change
  give two draws of the same cell instead of one.
"""

import hashlib
import hmac
import secrets
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.conf import settings
from django.utils.crypto import salted_hmac

from core.suppression import (  # noqa: F401 - rules 1 and 2, shared with other reports
    HIDDEN_LABEL,
    SECONDARY,
    SMALL,
    Cell,
    count,
    guarded,
    hidden_secondary,
    hidden_small,
    is_small,
    min_cell,
    shown,
    small_label,
    suppress_row,
)

# --- Response counts (rule 4) -------------------------------------------------------------


#: The salt of ``_draw``'s keyed hash (``django.utils.crypto.salted_hmac``).
DRAW_SALT = "evaluation.suppression.released_count"


def _draw(cell: str) -> int:
    """A 64-bit number fixed for ``cell`` and unknowable without the secret key: the draw
    is this over 2**64, a number in [0, 1)."""
    return _keyed_draw(cell, settings.SECRET_KEY)


@lru_cache(maxsize=100_000)
def _keyed_draw(cell: str, secret: str) -> int:
    """``_draw`` under ``secret``, kept: a national report draws for thousands of cells."""
    digest = salted_hmac(DRAW_SALT, cell, secret=secret, algorithm="sha256")
    return int.from_bytes(digest.digest()[:8], "big")


def draw_pads(secret: str | None = None) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of ``_draw``'s HMAC-SHA256 (RFC 2104), so that the
    database works out the same draw as ``sha256(outer || sha256(inner || cell))`` without
    being given the secret key (``evaluation.cells``)."""
    secret = settings.SECRET_KEY if secret is None else secret
    key = hashlib.sha256(DRAW_SALT.encode() + secret.encode()).digest().ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def draw_key_id(secret: str | None = None) -> str:
    """Names the key of the draws (not the key itself): what the report cells' released
    counts were drawn with (``CellThreshold.key_id``)."""
    inner, _ = draw_pads(secret)
    return hashlib.sha256(b"key id:" + inner).hexdigest()[:16]


def released_count(responded: int, invited: int, *, cell: str, least: int | None = None) -> int:
    """The number of responses that ``cell`` (one cohort, one audience, one time point, named
    by a string of its own) counts for in every figure: ``responded`` when that is at least
    the threshold, otherwise 0 or ``min(threshold, invited)``, the larger with probability
    ``responded / min(threshold, invited)`` over the cell's fixed draw (rule 4). ``least``
    is the threshold when the caller has read it already."""
    least = min_cell() if least is None else least
    if responded >= least:
        return responded
    most = min(least, invited)
    if most < 2:
        return 0
    # The draw over 2**64, times ``most``, under ``responded``: in whole numbers, exactly
    # as the database works it out for the report cells.
    return most if _draw(cell) * most < responded << 64 else 0


@dataclass(frozen=True)
class ResponseCell:
    """The submitted responses and the invitations sent of one cohort, for one audience, at
    one time point."""

    cohort_id: int
    audience: str
    time_point: str
    responded: int
    invited: int
    #: The threshold, when the caller read it once for many cells (reading the setting for
    #: each of a national report's thousands of cells costs more than the rest).
    least: int | None = field(default=None, compare=False, repr=False)

    @property
    def _least(self) -> int:
        return min_cell() if self.least is None else self.least

    @property
    def small(self) -> bool:
        return self.responded < self._least

    @cached_property
    def released(self) -> int:
        """What the cell counts for; worked out once per cell, though a report sums each
        cell into every breakdown it appears in."""
        key = f"{self.cohort_id}:{self.audience}:{self.time_point}"
        return released_count(self.responded, self.invited, cell=key, least=self._least)


def responses(cells: Iterable[ResponseCell]) -> Cell:
    """The responses figure of a group made of ``cells``: the sum of what each counts for,
    shown only if one of them has at least the threshold of responses (rule 4)."""
    total = ResponseSum()
    for cell in cells:
        total.add(cell)
    return total.figure()


class ResponseSum:
    """``responses`` built up one cell at a time, for a report that adds each cell into
    several figures (the total and a row of each breakdown); ``invited`` is the sum of the
    cells' invitations."""

    __slots__ = ("cells", "large", "released", "invited")

    def __init__(self) -> None:
        self.cells = self.large = self.released = self.invited = 0

    def add(self, cell: ResponseCell) -> None:
        if cell.invited:
            self.add_counts(cell.invited, cell.released, not cell.small)

    def add_counts(self, invited: int, released: int, large: bool) -> None:
        """Add a cell of ``invited`` invitations that counts for ``released`` (``large``:
        of at least the threshold)."""
        self.cells += 1
        self.invited += invited
        self.released += released
        self.large += large

    @classmethod
    def of(cls, *, cells: int, invited: int, released: int, large: int) -> "ResponseSum":
        """The sum of ``cells`` cells, ``large`` of them of at least the threshold, added up
        elsewhere (in SQL, from the report cells)."""
        total = cls()
        total.cells, total.invited, total.released, total.large = cells, invited, released, large
        return total

    def add_sum(self, other: "ResponseSum") -> None:
        """Add the cells ``other`` was built up from."""
        self.cells += other.cells
        self.invited += other.invited
        self.released += other.released
        self.large += other.large

    def figure(self) -> Cell:
        if self.large:
            return Cell(self.released)
        return hidden_secondary() if self.cells > 1 else hidden_small()


# --- The row-level export (rule 5) --------------------------------------------------------


class Pseudonyms:
    """Keyed hashes for one export: ``pseudonyms("respondent", 42)`` is the same within
    this object and unrelated to any other's, because the key is random, made here and
    never stored or logged. 16 hex characters (64 bits): no two of a few million ids share
    one but by a chance of about one in a million."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def __call__(self, kind: str, pk: int) -> str:
        digest = hmac.new(self._key, f"{kind}:{pk}".encode(), hashlib.sha256)
        return digest.hexdigest()[:16]


def release_months(rows: Iterable[tuple[Hashable, Hashable, str]]) -> dict[Hashable, Cell]:
    """The month each row may show, from (row, cell, month) triples: the month where at
    least the threshold of the cell's rows share it; otherwise hidden (SMALL), and where
    the hidden rows of a cell would be fewer than the threshold, its smallest shown months
    hidden too (SECONDARY) until they are not, or none is shown (rule 5)."""
    by_cell: dict[Hashable, list[tuple[Hashable, str]]] = defaultdict(list)
    for row, cell, month in rows:
        by_cell[cell].append((row, month))
    sizes = {cell: Counter(month for _, month in members) for cell, members in by_cell.items()}
    released = release_month_counts(sizes)
    return {
        row: released[cell, month] for cell, members in by_cell.items() for row, month in members
    }


def release_month_counts(sizes: dict[Hashable, Counter]) -> dict[tuple[Hashable, str], Cell]:
    """``release_months`` from counts, for exports too large to hold their rows: for each
    cell, how many of its rows fall in each month; gives each (cell, month) what its rows
    may show."""
    released: dict[tuple[Hashable, str], Cell] = {}
    for cell, months in sizes.items():
        reasons = {month: SMALL if is_small(n) else "" for month, n in months.items()}
        hidden_rows = sum(months[m] for m, reason in reasons.items() if reason)
        shown_months = sorted((m for m, reason in reasons.items() if not reason), key=months.get)
        while 0 < hidden_rows < min_cell() and shown_months:
            smallest = shown_months.pop(0)
            reasons[smallest] = SECONDARY
            hidden_rows += months[smallest]
        for month, reason in reasons.items():
            released[cell, month] = Cell(None, reason) if reason else Cell(month)
    return released
