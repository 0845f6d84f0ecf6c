"""The sessions layer alone: a delivery's sessions and professionals, written by
``workshops.services`` with no cohort rule (those are ``tests/cohorts/test_sessions.py``)."""

import datetime as dt

import pytest

from cohorts.models import CohortFormat
from tests.cohorts.factories import CohortFactory
from tests.workshops.factories import ProfessionalFactory, WorkshopFactory
from workshops.errors import WorkshopError
from workshops.models import Attendance, Participant, Workshop
from workshops.services import (
    WorkshopDetails,
    attendance_record,
    participant_move,
    professional_email_check,
    session_write,
    sessions_present,
    sessions_present_on,
)

pytestmark = pytest.mark.django_db

DETAILS = WorkshopDetails(date=dt.date(2026, 3, 2), start_time=dt.time(9), end_time=dt.time(16))


def test_each_cohort_has_its_own_delivery_whose_owner_it_is():
    one, two = CohortFactory(), CohortFactory()

    assert one.delivery_id != two.delivery_id
    assert one.delivery.kind == "cohort"
    assert one.delivery.owner == one
    assert str(one.delivery) == one.name


def test_a_session_is_written_once_and_rewritten_only_when_it_changes():
    delivery = CohortFactory().delivery

    session, changed = session_write(delivery=delivery, number=3, details=DETAILS)
    assert changed and (session.delivery, session.day) == (delivery, 3)
    again, changed = session_write(delivery=delivery, number=3, details=DETAILS)
    assert (again.pk, changed, again.history.count()) == (session.pk, False, 1)

    later = WorkshopDetails(date=dt.date(2026, 3, 9), start_time=dt.time(9), end_time=dt.time(16))
    moved, changed = session_write(delivery=delivery, number=3, details=later)
    assert (moved.pk, changed, moved.date) == (session.pk, True, dt.date(2026, 3, 9))
    assert Workshop.objects.filter(delivery=delivery).count() == 1


def test_a_session_ends_after_it_starts():
    backwards = WorkshopDetails(
        date=dt.date(2026, 3, 2), start_time=dt.time(16), end_time=dt.time(9)
    )
    with pytest.raises(WorkshopError, match="must end after it starts"):
        session_write(delivery=CohortFactory().delivery, number=1, details=backwards)
    assert not Workshop.objects.exists()


def test_a_session_is_where_its_delivery_is_unless_it_says_otherwise():
    cohort = CohortFactory(venue_name="Civic Centre", venue_address="1 High Street")
    own = WorkshopFactory(cohort=cohort, day=1, venue_name="Town Hall")
    inherited = WorkshopFactory(cohort=cohort, day=2)

    assert (own.venue, own.location) == ("Town Hall", "Town Hall, 1 High Street")
    assert (inherited.venue, inherited.location) == ("Civic Centre", "Civic Centre, 1 High Street")

    online = CohortFactory(format=CohortFormat.ONLINE, joining_link="https://meet.example/a")
    session = WorkshopFactory(cohort=online)
    assert (session.is_online, session.venue, session.location) == (
        True,
        "Online",
        "https://meet.example/a",
    )


def test_a_professional_is_once_per_delivery_by_email_without_case():
    rao = ProfessionalFactory(email="a.rao@nhs.example")
    elsewhere = CohortFactory().delivery

    with pytest.raises(WorkshopError) as refused:
        professional_email_check(delivery=rao.delivery, email="A.Rao@NHS.example")
    assert refused.value.code == "email_taken"
    professional_email_check(delivery=rao.delivery, email="A.Rao@nhs.example", professional=rao)
    professional_email_check(delivery=elsewhere, email="a.rao@nhs.example")


def test_attendance_is_per_session_and_participant_of_the_same_delivery():
    pro = ProfessionalFactory()
    day_1 = WorkshopFactory(delivery=pro.delivery, day=1, date=dt.date(2026, 3, 2))
    day_2 = WorkshopFactory(delivery=pro.delivery, day=2, date=dt.date(2026, 4, 13))
    elsewhere = WorkshopFactory()

    attendance_record(workshop=day_1, participant=pro.participant, present=True)
    again = attendance_record(workshop=day_1, participant=pro.participant, present=False)
    attendance_record(workshop=day_2, participant=pro.participant, present=True)

    assert (again.present, Attendance.objects.count()) == (False, 2)
    assert sessions_present(pro.participant) == [2]
    assert sessions_present_on(pro.participant) == {2: dt.date(2026, 4, 13)}
    with pytest.raises(WorkshopError, match="not on this workshop's delivery"):
        attendance_record(workshop=elsewhere, participant=pro.participant, present=True)
    assert Attendance.objects.count() == 2


def test_a_participant_moves_to_another_delivery_with_what_was_recorded():
    pro = ProfessionalFactory()
    absent = attendance_record(
        workshop=WorkshopFactory(delivery=pro.delivery), participant=pro.participant, present=False
    )
    other = CohortFactory().delivery

    participant_move(participant=pro.participant, delivery=other)

    pro.participant.refresh_from_db()
    assert pro.participant.delivery == other
    assert list(pro.participant.attendances.all()) == [absent]


def test_removing_a_professional_removes_their_participant_and_attendance():
    pro = ProfessionalFactory()
    attendance_record(
        workshop=WorkshopFactory(delivery=pro.delivery), participant=pro.participant, present=False
    )

    pro.delete()

    assert not Participant.objects.exists()
    assert not Attendance.objects.exists()
