"""The shape of the cohort programme, as data: up to 20 schools at a time, two whole-day
workshops (the sessions numbered 1 and 2 of the cohort's delivery) about six weeks apart
(``cohorts.conf.workshop_min_gap_days`` sets the warning), and a school completes when its
attendee was present at both, on the date of the last.

The sessions layer below (``workshops``) numbers sessions and records attendance; only
here is it said how many a cohort has and what being present at them means.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

#: A cohort is "up to 20 schools at a time": the programme's ceiling, not a setting.
MAX_COHORT_CAPACITY = 20


class WorkshopDay(models.IntegerChoices):
    """A cohort's workshop days: the numbers of its delivery's sessions."""

    DAY_1 = 1, _("Workshop 1")
    DAY_2 = 2, _("Workshop 2")


#: The numbers of a cohort's sessions, in order; the first and the last.
WORKSHOP_DAYS: tuple[int, ...] = tuple(WorkshopDay)
FIRST_DAY, LAST_DAY = WORKSHOP_DAYS[0], WORKSHOP_DAYS[-1]


@dataclass(frozen=True)
class Attended:
    """How far a school has got by its attendance."""

    #: On how many of the workshop days its attendee was present.
    days_present: int
    #: Whether they were present on the first day.
    first_day: bool
    #: The date of the last day, if they were present on every day; else None.
    completed_on: date | None


def attended(present: Mapping[int, date]) -> Attended:
    """What ``present`` (the day numbers a school's attendee was present at, each with its
    date) comes to under the cohort's rule: completed when present on every day."""
    every_day = set(WORKSHOP_DAYS) <= set(present)
    return Attended(
        days_present=len(present),
        first_day=FIRST_DAY in present,
        completed_on=present[LAST_DAY] if every_day else None,
    )
