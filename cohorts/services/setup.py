"""Setting up many cohorts at once (issue 13, item 4): workshop dates and times, the venue,
the facilitators, and opening for booking, for every cohort of a table or a CSV file in one
submission, all or nothing.

Each row goes through the same services as the one-cohort pages (``cohort_update``,
``workshop_days_save``, ``cohort_open_for_booking``), so every rule and every email is the
same; each runs in its own savepoint so that one wrong row does not hide the next one's
error, and any error rolls the whole set-up back, listing what is wrong row by row.

The weekend and bank-holiday rule (``cohorts.calendar``) applies to every row, as on the
workshop days page: such a date stands only with the row's reason, kept in the workshop's
history.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from simple_history.utils import update_change_reason

from accounts.models import Role
from accounts.roles import users_with_role
from cohorts.calendar import date_concerns
from cohorts.errors import CohortError
from cohorts.models import Cohort, CohortFormat, CohortStatus
from cohorts.services.cohorts import cohort_open_for_booking, cohort_update
from cohorts.services.sessions import workshop_dates_check, workshop_days_save
from core.actors import takes_actor
from core.errors import LinkDomainError
from workshops.models import Workshop
from workshops.services import WorkshopDetails

#: Statuses whose set-up can still change (a running cohort's days have begun).
SET_UP_STATUSES = (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.FULL)


@dataclass
class CohortSetUp:
    """One row: a cohort and what it is to be. ``row`` names the row to its author (the
    table's row, the file's line)."""

    row: int
    cohort: Cohort
    day_1: dt.date
    day_2: dt.date
    start_time: dt.time
    end_time: dt.time
    venue_name: str
    venue_address: str
    facilitators: Sequence[AbstractBaseUser] = ()
    open: bool = False
    reason: str = ""


@dataclass
class SetUpResult:
    """What a set-up did: cohorts saved and opened, warnings by row."""

    saved: int = 0
    opened: list[str] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)


class SetUpError(CohortError):
    """Some rows are wrong, so nothing was saved; ``errors`` maps each row to its problems."""

    default_code = "set_up"

    def __init__(self, errors: dict[int, list[str]]):
        count = len(errors)
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} {'have' if count != 1 else 'has'} "
            "a problem, so nothing was saved."
        )
        self.errors = errors


class _DryRun(Exception):
    """Raised to roll a checked set-up back."""


def _concerns_check(set_up: CohortSetUp) -> list[str]:
    concerns = [c for day in (set_up.day_1, set_up.day_2) for c in date_concerns(day)]
    if concerns and not set_up.reason:
        raise CohortError(
            f"{'; '.join(concerns)}: schools may not be able to come. Change the date, or "
            "keep it and say why in the reason column."
        )
    return concerns


def _check_one(set_up: CohortSetUp, *, facilitator_ids: set[int]) -> list[str]:
    """What the services would refuse in ``set_up`` without reading the database
    (``facilitator_ids``: the listed users who hold the role): checked for every row before
    any is written, so a wrong file is answered at once, whatever its size."""
    cohort = set_up.cohort
    if cohort.status not in SET_UP_STATUSES:
        raise CohortError(
            f"{cohort.name} is {cohort.get_status_display().lower()}: its set-up cannot change."
        )
    # Dates in the wrong order are an error first, before any question of a reason.
    workshop_dates_check(day_1=set_up.day_1, day_2=set_up.day_2)
    concerns = _concerns_check(set_up)
    kept = {u.pk for u in cohort.facilitators.all()}
    refused = sorted(
        u.get_username() for u in set_up.facilitators if u.pk not in facilitator_ids | kept
    )
    if refused:
        raise CohortError(
            f"{', '.join(refused)} {'is' if len(refused) == 1 else 'are'} not a facilitator: "
            "only users with the Facilitator role can run a cohort."
        )
    return concerns


def _set_up_one(set_up: CohortSetUp, *, result: SetUpResult) -> None:
    cohort = set_up.cohort
    warnings = workshop_dates_check(day_1=set_up.day_1, day_2=set_up.day_2)
    concerns = _concerns_check(set_up)
    facilitators = list(set_up.facilitators)
    address = set_up.venue_address
    if " ".join(address.split()) == " ".join(cohort.venue_address.split()):
        address = cohort.venue_address  # the table and file show it on one line: keep its lines
    unchanged = (
        cohort.venue_name == set_up.venue_name
        and cohort.venue_address == address
        and {u.pk for u in cohort.facilitators.all()} == {u.pk for u in facilitators}
    )
    if not unchanged:
        cohort = cohort_update(
            cohort=cohort,
            name=cohort.name,
            local_authority=cohort.local_authority,
            mhst_area=cohort.mhst_area,
            format=cohort.format if cohort.joining_link else CohortFormat.IN_PERSON,
            venue_name=set_up.venue_name,
            venue_address=address,
            joining_link=cohort.joining_link,
            facilitators=facilitators,
        )
    days = [
        WorkshopDetails(date=date, start_time=set_up.start_time, end_time=set_up.end_time)
        for date in (set_up.day_1, set_up.day_2)
    ]
    workshop_days_save(cohort=cohort, day_1=days[0], day_2=days[1])
    if concerns:
        for workshop in Workshop.objects.filter(delivery__cohort=cohort):
            if date_concerns(workshop.date):
                update_change_reason(workshop, f"Date kept on purpose: {set_up.reason}")
    if set_up.open and cohort.status == CohortStatus.PLANNED:
        cohort_open_for_booking(cohort=cohort)
        result.opened.append(cohort.name)
    if warnings:
        result.warnings[set_up.row] = [f"{cohort.name}: {w}" for w in warnings]
    result.saved += 1


def cohorts_set_up_check(*, set_ups: Sequence[CohortSetUp], scope) -> dict[int, list[str]]:
    """The problems of each row that can be told before writing anything, in a fixed number
    of queries: a cohort outside ``scope``'s areas or named twice, a status that cannot
    change, dates in the wrong order or on a weekend or bank holiday with no reason, a user
    who is not a facilitator."""
    ids = [s.cohort.pk for s in set_ups]
    manageable = set(
        scope.apply(
            Cohort.objects.filter(pk__in=ids), la="local_authority", mhst_area="mhst_area"
        ).values_list("pk", flat=True)
    )
    listed = {u.pk for s in set_ups for u in s.facilitators}
    facilitator_ids = set(
        users_with_role(Role.FACILITATOR).filter(pk__in=listed).values_list("pk", flat=True)
    )
    errors: dict[int, list[str]] = {}
    seen: dict[int, int] = {}
    for set_up in set_ups:
        pk = set_up.cohort.pk
        if pk not in manageable:
            errors[set_up.row] = [f"Cohort {pk} is not one of the cohorts in your areas."]
        elif pk in seen:
            errors[set_up.row] = [f"{set_up.cohort.name} is set up twice (also in row {seen[pk]})."]
        else:
            seen[pk] = set_up.row
            try:
                _check_one(set_up, facilitator_ids=facilitator_ids)
            except LinkDomainError as error:
                errors[set_up.row] = [error.message]
    return errors


@takes_actor
def cohorts_set_up(*, set_ups: Sequence[CohortSetUp], scope, dry_run: bool = False) -> SetUpResult:
    """Set up every cohort of ``set_ups`` in one transaction, all or nothing.

    Every row is checked first (``cohorts_set_up_check``); then each is written through the
    one-cohort services in its own savepoint, so any refusal of theirs is reported for its
    row too. Any problem raises ``SetUpError``, listing every row's, and nothing is saved.
    ``dry_run`` does the same and then saves nothing (the result says what would be done).
    """
    if errors := cohorts_set_up_check(set_ups=set_ups, scope=scope):
        raise SetUpError(errors)
    errors = {}
    result = SetUpResult()
    try:
        with transaction.atomic():
            for set_up in set_ups:
                try:
                    with transaction.atomic():
                        _set_up_one(set_up, result=result)
                except LinkDomainError as error:
                    errors[set_up.row] = [error.message]
            if errors:
                raise SetUpError(errors)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def split_logins(text: str) -> list[str]:
    """Facilitator logins as typed: separated by commas, semicolons or spaces."""
    return [login for login in text.replace(",", " ").replace(";", " ").split() if login]


def users_by_login(logins) -> dict[str, AbstractBaseUser]:
    """The active users with these logins (case as stored), in one query."""
    wanted = set(logins)
    if not wanted:
        return {}
    users = get_user_model().objects.filter(is_active=True, username__in=wanted)
    return {user.get_username(): user for user in users}
