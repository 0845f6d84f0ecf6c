"""What each recipient was last told of a cohort's workshop days (``WorkshopDaysTold``): a
digest of each day's details, recorded with every email that lists the days, so a change
tells only those not told the days as they are now, whatever the emails' wording."""

import hashlib

from cohorts.models import Cohort, WorkshopDaysTold
from workshops.models import Workshop


def details_digest(workshops: list[Workshop]) -> str:
    """A short digest of the details people are told of ``workshops`` (day, date, times,
    place), the same however the emails word them."""
    details = [(w.day, w.date, w.start_time, w.end_time, w.location) for w in workshops]
    return hashlib.sha256(repr(details).encode()).hexdigest()[:10]


def _day_digests(workshops: list[Workshop]) -> dict[str, str]:
    return {str(workshop.day): details_digest([workshop]) for workshop in workshops}


def record_told(cohort: Cohort, recipient: str, workshops: list[Workshop]) -> None:
    """Record that ``recipient`` was told ``cohort``'s workshop days as ``workshops`` are."""
    if workshops:
        WorkshopDaysTold.objects.update_or_create(
            cohort=cohort,
            recipient=recipient.strip().lower(),
            defaults={"days": _day_digests(workshops)},
        )


def told_by_recipient(cohort: Cohort) -> dict[str, dict]:
    """What each recipient was told of ``cohort``'s days, in one query."""
    return dict(WorkshopDaysTold.objects.filter(cohort=cohort).values_list("recipient", "days"))


def already_told(told: dict[str, dict], recipient: str, workshops: list[Workshop]) -> bool:
    """Whether ``recipient`` was last told each of ``workshops`` as it is now (``told``:
    ``told_by_recipient``)."""
    days = told.get(recipient.strip().lower(), {})
    return all(days.get(day) == digest for day, digest in _day_digests(workshops).items())
