"""What will be sent when, for one cohort: every email Link will send about it, dated by the
same rules the scheduled jobs use (issue 13, item 8).

The cohort's own (booking closing, the workshop reminders 7 days and 1 day before each
day, the nudge to invited schools of its area that have not booked) come from
``cohorts.services.reminders`` and ``cohorts.conf``. Apps above add theirs when they start
(``register``): the evaluation adds its survey time points. Each entry says when, what and
to whom; entries in the past are kept, marked, so a coordinator sees what has gone out.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKED_STATUSES,
    Cohort,
    CohortStatus,
    Invitation,
    Place,
)
from cohorts.rules import WORKSHOP_DAYS
from cohorts.services.reminders import REMINDERS


@dataclass(frozen=True)
class Entry:
    when: date
    what: str
    who: str

    def passed(self, today: date) -> bool:
        return self.when < today


_providers: list[Callable[[Cohort, list], list[Entry]]] = []


def register(provider: Callable[[Cohort, list], list[Entry]]) -> None:
    """``provider(cohort, workshops)`` returns more entries (the workshops in day order)."""
    if provider not in _providers:
        _providers.append(provider)


def as_day(moment: date | datetime) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _reminded(booked: int, professionals: int) -> str:
    """Who a workshop reminder goes to: the booked schools and the cohort's professionals."""
    who = f"the {_plural(booked, 'booked school')}"
    return f"{who} and {_plural(professionals, 'professional')}" if professionals else who


def _own(cohort: Cohort, workshops: list, booked: int, professionals: int = 0) -> list[Entry]:
    entries = []
    if workshops:
        closes = workshops[0].date - timedelta(days=conf.booking_closes_days())
        entries.append(
            Entry(
                closes,
                "Booking closes; the waiting list is closed and each school still on it told",
                "schools on the waiting list",
            )
        )
    for workshop in workshops:
        for days_before, _label, _first, _last in REMINDERS:
            entries.append(
                Entry(
                    workshop.date - timedelta(days=days_before),
                    f"Reminder: {workshop.label} in {days_before} "
                    f"day{'s' if days_before != 1 else ''}",
                    _reminded(booked, professionals),
                )
            )
    if cohort.status in (CohortStatus.OPEN, CohortStatus.FULL) and workshops:
        area = Q()
        if cohort.local_authority_id:
            area |= Q(establishment__la_id=cohort.local_authority_id)
        if cohort.mhst_area_id:
            area |= Q(establishment__mhst_area_id=cohort.mhst_area_id)
        holding = Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES).values("establishment_id")
        waiting = (
            Invitation.objects.filter(area, nudged_at__isnull=True)
            .exclude(establishment_id__in=holding)
            .values_list("invited_at", flat=True)
        )
        after = timedelta(days=conf.nudge_after_days())
        for when, count in sorted(Counter(as_day(at) + after for at in waiting).items()):
            entries.append(
                Entry(
                    when,
                    "Nudge: the one reminder to invited schools of the area that have not booked",
                    f"{count} school{'s' if count != 1 else ''}",
                )
            )
    return entries


def cohort_timeline(
    *,
    cohort: Cohort,
    workshops: list | None = None,
    booked: int | None = None,
    professionals: int | None = None,
) -> list[Entry]:
    """Every email due about ``cohort``, in date order (none for a cancelled cohort). A page
    that has its workshops, booked count and professionals' count already passes them (no
    query for them)."""
    if cohort.status == CohortStatus.CANCELLED:
        return []
    workshops = sorted(
        (
            w
            for w in (workshops if workshops is not None else cohort.workshops.all())
            if w.day in WORKSHOP_DAYS
        ),
        key=lambda w: w.day,
    )
    if booked is None:
        booked = Place.objects.filter(cohort=cohort, status__in=BOOKED_STATUSES).count()
    if professionals is None:
        professionals = cohort.professionals.count()
    entries = _own(cohort, workshops, booked, professionals)
    for provider in _providers:
        entries.extend(provider(cohort, workshops))
    return sorted(entries, key=lambda entry: (entry.when, entry.what))
