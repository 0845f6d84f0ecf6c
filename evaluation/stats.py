"""The statistics the evaluation reports rest on, kept apart from the database.

Paired change: each person answered at two time points, A and B. Their difference is
B − A. The report gives the number of pairs, the mean at A and at B, the mean of the
differences and its 95% confidence interval, mean ± t(0.975, n − 1) × sd / √n, where sd is
the sample standard deviation of the differences (n − 1 in the denominator) and t comes from
Student's t distribution (scipy). One pair has no spread, so no interval.
"""

import functools
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from scipy import stats as scipy_stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class PairedChange:
    """The paired change of ``n`` pairs; every figure is None when there are no pairs, and
    ``sd``/``ci_low``/``ci_high`` are None for a single pair."""

    n: int
    mean_a: float | None = None
    mean_b: float | None = None
    mean_change: float | None = None
    sd: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@functools.lru_cache(maxsize=4096)
def t_critical(df: int, confidence: float = CONFIDENCE) -> float:
    """The two-sided critical value of Student's t with ``df`` degrees of freedom (kept
    once worked out: a report asks for the same few hundred, and scipy takes 0.1 ms each)."""
    return float(scipy_stats.t.ppf(1 - (1 - confidence) / 2, df))


def paired_change(pairs: Iterable[tuple[float, float]]) -> PairedChange:
    """Mean change from A to B over ``pairs`` of (value at A, value at B), with its 95% CI."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return PairedChange(n=0)
    differences = [b - a for a, b in pairs]
    mean_change = statistics.fmean(differences)
    mean_a = statistics.fmean(a for a, _ in pairs)
    mean_b = statistics.fmean(b for _, b in pairs)
    if n < 2:
        return PairedChange(n=n, mean_a=mean_a, mean_b=mean_b, mean_change=mean_change)
    return _with_interval(n, mean_a, mean_b, mean_change, statistics.stdev(differences))


def _with_interval(n: int, mean_a: float, mean_b: float, mean_change: float, sd: float):
    half_width = t_critical(n - 1) * sd / math.sqrt(n)
    return PairedChange(
        n=n,
        mean_a=mean_a,
        mean_b=mean_b,
        mean_change=mean_change,
        sd=sd,
        ci_low=mean_change - half_width,
        ci_high=mean_change + half_width,
    )


def paired_change_from_sums(
    *, n: int, sum_a: float, sum_b: float, sum_d: float, sum_d2: float
) -> PairedChange:
    """``paired_change`` from the sums over the pairs of a, b, d = b − a and d², which add
    up over groups (the report cells): sd² = (Σd² − (Σd)²/n) / (n − 1). With whole-number
    sums (scores of single questions) the variance is worked out exactly."""
    if n == 0:
        return PairedChange(n=0)
    mean_change = sum_d / n
    mean_a, mean_b = sum_a / n, sum_b / n
    if n < 2:
        return PairedChange(n=n, mean_a=mean_a, mean_b=mean_b, mean_change=mean_change)
    if float(sum_d).is_integer() and float(sum_d2).is_integer():
        squares = Fraction(n * int(sum_d2) - int(sum_d) ** 2, n * (n - 1))
    else:
        squares = max(0.0, (sum_d2 - sum_d * sum_d / n) / (n - 1))
    return _with_interval(n, mean_a, mean_b, mean_change, math.sqrt(squares))
