"""A cohort's workshop days (order, the four-week warning), professionals, attendance and
completion: the cohort rules over the sessions layer (``cohorts.services.sessions``)."""

import datetime as dt

import pytest

from cohorts.errors import BookingError, WorkshopError
from cohorts.models import PlaceStatus
from cohorts.rules import WorkshopDay
from cohorts.services.cohorts import cohort_mark_running
from cohorts.services.places import place_book
from cohorts.services.sessions import (
    attendance_mark,
    professional_add,
    professional_update,
    workshop_save,
)
from tests.cohorts.factories import CohortFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Attendance, OrganisationType

pytestmark = pytest.mark.django_db

NINE, FOUR = dt.time(9, 0), dt.time(16, 0)


def save(cohort, day, date, **kwargs):
    return workshop_save(
        cohort=cohort, day=day, date=date, start_time=NINE, end_time=FOUR, **kwargs
    )


def test_day_2_must_come_after_day_1_whichever_is_saved_first(clock):
    cohort = CohortFactory()
    save(cohort, 2, dt.date(2026, 3, 2))

    with pytest.raises(WorkshopError, match=r"Workshop 2 \(2 March 2026\) must be after"):
        save(cohort, 1, dt.date(2026, 3, 9))
    assert cohort.workshops.count() == 1


def test_a_cohort_has_workshop_days_1_and_2_only(clock):
    cohort = CohortFactory()

    for day in (0, 3):
        with pytest.raises(WorkshopError, match="workshop 1 and workshop 2 only"):
            save(cohort, day, dt.date(2026, 3, 2))
    assert not cohort.workshops.exists()


def test_days_under_four_weeks_apart_save_with_a_warning(clock):
    cohort = CohortFactory()
    assert save(cohort, 1, dt.date(2026, 3, 2)).warnings == []

    saved = save(cohort, 2, dt.date(2026, 3, 27))

    assert saved.workshop.pk and saved.warnings[0].startswith("The workshops are only 25 days")
    assert save(cohort, 2, dt.date(2026, 4, 13)).warnings == []
    assert cohort.workshops.get(day=2).date == dt.date(2026, 4, 13)  # changed, not added


def test_a_workshop_ends_after_it_starts_and_an_open_cohort_stays_in_the_future(clock):
    cohort = make_open_cohort()
    with pytest.raises(WorkshopError, match="must end after it starts"):
        workshop_save(
            cohort=cohort, day=1, date=dt.date(2026, 3, 2), start_time=FOUR, end_time=NINE
        )
    with pytest.raises(WorkshopError, match="must be in the future"):
        save(cohort, 1, dt.date(2026, 1, 1))


def test_a_workshop_can_have_its_own_venue(clock):
    cohort = CohortFactory(venue_name="Civic Centre", venue_address="1 High Street")
    saved = save(cohort, 1, dt.date(2026, 3, 2), venue_name="Library", venue_address="2 Road")
    assert saved.workshop.location == "Library, 2 Road"
    assert save(cohort, 2, dt.date(2026, 4, 13)).workshop.location == "Civic Centre, 1 High Street"


@pytest.fixture
def running(clock, attendee):
    """A running cohort with one booked school, its days 60 and 102 days from now."""
    cohort = make_open_cohort()
    place = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee,
    )
    cohort_mark_running(cohort=cohort)
    days = {w.day: w for w in cohort.workshops.all()}
    return cohort, place, days[WorkshopDay.DAY_1], days[WorkshopDay.DAY_2]


def test_the_services_refuse_venues_and_professionals_on_two_lines(clock):
    cohort = CohortFactory()
    with pytest.raises(WorkshopError, match="Venue name: Enter this on one line."):
        save(cohort, 1, dt.date(2026, 3, 2), venue_name="Town Hall\r\nRoom 1")
    assert not cohort.workshops.exists()

    details = {
        "name": "Dr Rao",
        "organisation": "Camden CAMHS",
        "organisation_type": OrganisationType.NHS_CYPMHS,
        "email": "rao@nhs.example",
    }
    with pytest.raises(WorkshopError, match="Name: Enter this on one line."):
        professional_add(cohort=cohort, **{**details, "name": "Dr\nRao"})
    assert not cohort.professionals.exists()
    professional = professional_add(cohort=cohort, **details)
    with pytest.raises(WorkshopError, match="Organisation: Enter this on one line."):
        professional_update(
            professional=professional, **{**details, "organisation": "Camden\u2029CAMHS"}
        )
    professional.refresh_from_db()
    assert professional.organisation == "Camden CAMHS"


