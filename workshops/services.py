"""Writes of the workshops app: workshop days, professionals, and attendance.

Date rules: workshop 2 comes after workshop 1; under four weeks apart is allowed with a
warning (the programme's norm is about six weeks). A school completes the programme when its
attendee was present on both days; the date of workshop 2 is recorded as the completion date.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts import conf, notifications
from cohorts.errors import WorkshopError
from cohorts.models import (
    BOOKABLE_COHORT_STATUSES,
    ROSTER_STATUSES,
    Cohort,
    CohortStatus,
    Place,
)
from cohorts.notifications import fan_out
from cohorts.services.places import lock_cohort
from cohorts.services.progress import place_set_progress
from core.dates import day
from core.validators import field_values_check
from workshops.models import Attendance, OrganisationType, Professional, Workshop, WorkshopDay


@dataclass
class WorkshopSaved:
    """A saved workshop day, with any warnings the coordinator should see."""

    workshop: Workshop
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkshopDetails:
    """What a coordinator enters for one workshop day."""

    date: dt.date
    start_time: dt.time
    end_time: dt.time
    venue_name: str = ""
    venue_address: str = ""
    joining_link: str = ""


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
        _tell_of_changes(saved.workshop.cohort, [saved.workshop] if changed else [])
    return saved


def _workshop_write(
    *, cohort: Cohort, day: int, details: WorkshopDetails
) -> tuple[WorkshopSaved, bool]:
    """Check and write one workshop day (in the caller's transaction); the saved workshop
    with its warnings, and whether anything about it changed."""
    if day not in WorkshopDay.values:
        raise WorkshopError("A cohort has workshop 1 and workshop 2 only.")
    if details.end_time <= details.start_time:
        raise WorkshopError("A workshop must end after it starts.")
    field_values_check(
        Workshop,
        error=WorkshopError,
        venue_name=details.venue_name,
        joining_link=details.joining_link,
    )
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
    values = asdict(details)
    workshop = cohort.workshops.filter(day=day).first()
    if workshop is None:
        workshop = Workshop.objects.create(cohort=cohort, day=day, **values)
        changed = True
    else:
        changed = any(getattr(workshop, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(workshop, name, value)
            workshop.save()
    workshop.cohort = cohort
    return WorkshopSaved(workshop=workshop, warnings=warnings), changed


def _tell_of_changes(cohort: Cohort, changed: list[Workshop]) -> None:
    """Tell those attending a bookable cohort what changed: one fan-out row in this
    transaction, whose task queues the emails after commit."""
    if changed and cohort.status in BOOKABLE_COHORT_STATUSES:
        fan_out(notifications.workshops_changed, workshop_ids=[w.pk for w in changed])


def _check_professional(
    *, name: str, organisation: str, organisation_type: str, email: str
) -> None:
    """A known organisation type; one-line name and organisation, an email address."""
    if organisation_type not in OrganisationType.values:
        raise WorkshopError(f"Unknown organisation type {organisation_type!r}.")
    field_values_check(
        Professional, error=WorkshopError, name=name, organisation=organisation, email=email
    )


def _check_email_free(cohort: Cohort, email: str, *, professional: Professional | None = None):
    """Each professional once on a cohort, known by their email address (without case)."""
    others = cohort.professionals.filter(email__iexact=email)
    if professional is not None:
        others = others.exclude(pk=professional.pk)
    other = others.first()
    if other is not None:
        raise WorkshopError(
            f"{other.name} is already on this cohort with the email address {email}: each "
            "professional is added once. Correct their details instead.",
            code="email_taken",
        )


def _save_professional(professional: Professional) -> None:
    """Save, turning a race with another save of the same email into the readable refusal."""
    try:
        with transaction.atomic():
            professional.save()
    except IntegrityError:
        _check_email_free(professional.cohort, professional.email, professional=professional)
        raise


def professional_add(
    *, cohort: Cohort, name: str, organisation: str, organisation_type: str, email: str
) -> Professional:
    """Record a professional attending ``cohort``'s workshops (not counted in capacity).
    Refused if someone with the same email address is on the cohort already."""
    _check_professional(
        name=name, organisation=organisation, organisation_type=organisation_type, email=email
    )
    if cohort.status == CohortStatus.CANCELLED:
        raise WorkshopError(f"{cohort.name} is cancelled.")
    _check_email_free(cohort, email)
    professional = Professional(
        cohort=cohort,
        name=name,
        organisation=organisation,
        organisation_type=organisation_type,
        email=email,
    )
    _save_professional(professional)
    return professional


def professional_update(
    *,
    professional: Professional,
    name: str,
    organisation: str,
    organisation_type: str,
    email: str,
) -> Professional:
    """Correct a professional's details (their attendance stays as recorded)."""
    _check_professional(
        name=name, organisation=organisation, organisation_type=organisation_type, email=email
    )
    with transaction.atomic():
        professional = Professional.objects.select_for_update().get(pk=professional.pk)
        cohort = professional.cohort
        if cohort.status == CohortStatus.CANCELLED:
            raise WorkshopError(f"{cohort.name} is cancelled.")
        _check_email_free(cohort, email, professional=professional)
        professional.name = name
        professional.organisation = organisation
        professional.organisation_type = organisation_type
        professional.email = email
        _save_professional(professional)
    return professional


def professional_remove(*, professional: Professional) -> None:
    """Take a professional off a cohort, e.g. added by mistake or no longer coming.

    Refused once they are recorded present at a workshop: that attendance is part of what
    the programme delivered (and reports on), and removing them would delete it with them.
    Absences recorded for them go with them.
    """
    with transaction.atomic():
        professional = (
            Professional.objects.select_for_update()
            .select_related("cohort")
            .get(pk=professional.pk)
        )
        days = list(
            professional.attendances.filter(present=True)
            .order_by("workshop__day")
            .values_list("workshop__day", flat=True)
        )
        if days:
            which = " and ".join(f"workshop {day}" for day in days)
            raise WorkshopError(
                f"{professional.name} is recorded as present at {which} of "
                f"{professional.cohort.name}, so they cannot be removed: that attendance is "
                "part of the programme's record. Correct their details instead, or mark them "
                "absent first if the register is wrong."
            )
        professional.delete()


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
    who = place if place is not None else professional
    if who.cohort_id != workshop.cohort_id:
        raise WorkshopError("That attendee is not on this workshop's cohort.")
    if workshop.date > timezone.localdate():
        raise WorkshopError(
            f"Attendance for {workshop.get_day_display().lower()} can be marked from "
            f"{day(workshop.date)}, the day it happens."
        )
    if workshop.cohort.status in (CohortStatus.PLANNED, CohortStatus.CANCELLED):
        raise WorkshopError(
            f"{workshop.cohort.name} is {workshop.cohort.get_status_display().lower()}."
        )
    with transaction.atomic():
        attendance, _ = Attendance.objects.update_or_create(
            workshop=workshop,
            place=place,
            professional=professional,
            defaults={"present": present},
        )
        if place is not None:
            present_days = dict(
                Attendance.objects.filter(place=place, present=True).values_list(
                    "workshop__day", "workshop__date"
                )
            )
            completed_on = None
            if {WorkshopDay.DAY_1, WorkshopDay.DAY_2} <= set(present_days):
                completed_on = present_days[WorkshopDay.DAY_2]
            place_set_progress(
                place=place,
                attended_day_1=WorkshopDay.DAY_1 in present_days,
                completed_on=completed_on,
                days_present=len(present_days),
            )
    return attendance


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
        places = workshop.cohort.places.filter(status__in=ROSTER_STATUSES)
        for place in places:
            attendance_mark(workshop=workshop, place=place, present=place.pk in present_place_ids)
        for professional in workshop.cohort.professionals.all():
            attendance_mark(
                workshop=workshop,
                professional=professional,
                present=professional.pk in present_professional_ids,
            )
    return Attendance.objects.filter(workshop=workshop, present=True).count()


def workshop_days_save(
    *, cohort: Cohort, day_1: WorkshopDetails, day_2: WorkshopDetails
) -> list[str]:
    """Set both workshop days of ``cohort`` at once, all or nothing; returns warnings.

    The pair is checked first, then saved in an order that never compares a new date with
    an old one (moving both days later saves day 2 first). Those attending are sent one
    notice, naming the workshop that changed, or both.
    """
    warnings = workshop_dates_check(day_1=day_1.date, day_2=day_2.date)
    with transaction.atomic():
        current_day_2 = cohort.workshops.filter(day=WorkshopDay.DAY_2).first()
        pairs = [(WorkshopDay.DAY_1, day_1), (WorkshopDay.DAY_2, day_2)]
        if current_day_2 is not None and day_1.date >= current_day_2.date:
            pairs.reverse()
        changed = []
        for day, details in pairs:
            saved, was_changed = _workshop_write(cohort=cohort, day=day, details=details)
            if was_changed:
                changed.append(saved.workshop)
            cohort = saved.workshop.cohort
        _tell_of_changes(cohort, changed)
    return warnings
