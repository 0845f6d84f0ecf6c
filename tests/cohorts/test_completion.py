"""When a cohort completes, each place on it settles by attendance: present on both days,
completed; on one day, "attended one day"; on neither, "did not attend". The last two hold no
place any more, so the school can book a later cohort, and reports count them apart
(issue 11, item 9)."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.scoping import scope_for
from cohorts.errors import BookingError
from cohorts.models import PlaceStatus
from cohorts.selectors import phases_progress, programme_counts, with_programme_status
from cohorts.services.cohorts import cohort_mark_completed, cohort_mark_running
from cohorts.services.places import Attendee, place_book
from cohorts.services.sessions import attendance_mark, attendance_mark_day
from schools.models import Establishment
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17), tzinfo=dt.UTC)


@pytest.fixture
def delivered(clock):
    """A running cohort after both workshop days, its registers marked: one school present on
    both days, one on day 1 only, one on day 2 only, one on neither."""
    cohort = make_open_cohort(name="Camden spring")
    schools = {
        key: EstablishmentFactory(la=cohort.local_authority, name=name)
        for key, name in (
            ("both", "Both Days School"),
            ("day_1", "Day One School"),
            ("day_2", "Day Two School"),
            ("neither", "Absent School"),
        )
    }
    places = {
        key: place_book(establishment=school, cohort=cohort, attendee=ATTENDEE)
        for key, school in schools.items()
    }
    cohort_mark_running(cohort=cohort)
    day_1, day_2 = cohort.workshops.get(day=1), cohort.workshops.get(day=2)
    clock.move_to(at(day_1.date))
    attendance_mark_day(
        workshop=day_1,
        present_place_ids={places["both"].pk, places["day_1"].pk},
        present_professional_ids=set(),
    )
    clock.move_to(at(day_2.date))
    attendance_mark_day(
        workshop=day_2,
        present_place_ids={places["both"].pk, places["day_2"].pk},
        present_professional_ids=set(),
    )
    return cohort, places


def statuses(places: dict) -> dict:
    for place in places.values():
        place.refresh_from_db()
    return {key: place.status for key, place in places.items()}


def test_completing_a_cohort_settles_each_place_by_attendance(delivered):
    cohort, places = delivered
    assert statuses(places) == {
        "both": PlaceStatus.COMPLETED,
        "day_1": PlaceStatus.ATTENDED_DAY_1,
        "day_2": PlaceStatus.BOOKED,
        "neither": PlaceStatus.BOOKED,
    }

    cohort_mark_completed(cohort=cohort)

    assert statuses(places) == {
        "both": PlaceStatus.COMPLETED,
        "day_1": PlaceStatus.ATTENDED_ONE_DAY,
        "day_2": PlaceStatus.ATTENDED_ONE_DAY,
        "neither": PlaceStatus.DID_NOT_ATTEND,
    }
    assert places["both"].completed_on == cohort.workshops.get(day=2).date
    assert places["neither"].completed_on is None
    assert places["neither"].history.first().status == PlaceStatus.DID_NOT_ATTEND  # audited


def test_a_place_never_marked_at_all_did_not_attend(clock):
    cohort = make_open_cohort()
    place = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    cohort_mark_running(cohort=cohort)

    cohort_mark_completed(cohort=cohort)

    place.refresh_from_db()
    assert place.status == PlaceStatus.DID_NOT_ATTEND


def test_a_school_that_did_not_complete_can_book_a_later_cohort(delivered):
    cohort, places = delivered
    cohort_mark_completed(cohort=cohort)
    later = make_open_cohort(local_authority=cohort.local_authority, name="Camden autumn")

    for key in ("day_1", "neither"):
        booked = place_book(
            establishment=places[key].establishment, cohort=later, attendee=ATTENDEE
        )
        assert booked.status == PlaceStatus.BOOKED
    with pytest.raises(BookingError, match="already has a place"):
        place_book(establishment=places["both"].establishment, cohort=later, attendee=ATTENDEE)


def test_a_register_corrected_after_completion_settles_the_place_again(delivered):
    cohort, places = delivered
    cohort_mark_completed(cohort=cohort)
    day_1, day_2 = cohort.workshops.get(day=1), cohort.workshops.get(day=2)

    attendance_mark(workshop=day_1, place=places["day_2"], present=True)
    attendance_mark(workshop=day_1, place=places["day_1"], present=False)
    attendance_mark(workshop=day_2, place=places["both"], present=False)

    assert statuses(places) == {
        "both": PlaceStatus.ATTENDED_ONE_DAY,
        "day_1": PlaceStatus.DID_NOT_ATTEND,
        "day_2": PlaceStatus.COMPLETED,
        "neither": PlaceStatus.DID_NOT_ATTEND,
    }
    assert places["day_2"].completed_on == day_2.date


def test_a_correction_cannot_complete_a_place_whose_school_has_booked_again(delivered):
    cohort, places = delivered
    cohort_mark_completed(cohort=cohort)
    later = make_open_cohort(local_authority=cohort.local_authority, name="Camden autumn")
    place_book(establishment=places["day_2"].establishment, cohort=later, attendee=ATTENDEE)

    with pytest.raises(BookingError, match="now holds a place on Camden autumn"):
        attendance_mark(workshop=cohort.workshops.get(day=1), place=places["day_2"], present=True)

    assert statuses(places)["day_2"] == PlaceStatus.ATTENDED_ONE_DAY
    assert not Attendance.objects.filter(
        participant=places["day_2"].participant, workshop__day=1, present=True
    ).exists()  # all or nothing


def test_a_completed_cohort_still_counts_the_seats_its_schools_took(admin_client, delivered):
    cohort, _ = delivered
    cohort_mark_completed(cohort=cohort)

    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk]))

    assert page.context["cohort"].seats_taken == 4
    text = page.content.decode()
    assert "Attended one day" in text and "Did not attend" in text  # on the roster still


def test_reports_count_attended_one_day_and_did_not_attend_apart(
    admin_client, admin_user, delivered
):
    cohort, places = delivered
    cohort_mark_completed(cohort=cohort)
    # Absent School books a later cohort: it counts as booked now, not as "did not attend".
    later = make_open_cohort(local_authority=cohort.local_authority, name="Camden autumn")
    place_book(establishment=places["neither"].establishment, cohort=later, attendee=ATTENDEE)

    counts = programme_counts(Establishment.objects.all())
    assert {key: counts[key] for key in ("booked", "completed")} == {"booked": 1, "completed": 1}
    assert (counts["attended_one_day"], counts["did_not_attend"], counts["waiting"]) == (2, 0, 0)
    labels = dict(
        with_programme_status(Establishment.objects.filter(places__cohort=cohort)).values_list(
            "name", "programme_status_label"
        )
    )
    assert labels == {
        "Both Days School": "Completed",
        "Day One School": "Attended one day",
        "Day Two School": "Attended one day",
        "Absent School": "Booked",
    }
    # By phase, places are counted on their cohort: Absent School did not attend this one.
    (phase,) = [p for p in phases_progress(scope=scope_for(admin_user)) if p.pk == cohort.phase_id]
    assert (phase.places_completed, phase.places_attended_one_day) == (1, 2)
    assert (phase.places_did_not_attend, phase.places_booked) == (1, 0)

    register = admin_client.get(
        reverse("schools:establishment-list"), {"programme_status": "attended_one_day"}
    )
    assert {e.name for e in register.context["object_list"]} == {"Day One School", "Day Two School"}
    dashboard = admin_client.get(reverse("home"))
    assert dashboard.context["programme"]["attended_one_day"] == 2
    assert "Attended one day" in dashboard.content.decode()
