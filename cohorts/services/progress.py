"""How far each school on a cohort's roster has got, from its attendance.

While the cohort runs a place is booked, "attended day 1" or "completed" (present on both
days). When the cohort completes, every place on its roster settles: present on both days,
completed; on one day, "attended one day"; on neither, "did not attend". The last two are no
longer active places, so those schools can book a later cohort; a register corrected after
the cohort completed settles the place again.
"""

from datetime import date

from django.db import transaction

from cohorts.errors import BookingError
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKED_STATUSES,
    ROSTER_STATUSES,
    Cohort,
    CohortStatus,
    Place,
    PlaceStatus,
)
from cohorts.rules import Attended, attended
from cohorts.services.places import existing_active_place, lock_cohort, lock_place
from workshops.models import Attendance


def _progress(*, finished: bool, attended: Attended) -> tuple[str, date | None]:
    """(status, completed on) of a place on the roster, from its attendance. Once the cohort
    has finished, a place present on one day or none has not completed and never will."""
    if attended.completed_on is not None:
        return PlaceStatus.COMPLETED, attended.completed_on
    if finished:
        if attended.days_present:
            return PlaceStatus.ATTENDED_ONE_DAY, None
        return PlaceStatus.DID_NOT_ATTEND, None
    if attended.first_day:
        return PlaceStatus.ATTENDED_DAY_1, None
    return PlaceStatus.BOOKED, None


def place_set_progress(*, place: Place, attended: Attended) -> Place:
    """Record how far a school on the roster has got (``cohorts.rules.attended``): attended
    day 1, or completed (every day) on the date of the last; on a completed cohort,
    "attended one day" or "did not attend". Called by
    ``cohorts.services.sessions.attendance_mark``."""
    with transaction.atomic():
        cohort = lock_cohort(place.cohort_id)
        place = lock_place(place.pk)
        if place.status not in ROSTER_STATUSES:
            raise BookingError(
                f"Attendance is recorded only for booked places; this one is "
                f"{place.get_status_display().lower()}."
            )
        status, completed_on = _progress(
            finished=cohort.status == CohortStatus.COMPLETED, attended=attended
        )
        if status in ACTIVE_PLACE_STATUSES and place.status not in ACTIVE_PLACE_STATUSES:
            # A corrected register would make the place active again: not while the school
            # holds another one (it booked a later cohort meanwhile).
            existing = existing_active_place(place.establishment)
            if existing is not None:
                raise BookingError(
                    f"{place.establishment.name} cannot be marked as having completed "
                    f"{cohort.name}: it now holds a place on {existing.cohort.name} "
                    f"({existing.get_status_display().lower()}). Cancel that place first.",
                    code="already_placed",
                )
        place.status, place.completed_on = status, completed_on
        place.save(update_fields=["status", "completed_on", "updated_at"])
    return place


def places_settle(*, cohort: Cohort) -> None:
    """The cohort (locked by the caller) has completed: settle each place on its roster that
    has not completed, by its attendance (``cohorts.rules.attended``): present on both days,
    completed; on one day, attended one day; on neither (or never marked), did not attend.

    Two queries, then one save (with its history record) per place: a roster holds at most
    20."""
    present: dict[int, dict[int, date]] = {}
    for participant_id, day, day_date in Attendance.objects.filter(
        workshop__delivery=cohort.delivery_id, present=True
    ).values_list("participant_id", "workshop__day", "workshop__date"):
        present.setdefault(participant_id, {})[day] = day_date
    for place in cohort.places.select_for_update().filter(status__in=BOOKED_STATUSES):
        place.status, place.completed_on = _progress(
            finished=True, attended=attended(present.get(place.participant_id, {}))
        )
        place.save(update_fields=["status", "completed_on", "updated_at"])
