"""The English school year by term, and the programme's four years (issue 13, item 1).

A school year runs from September to August in three terms. Link counts:

- autumn: 1 September to 31 December;
- spring: 1 January to Easter Sunday (so it ends in March or April with the Easter
  holiday, as most LAs' spring terms do);
- summer: Easter Monday to 31 August (teaching ends in July; the summer holiday belongs to
  the term before it, so every day of the year falls in exactly one term).

An LA's own term dates, where loaded, are finer (``cohorts.models.LATerm``); these terms
are for planning and reporting the rollout. The programme's first year is the school year
of the programme start (``cohorts.conf.programme_start``).
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.easter import easter

PROGRAMME_YEARS = 4
SEASONS = ("autumn", "spring", "summer")


@dataclass(frozen=True)
class Term:
    programme_year: int  # 1 to PROGRAMME_YEARS
    season: str  # one of SEASONS
    start: dt.date
    end: dt.date

    @property
    def school_year(self) -> str:
        first = self.start.year if self.season == "autumn" else self.start.year - 1
        return f"{first}/{(first + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """E.g. "Autumn 2019" (the calendar year the term falls in)."""
        return f"{self.season.capitalize()} {self.start.year}"

    @property
    def key(self) -> str:
        return f"{self.start.year}-{self.season}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def school_year_of(day: dt.date) -> int:
    """The calendar year a school year starts in: 2025 for any day from 1 September 2025 to
    31 August 2026."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_terms(first_year: int, *, programme_year: int = 1) -> list[Term]:
    """The three terms of the school year starting in September of ``first_year``."""
    easter_sunday = easter(first_year + 1)
    return [
        Term(programme_year, "autumn", dt.date(first_year, 9, 1), dt.date(first_year, 12, 31)),
        Term(programme_year, "spring", dt.date(first_year + 1, 1, 1), easter_sunday),
        Term(
            programme_year,
            "summer",
            easter_sunday + dt.timedelta(days=1),
            dt.date(first_year + 1, 8, 31),
        ),
    ]


def programme_terms(start: dt.date, *, years: int = PROGRAMME_YEARS) -> list[Term]:
    """The terms of the ``years`` school years from the one containing ``start``, in order."""
    first = school_year_of(start)
    return [
        term
        for offset in range(years)
        for term in school_year_terms(first + offset, programme_year=offset + 1)
    ]


def term_of(terms: list[Term], day: dt.date) -> Term | None:
    """The term of ``terms`` that ``day`` falls in (None outside them all)."""
    for term in terms:
        if day in term:
            return term
    return None
