"""The cohorts app's configurable values and their defaults, read when needed through
``core.conf.setting``: a settings override, else the environment
(``LINK_BOOKING_CLOSES_DAYS=10``), else the default here.
"""

from datetime import date, timedelta

from core.conf import setting

#: Booking closes this many days before workshop 1 (the last day to book is day 1 minus N).
DEFAULT_BOOKING_CLOSES_DAYS = 7
#: A place offered from the waiting list is held this long for an answer.
DEFAULT_OFFER_HOURS = 48
#: A school's self-service booking link works for this many days after it was made.
DEFAULT_BOOKING_LINK_MAX_AGE_DAYS = 60
#: Workshops under this many days apart are allowed, with a warning (the programme's norm
#: is about six weeks).
DEFAULT_WORKSHOP_MIN_GAP_DAYS = 28
#: Invited schools that hold no place are nudged once, this many days after the invitation.
DEFAULT_NUDGE_AFTER_DAYS = 14


def booking_closes_days() -> int:
    return setting("LINK_BOOKING_CLOSES_DAYS", DEFAULT_BOOKING_CLOSES_DAYS)


def offer_duration() -> timedelta:
    return timedelta(hours=setting("LINK_OFFER_HOURS", DEFAULT_OFFER_HOURS))


def booking_link_max_age() -> timedelta:
    days = setting("LINK_BOOKING_LINK_MAX_AGE_DAYS", DEFAULT_BOOKING_LINK_MAX_AGE_DAYS)
    return timedelta(days=days)


def workshop_min_gap_days() -> int:
    return setting("LINK_WORKSHOP_MIN_GAP_DAYS", DEFAULT_WORKSHOP_MIN_GAP_DAYS)


def nudge_after_days() -> int:
    return setting("LINK_NUDGE_AFTER_DAYS", DEFAULT_NUDGE_AFTER_DAYS)


def programme_start_setting() -> date | None:
    """``LINK_PROGRAMME_START`` (an ISO date, e.g. 2019-09-01): the day the programme's first
    year is counted from. Unset, the first phase's start is used
    (``cohorts.selectors.rollout_start``)."""
    configured = setting("LINK_PROGRAMME_START", "")
    return date.fromisoformat(configured) if configured else None


#: Access needs are deleted this many days after the cohort's last workshop.
DEFAULT_RETAIN_ACCESS_NEEDS_DAYS = 30
#: Attendees' and professionals' names and contact details are anonymised this many months
#: after their cohort completes.
DEFAULT_RETAIN_ATTENDEES_MONTHS = 24


def retain_access_needs_days() -> int:
    return setting("LINK_RETAIN_ACCESS_NEEDS_DAYS", DEFAULT_RETAIN_ACCESS_NEEDS_DAYS)


def retain_attendees_months() -> int:
    return setting("LINK_RETAIN_ATTENDEES_MONTHS", DEFAULT_RETAIN_ATTENDEES_MONTHS)