def test_a_school_present_on_both_days_completes_on_the_date_of_day_2(running, clock):
    cohort, place, day_1, day_2 = running
    clock.move_to(dt.datetime.combine(day_1.date, NINE, tzinfo=dt.UTC))
    attendance_mark(workshop=day_1, place=place, present=True)
    place.refresh_from_db()
    assert (place.status, place.completed_on) == (PlaceStatus.ATTENDED_DAY_1, None)

    clock.move_to(dt.datetime.combine(day_2.date, NINE, tzinfo=dt.UTC))
    attendance_mark(workshop=day_2, place=place, present=True)

    place.refresh_from_db()
    assert (place.status, place.completed_on) == (PlaceStatus.COMPLETED, day_2.date)


def test_absent_on_a_day_means_not_completed_and_corrections_undo_it(running, clock):
    cohort, place, day_1, day_2 = running
    clock.move_to(dt.datetime.combine(day_2.date, NINE, tzinfo=dt.UTC))
    attendance_mark(workshop=day_1, place=place, present=False)
    attendance_mark(workshop=day_2, place=place, present=True)
    place.refresh_from_db()
    assert (place.status, place.completed_on) == (PlaceStatus.BOOKED, None)

    attendance_mark(workshop=day_1, place=place, present=True)  # a correction
    place.refresh_from_db()
    assert place.status == PlaceStatus.COMPLETED
    attendance_mark(workshop=day_2, place=place, present=False)
    place.refresh_from_db()
    assert (place.status, place.completed_on) == (PlaceStatus.ATTENDED_DAY_1, None)
    assert Attendance.objects.filter(participant=place.participant).count() == 2


def test_attendance_cannot_be_marked_before_the_day(running):
    _, place, day_1, _ = running
    with pytest.raises(WorkshopError, match="can be marked from"):
        attendance_mark(workshop=day_1, place=place, present=True)


def test_attendance_is_only_for_booked_places_on_the_same_cohort(running, clock, attendee):
    cohort, place, day_1, _ = running
    other = make_open_cohort()
    waiting_elsewhere = place_book(
        establishment=EstablishmentFactory(la=other.local_authority),
        cohort=other,
        attendee=attendee,
    )
    clock.move_to(dt.datetime.combine(day_1.date, NINE, tzinfo=dt.UTC))
    with pytest.raises(WorkshopError, match="not on this workshop's cohort"):
        attendance_mark(workshop=day_1, place=waiting_elsewhere, present=True)


def test_attendance_of_a_cancelled_place_is_refused_and_not_saved(running, clock):
    cohort, place, day_1, _ = running
    place.status = PlaceStatus.CANCELLED
    place.save()
    clock.move_to(dt.datetime.combine(day_1.date, NINE, tzinfo=dt.UTC))

    with pytest.raises(BookingError, match="only for booked places"):
        attendance_mark(workshop=day_1, place=place, present=True)
    assert not Attendance.objects.exists()


def test_professionals_attend_without_taking_seats(running, clock):
    cohort, _, day_1, _ = running
    pro = professional_add(
        cohort=cohort,
        name="Dr Rao",
        organisation="Camden CAMHS",
        organisation_type=OrganisationType.NHS_CYPMHS,
        email="rao@nhs.example",
    )
    ProfessionalFactory.create_batch(25, cohort=cohort)  # more than the capacity: allowed
    clock.move_to(dt.datetime.combine(day_1.date, NINE, tzinfo=dt.UTC))

    attendance = attendance_mark(workshop=day_1, professional=pro, present=True)

    assert attendance.present and attendance.participant == pro.participant
    assert attendance.participant.person == pro
    assert cohort.professionals.count() == 26
    with pytest.raises(WorkshopError, match="one place or one professional"):
        attendance_mark(workshop=day_1, present=True)
