"""What the database itself refuses, and the admin pages for every model."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohorts.models import Cohort, Phase, Place, PlaceStatus
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.workshops.factories import ProfessionalFactory, WorkshopFactory
from workshops.models import Attendance, ParticipantKind, Workshop

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_active_place_per_establishment_is_a_database_constraint():
    place = PlaceFactory()
    other = CohortFactory()
    fields = {
        "establishment": place.establishment,
        "cohort": other,
        "attendee_name": "X",
        "attendee_role": "Y",
        "attendee_email": "x@example.org",
    }

    refused(lambda: Place.objects.create(**fields, status=PlaceStatus.WAITING, waiting_position=1))
    Place.objects.create(**fields, status=PlaceStatus.CANCELLED)  # cancelled ones don't count


def test_place_states_need_their_fields():
    cohort = CohortFactory()
    refused(lambda: PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING))  # no position
    refused(lambda: PlaceFactory(cohort=cohort, status=PlaceStatus.OFFERED))  # no expiry
    refused(lambda: PlaceFactory(cohort=cohort, status=PlaceStatus.COMPLETED))  # no date
    PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING, waiting_position=1)
    refused(lambda: PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING, waiting_position=1))


def test_cohort_and_phase_constraints():
    phase = PhaseFactory()
    refused(lambda: Cohort.objects.create(phase=phase, name="No area"))
    refused(lambda: CohortFactory(capacity=21))
    refused(lambda: CohortFactory(capacity=0))
    refused(
        lambda: Phase.objects.create(
            name="Backwards", start_date=dt.date(2026, 2, 1), end_date=dt.date(2026, 1, 1)
        )
    )


def test_a_session_is_numbered_from_1_once_per_delivery_and_ends_after_it_starts():
    # That a cohort has days 1 and 2 only is its rule, kept by the service
    # (tests/cohorts/test_sessions.py): the table numbers any delivery's sessions.
    cohort = CohortFactory()
    WorkshopFactory(cohort=cohort, day=1)
    refused(lambda: WorkshopFactory(cohort=cohort, day=1))
    refused(lambda: WorkshopFactory(cohort=cohort, day=0))
    refused(
        lambda: WorkshopFactory(cohort=cohort, day=2, start_time=dt.time(16), end_time=dt.time(9))
    )
    assert Workshop.objects.count() == 1


def test_attendance_is_for_one_participant_once_per_day():
    place = PlaceFactory()
    workshop = WorkshopFactory(cohort=place.cohort)
    professional = ProfessionalFactory(cohort=place.cohort)
    # A place has its participant (the school's attendee), a professional is one: each its
    # own, on the cohort's delivery.
    assert place.participant.kind == ParticipantKind.SCHOOL_ATTENDEE
    assert professional.participant.kind == ParticipantKind.PROFESSIONAL
    assert place.participant_id != professional.participant_id
    assert {place.participant.delivery_id, professional.participant.delivery_id} == {
        place.cohort.delivery_id
    }
    assert (place.participant.person, professional.participant.person) == (place, professional)
    refused(lambda: Attendance.objects.create(workshop=workshop))
    Attendance.objects.create(workshop=workshop, participant=place.participant)
    refused(lambda: Attendance.objects.create(workshop=workshop, participant=place.participant))
    Attendance.objects.create(workshop=workshop, participant=professional.participant)


@pytest.mark.parametrize(
    "model",
    [
        "cohorts_phase",
        "cohorts_cohort",
        "cohorts_place",
        "workshops_workshop",
        "workshops_professional",
        "workshops_attendance",
    ],
)
def test_admin_lists_filter_and_search(admin_client, model):
    place = PlaceFactory()
    workshop = WorkshopFactory(cohort=place.cohort)
    Attendance.objects.create(workshop=workshop, participant=place.participant)
    ProfessionalFactory(cohort=place.cohort)

    url = reverse(f"admin:{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "Test"}).status_code == 200
