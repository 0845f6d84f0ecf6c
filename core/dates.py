"""Dates and times as Link writes them for people ("Tuesday 3 March 2026", "9:30am"), in the
programme's time zone, and the one machine stamp used in keys. One place, so every page and
email says a date the same way."""

import calendar
from datetime import UTC, date, datetime, time

from django.utils import timezone
from django.utils.dateformat import format as date_format


def day(value: date | datetime) -> str:
    """ "3 March 2026"; a moment is given as the day it falls on locally."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def weekday(value: date) -> str:
    """ "Tuesday 3 March 2026"."""
    return date_format(value, "l j F Y")


def clock(value: time) -> str:
    """ "9:30am", "4pm" or "midday"."""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def moment(value: datetime) -> str:
    """ "10am on Wednesday 7 January 2026", locally."""
    local = timezone.localtime(value)
    return f"{clock(local.time())} on {weekday(local.date())}"


def day_and_time(value: datetime) -> str:
    """ "7 January 2026, 10:00", locally."""
    return date_format(timezone.localtime(value), "j F Y, H:i")


def utc_stamp(value: datetime) -> str:
    """A moment to the microsecond, for a key: "20260107T100000000000" (UTC)."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
