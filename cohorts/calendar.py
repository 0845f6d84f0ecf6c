"""Dates that work for schools: a workshop on a weekend, an English bank holiday or (where
the LA's term dates are loaded) in a school holiday is flagged, and the coordinator either
moves it or says why it stands (issue 13, item 5).

Bank holidays come from the ``holidays`` package (England's), so no list is kept by hand.
Term dates are loaded per LA (``cohorts.services.terms``); an LA without them for the
school year of a date is not checked.
"""

from datetime import date
from functools import cache

import holidays
from django.db.models import Q

from cohorts.models import Cohort, SchoolTerm
from cohorts.terms import school_year_of
from core.dates import day as long_day


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


def cohort_local_authorities(cohort: Cohort) -> list:
    """The LAs whose term dates bind a cohort's schools: its LA, else its MHST area's."""
    if cohort.local_authority_id:
        return [cohort.local_authority]
    if cohort.mhst_area_id:
        return list(cohort.mhst_area.local_authorities.order_by("name"))
    return []


def school_holiday_concerns(days: list[date], *, local_authorities) -> dict[date, list[str]]:
    """Why each of ``days`` may be a school holiday: for each of ``local_authorities`` with
    term dates loaded for the school year of the day, a line when the day is in none of its
    terms (empty lists for days with no concern). One query, however many days."""
    years = {school_year_of(d) for d in days}
    in_years = Q()
    for first in years:
        in_years |= Q(first_day__gte=date(first, 9, 1), first_day__lte=date(first + 1, 8, 31))
    terms = (
        SchoolTerm.objects.filter(in_years, local_authority__in=local_authorities)
        .select_related("local_authority")
        .order_by("local_authority__name", "first_day")
    )
    by_la_and_year: dict = {}
    for term in terms:
        key = (term.local_authority, school_year_of(term.first_day))
        by_la_and_year.setdefault(key, []).append(term)
    return {d: _holiday_concerns(d, by_la_and_year) for d in days}


def _holiday_concerns(day: date, by_la_and_year: dict) -> list[str]:
    concerns = []
    for (la, year), held in by_la_and_year.items():
        if year != school_year_of(day) or any(t.first_day <= day <= t.last_day for t in held):
            continue
        between = [f"{t.name} ends {long_day(t.last_day)}" for t in held if t.last_day < day][-1:]
        between += [f"{t.name} starts {long_day(t.first_day)}" for t in held if t.first_day > day][
            :1
        ]
        concerns.append(
            f"{day:%A %-d %B %Y} is in the school holidays in {la.name} ({' and '.join(between)})"
        )
    return concerns
