"""Each cohort's kept place counts (``cohorts.PlaceCount``) follow every kind of write to the
places, by triggers, whichever code writes: a booking through the service, a bulk create, a
queryset update, a move to another cohort, deletes of one place and of many. The
dashboard's phases read them; the live count over the places is the definition."""

import pytest

from accounts.scoping import NATIONAL, Scope
from cohorts.models import Cohort, Place, PlaceCount, PlaceStatus
from cohorts.place_counts import place_counts_drift
from cohorts.selectors import phases_progress
from cohorts.services.places import Attendee, place_book, place_cancel
from tests.cohorts.factories import CohortFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory
from workshops.models import Participant, ParticipantKind

# The counts are kept by PostgreSQL triggers; on SQLite the dashboard counts the places.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


def kept(cohort) -> dict[str, int]:
    return dict(PlaceCount.objects.filter(cohort=cohort).values_list("status", "places"))


def progress(scope=NATIONAL) -> dict[int, tuple]:
    return {
        phase.pk: (
            phase.places_booked,
            phase.places_completed,
            phase.places_attended_one_day,
            phase.places_did_not_attend,
        )
        for phase in phases_progress(scope=scope)
    }


def live_progress(monkeypatch, scope=NATIONAL) -> dict[int, tuple]:
    with monkeypatch.context() as patched:
        patched.setattr("cohorts.selectors.dashboard.place_counts_in_use", lambda: False)
        return progress(scope)


def test_the_counts_follow_every_kind_of_write(monkeypatch):
    cohort = make_open_cohort(name="Camden spring")
    other = CohortFactory(phase=cohort.phase, local_authority=cohort.local_authority)

    booked = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    assert kept(cohort) == {"booked": 1}

    Place.objects.bulk_create(
        [
            Place(
                cohort=cohort,
                establishment=EstablishmentFactory(),
                participant=Participant.objects.create(
                    delivery_id=cohort.delivery_id, kind=ParticipantKind.SCHOOL_ATTENDEE
                ),
                status=status,
                **extra,
            )
            for status, extra in (
                (PlaceStatus.COMPLETED, {"completed_on": "2026-11-01"}),
                (PlaceStatus.COMPLETED, {"completed_on": "2026-11-01"}),
                (PlaceStatus.DID_NOT_ATTEND, {}),
            )
        ]
    )
    from cohorts.status_summary import programme_status_refresh

    programme_status_refresh(Place.objects.values_list("establishment_id", flat=True))
    assert kept(cohort) == {"booked": 1, "completed": 2, "did_not_attend": 1}

    Place.objects.filter(cohort=cohort, status=PlaceStatus.DID_NOT_ATTEND).update(
        status=PlaceStatus.ATTENDED_ONE_DAY
    )
    assert kept(cohort) == {"booked": 1, "completed": 2, "attended_one_day": 1}

    place_cancel(place=booked)
    assert kept(cohort) == {"cancelled": 1, "completed": 2, "attended_one_day": 1}

    Place.objects.filter(cohort=cohort, status=PlaceStatus.COMPLETED).update(cohort=other)
    assert kept(cohort) == {"cancelled": 1, "attended_one_day": 1}
    assert kept(other) == {"completed": 2}
    assert progress() == live_progress(monkeypatch)
    assert progress()[cohort.phase_id] == (0, 2, 1, 0)

    Place.objects.get(cohort=cohort, status=PlaceStatus.ATTENDED_ONE_DAY).delete()
    assert kept(cohort) == {"cancelled": 1}  # a count of none is no row
    Place.objects.filter(cohort=other).delete()  # a cohort's places before the cohort
    Cohort.objects.filter(pk=other.pk).delete()
    assert not PlaceCount.objects.filter(cohort_id=other.pk).exists()
    assert place_counts_drift() == []
    assert progress() == live_progress(monkeypatch)


def test_a_coordinator_sees_only_their_cohorts_counted(monkeypatch):
    mine = CohortFactory()
    mine.phase.local_authorities.add(mine.local_authority)  # the phase reaches their LA
    theirs = CohortFactory(phase=mine.phase)
    for cohort, n in ((mine, 2), (theirs, 3)):
        for _ in range(n):
            PlaceFactory(cohort=cohort)
    scope = Scope(la_ids=frozenset({mine.local_authority_id}))
    assert progress(scope)[mine.phase_id][0] == 2
    assert progress(scope) == live_progress(monkeypatch, scope)
    assert progress()[mine.phase_id][0] == 5


def test_the_drift_check_finds_a_count_written_by_hand():
    PlaceFactory()
    assert place_counts_drift() == []
    PlaceCount.objects.update(places=7)
    drift = place_counts_drift()
    assert drift and drift[0][2:] == (7, 1)
    PlaceCount.objects.update(places=1)  # as it was, for the check after the test
