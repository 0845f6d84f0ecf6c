"""The last seat of a cohort, booked by many schools at once on real PostgreSQL row locks."""

import threading

import pytest
from django.db import connection

from cohorts.errors import BookingError
from cohorts.models import SEAT_HOLDING_STATUSES, CohortStatus, Place, PlaceStatus
from cohorts.services.places import Attendee, place_book
from tests.cohorts.factories import PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory

pytestmark = [pytest.mark.postgres]

THREADS = 24
ATTENDEE = Attendee(name="Race Lead", role="SMHL", email="race@school.example")


def run_together(targets):
    """Start every target at the same moment, each on its own connection; collect outcomes."""
    barrier = threading.Barrier(len(targets))
    outcomes: list = [None] * len(targets)

    def run(index, target):
        try:
            connection.ensure_connection()  # connect first, so the bookings themselves race
            barrier.wait(timeout=30)
            outcomes[index] = target()
        except BookingError as error:
            outcomes[index] = error
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a booking thread hung"
    return outcomes


def test_many_schools_booking_the_last_seat_at_once_never_overfill_it(transactional_db):
    cohort = make_open_cohort(capacity=20)
    for _ in range(19):
        PlaceFactory(cohort=cohort)
    schools = [EstablishmentFactory(la=cohort.local_authority) for _ in range(THREADS)]

    outcomes = run_together(
        [
            lambda school=school: place_book(establishment=school, cohort=cohort, attendee=ATTENDEE)
            for school in schools
        ]
    )

    unexpected = [o for o in outcomes if not isinstance(o, Place | BookingError)]
    assert unexpected == []
    booked = [o for o in outcomes if isinstance(o, Place) and o.status == PlaceStatus.BOOKED]
    waiting = [o for o in outcomes if isinstance(o, Place) and o.status == PlaceStatus.WAITING]
    refused = [o for o in outcomes if isinstance(o, BookingError)]
    assert len(booked) == 1
    assert len(waiting) + len(refused) == THREADS - 1
    assert all(e.message for e in refused)
    assert sorted(p.waiting_position for p in waiting) == list(range(1, len(waiting) + 1))
    assert Place.objects.filter(cohort=cohort, status__in=SEAT_HOLDING_STATUSES).count() == 20
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.FULL


def test_one_school_booking_many_cohorts_at_once_gets_one_place(transactional_db):
    cohorts = [make_open_cohort(capacity=5) for _ in range(THREADS)]
    school = EstablishmentFactory()

    outcomes = run_together(
        [
            lambda cohort=cohort: place_book(establishment=school, cohort=cohort, attendee=ATTENDEE)
            for cohort in cohorts
        ]
    )

    places = [o for o in outcomes if isinstance(o, Place)]
    refused = [o for o in outcomes if isinstance(o, BookingError)]
    assert len(places) == 1, outcomes
    assert len(refused) == THREADS - 1
    assert all("already has a place in the programme" in e.message for e in refused)
    assert Place.objects.filter(establishment=school).count() == 1
