"""The cohort's rules about its workshop days, professionals and attendance, on top of the
sessions layer (``workshops.services``).

Date rules: workshop 2 comes after workshop 1; under four weeks apart is allowed with a
warning (the programme's norm is about six weeks). A bookable cohort's days are in the
future; when they change, those attending are told. A school completes the programme when
its attendee was present on both days; the date of workshop 2 is recorded as the completion
date.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cohorts import conf, notifications, professional_mail
from cohorts.errors import WorkshopError
from cohorts.models import (
    BOOKABLE_COHORT_STATUSES,
    ROSTER_STATUSES,
    Cohort,
    CohortStatus,
    Place,
)
from cohorts.notifications import fan_out, notify
from cohorts.rules import WorkshopDay, attended
from cohorts.services.places import lock_cohort
from cohorts.services.progress import place_set_progress
from core.actors import takes_actor
from core.dates import day
from workshops.models import Attendance, Professional, Workshop
from workshops.services import (
    WorkshopDetails,
    attendance_record,
    professional_check,
    professional_email_check,
    professional_save,
    session_details_check,
    session_write,
    sessions_present,
    sessions_present_on,
)


@dataclass
class WorkshopSaved:
    """A saved workshop day, with any warnings the coordinator should see."""

    workshop: Workshop
    warnings: list[str] = field(default_factory=list)


def workshop_dates_check(*, day_1: dt.date, day_2: dt.date) -> list[str]:
    """Raise ``WorkshopError`` unless workshop 2 is after workshop 1; return a warning when
    they are under ``conf.workshop_min_gap_days()`` apart."""
    if day_2 <= day_1:
        raise WorkshopError(f"Workshop 2 ({day(day_2)}) must be after workshop 1 ({day(day_1)}).")
    gap = (day_2 - day_1).days
    minimum = conf.workshop_min_gap_days()
    if gap < minimum:
        return [
            f"The workshops are only {gap} days apart. The programme recommends about six "
            f"weeks, and at least {minimum // 7} weeks, so that schools can act between them."
        ]
    return []


@takes_actor
def workshop_save(
    *,
    cohort: Cohort,
    day: int,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    venue_name: str = "",
    venue_address: str = "",
    joining_link: str = "",
) -> WorkshopSaved:
    """Create or change workshop ``day`` (1 or 2) of ``cohort``; returns it with warnings.

    A bookable cohort's workshops cannot move into the past; when its details change,
    schools holding places on it and its professionals are told which workshop changed
    (``notifications.workshops_changed``). Saving a workshop unchanged writes nothing.
    """
    details = WorkshopDetails(
        date=date,
        start_time=start_time,
        end_time=end_time,
        venue_name=venue_name,
        venue_address=venue_address,
        joining_link=joining_link,
    )
    with transaction.atomic():
        saved, changed = _workshop_write(cohort=cohort, day=day, details=details)
        _tell_of_changes(saved.workshop.delivery.cohort, [saved.workshop] if changed else [])
    return saved


def _workshop_write(
    *, cohort: Cohort, day: int, details: WorkshopDetails, change_reason: str = ""
) -> tuple[WorkshopSaved, bool]:
    """Check and write one workshop day (in the caller's transaction); the saved workshop
    with its warnings, and whether anything about it changed."""
    if day not in WorkshopDay.values:
        raise WorkshopError("A cohort has workshop 1 and workshop 2 only.")
    session_details_check(details)
    cohort = lock_cohort(cohort.pk)
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise WorkshopError(f"{cohort.name} is {cohort.get_status_display().lower()}.")
    if cohort.status in BOOKABLE_COHORT_STATUSES and details.date <= timezone.localdate():
        raise WorkshopError(
            f"{cohort.name} is open for booking, so its workshops must be in the future."
        )
    other = cohort.workshops.exclude(day=day).first()
    warnings: list[str] = []
    if other is not None:
        day_1, day_2 = (
            (details.date, other.date) if day == WorkshopDay.DAY_1 else (other.date, details.date)
        )
        warnings = workshop_dates_check(day_1=day_1, day_2=day_2)
    workshop, changed = session_write(
        delivery=cohort.delivery, number=day, details=details, change_reason=change_reason
    )
    workshop.delivery = cohort.delivery
    return WorkshopSaved(workshop=workshop, warnings=warnings), changed


def _tell_of_changes(cohort: Cohort, changed: list[Workshop]) -> None:
    """Tell those attending a bookable cohort what changed: one fan-out row in this
    transaction, whose task queues the emails after commit."""
    if changed and cohort.status in BOOKABLE_COHORT_STATUSES:
        fan_out(notifications.workshops_changed, workshop_ids=[w.pk for w in changed])


@takes_actor
def professional_add(
    *, cohort: Cohort, name: str, organisation: str, organisation_type: str, email: str
) -> Professional:
    """Record a professional attending ``cohort``'s workshops (not counted in capacity).
    Refused if someone with the same email address is on the cohort already. On a cohort
    that is open or running, they are invited (both days, a calendar file) in the same
    transaction (``professional_mail.professional_invited``)."""
    professional_check(
        name=name, organisation=organisation, organisation_type=organisation_type, email=email
    )
    if cohort.status == CohortStatus.CANCELLED:
        raise WorkshopError(f"{cohort.name} is cancelled.")
    professional_email_check(delivery=cohort.delivery, email=email)
    professional = Professional(
        delivery=cohort.delivery,
        name=name,
        organisation=organisation,
        organisation_type=organisation_type,
        email=email,
    )
    with transaction.atomic():
        professional_save(professional)
        notify(professional_mail.professional_invited, professional_id=professional.pk)
    return professional


@takes_actor
def professional_update(
    *,
    professional: Professional,
    name: str,
    organisation: str,
    organisation_type: str,
    email: str,
) -> Professional:
    """Correct a professional's details (their attendance stays as recorded). A new email
    address on a cohort that is open or running is sent the invitation."""
    professional_check(
        name=name, organisation=organisation, organisation_type=organisation_type, email=email
    )
    with transaction.atomic():
        professional = (
            Professional.objects.select_for_update(of=("self",))
            .select_related("delivery__cohort")
            .get(pk=professional.pk)
        )
        cohort = professional.delivery.cohort
        if cohort.status == CohortStatus.CANCELLED:
            raise WorkshopError(f"{cohort.name} is cancelled.")
        professional_email_check(
            delivery=professional.delivery, email=email, professional=professional
        )
        new_address = professional.email.strip().lower() != email.strip().lower()
        professional.name = name
        professional.organisation = organisation
        professional.organisation_type = organisation_type
        professional.email = email
        professional_save(professional)
        if new_address:
            notify(professional_mail.professional_invited, professional_id=professional.pk)
    return professional


@takes_actor
def professional_remove(*, professional: Professional) -> None:
    """Take a professional off a cohort, e.g. added by mistake or no longer coming.

    Refused once they are recorded present at a workshop: that attendance is part of what
    the programme delivered (and reports on), and removing them would delete it with them.
    Absences recorded for them go with them.
    """
    with transaction.atomic():
        professional = (
            Professional.objects.select_for_update(of=("self",))
            .select_related("delivery__cohort")
            .get(pk=professional.pk)
        )
        days = sessions_present(professional.participant)
        if days:
            which = " and ".join(f"workshop {day}" for day in days)
            raise WorkshopError(
                f"{professional.name} is recorded as present at {which} of "
                f"{professional.delivery.cohort.name}, so they cannot be removed: that "
                "attendance is part of the programme's record. Correct their details "
                "instead, or mark them absent first if the register is wrong."
            )
        # Told before the row goes: one who was invited hears they are no longer expected.
        notify(professional_mail.professional_removed, professional_id=professional.pk)
        professional.delete()


@takes_actor
def attendance_mark(
    *,
    workshop: Workshop,
    present: bool,
    place: Place | None = None,
    professional: Professional | None = None,
) -> Attendance:
    """Record whether a school's attendee (``place``) or a ``professional`` was at
    ``workshop``. Marking again changes the record. For a school, its place moves to
    "attended day 1" or, present on both days, "completed" on the date of workshop 2; on a
    completed cohort (a register corrected afterwards), to "attended one day" or "did not
    attend" otherwise."""
    if (place is None) == (professional is None):
        raise WorkshopError("Mark attendance for one place or one professional.")
    cohort = workshop.delivery.cohort
    on_cohort = (
        place.cohort_id == cohort.pk
        if place is not None
        else professional.delivery_id == workshop.delivery_id
    )
    if not on_cohort:
        raise WorkshopError("That attendee is not on this workshop's cohort.")
    if workshop.date > timezone.localdate():
        raise WorkshopError(
            f"Attendance for {workshop.label.lower()} can be marked from "
            f"{day(workshop.date)}, the day it happens."
        )
    if cohort.status in (CohortStatus.PLANNED, CohortStatus.CANCELLED):
        raise WorkshopError(f"{cohort.name} is {cohort.get_status_display().lower()}.")
    participant = (place if place is not None else professional).participant
    with transaction.atomic():
        attendance = attendance_record(workshop=workshop, participant=participant, present=present)
        if place is not None:
            place_set_progress(place=place, attended=attended(sessions_present_on(participant)))
    return attendance


@takes_actor
def attendance_mark_day(
    *,
    workshop: Workshop,
    present_place_ids: set[int],
    present_professional_ids: set[int],
) -> int:
    """Mark the whole register of one workshop day: every school holding a seat on the
    cohort and every professional is present if their id is given, else absent. All or
    nothing. Returns how many were marked present."""
    with transaction.atomic():
        cohort = workshop.delivery.cohort
        for place in cohort.places.filter(status__in=ROSTER_STATUSES).select_related("participant"):
            attendance_mark(workshop=workshop, place=place, present=place.pk in present_place_ids)
        for professional in workshop.delivery.professionals.select_related("participant"):
            attendance_mark(
                workshop=workshop,
                professional=professional,
                present=professional.pk in present_professional_ids,
            )
    return Attendance.objects.filter(workshop=workshop, present=True).count()


@takes_actor
def workshop_days_save(
    *,
    cohort: Cohort,
    day_1: WorkshopDetails,
    day_2: WorkshopDetails,
    change_reasons: Mapping[int, str] | None = None,
) -> list[str]:
    """Set both workshop days of ``cohort`` at once, all or nothing; returns warnings.

    The pair is checked first, then saved in an order that never compares a new date with
    an old one (moving both days later saves day 2 first). Those attending are sent one
    notice, naming the workshop that changed, or both.

    ``change_reasons`` ({day: reason}) are kept on the history record of that day's change,
    only when the day is actually changed: saving a day unchanged rewrites no history.
    """
    change_reasons = change_reasons or {}
    warnings = workshop_dates_check(day_1=day_1.date, day_2=day_2.date)
    with transaction.atomic():
        current_day_2 = cohort.workshops.filter(day=WorkshopDay.DAY_2).first()
        pairs = [(WorkshopDay.DAY_1, day_1), (WorkshopDay.DAY_2, day_2)]
        if current_day_2 is not None and day_1.date >= current_day_2.date:
            pairs.reverse()
        changed = []
        for day, details in pairs:
            saved, was_changed = _workshop_write(
                cohort=cohort, day=day, details=details, change_reason=change_reasons.get(day, "")
            )
            if was_changed:
                changed.append(saved.workshop)
            cohort = saved.workshop.delivery.cohort
        _tell_of_changes(cohort, changed)
    return warnings
