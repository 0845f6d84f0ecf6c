"""Template filters for the figures pages show."""

import math
from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def share_of(part: int | None, whole: int | None) -> str:
    """``part`` as a percentage of ``whole``, precise enough that a small share is not shown
    as 0%: "45%", "1.1%", "0.04%", "under 0.01%". Rounded down, so 100% means all of it.
    Empty when there is no whole to compare with."""
    if not whole or part is None:
        return ""
    value = Fraction(100 * part, whole)  # exact: 0.29% must not show as 0.28%
    if value == 0:
        return "0%"
    if value >= 10:
        return f"{math.floor(value)}%"
    decimals = 1 if value >= 1 else 2
    shown = Fraction(math.floor(value * 10**decimals), 10**decimals)
    return f"{float(shown):g}%" if shown else "under 0.01%"
