"""Dates that work for schools: a workshop on a weekend or an English bank holiday is
flagged, and the coordinator either moves it or says why it stands (issue 13, item 5).

Bank holidays come from the ``holidays`` package (England's), so no list is kept by hand.
LA term dates are not loaded yet: school holidays are not checked.
"""

from datetime import date
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=[year]).items())


def date_concerns(day: date) -> list[str]:
    """Why ``day`` may not suit schools (empty when it is an ordinary weekday)."""
    concerns = []
    if day.weekday() >= 5:
        concerns.append(f"{day:%A %-d %B %Y} is a {day:%A}")
    if name := _bank_holidays(day.year).get(day):
        concerns.append(f"{day:%A %-d %B %Y} is {name}, a bank holiday in England")
    return concerns
