"""Changes made by a task or a command are recorded as a named system actor, not nobody."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from cohorts.models import Place, PlaceStatus
from cohorts.services import cohorts, places, sessions, waves
from cohorts.services.places import Attendee, place_book, place_cancel
from cohorts.tasks import expire_offers
from core.actors import acting_as, actor_name, current_actor, system_actor
from core.audit import history_of
from outbox.services import queueing
from schools.models import Establishment
from schools.services import contacts, staging
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import make_open_cohort
from tests.schools.conftest import DATA
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def attendee(n: int) -> Attendee:
    return Attendee(name=f"Lead {n}", role="Mental health lead", email=f"lead{n}@s.example")


def test_a_scheduled_task_is_recorded_as_its_own_system_actor(clock, stub_outbox_broker):
    cohort = make_open_cohort(capacity=1)
    booked = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee(1),
    )
    waiting = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee(2),
    )
    place_cancel(place=booked)
    clock.shift(dt.timedelta(hours=49))

    assert expire_offers.apply().get() == 1  # as the worker runs it, signals included

    waiting.refresh_from_db()
    assert waiting.status == PlaceStatus.CANCELLED
    latest = Place.history.filter(id=waiting.pk).latest("history_date")
    assert latest.history_user.get_username() == "system.task.cohorts.tasks.expire_offers"
    assert history_of(waiting)[0].who == "Task: expire offers"
    assert current_actor() is None  # and nothing leaks past the task


def test_a_command_is_recorded_as_its_own_system_actor():
    call_command("load_areas", stdout=None)
    call_command("import_gias", str(DATA / "gias_2018_20.csv"), stdout=None)

    establishment = Establishment.objects.first()
    record = establishment.history.latest("history_date")
    assert record.history_user.get_username() == "system.command.import_gias"
    assert record.history_change_reason == "GIAS import"
    assert history_of(establishment)[0].who == "Command: import_gias"


def test_a_system_actor_cannot_sign_in_and_holds_no_role():
    actor = system_actor("task.example", "Task: example")

    assert not actor.is_active and not actor.has_usable_password()
    assert not actor.groups.exists()
    assert authenticate(username=actor.get_username(), password="") is None
    assert actor_name(actor) == "Task: example"
    assert system_actor("task.example", "Task: example").pk == actor.pk  # made once


def test_acting_as_gives_back_what_was_there(django_user_model):
    person = django_user_model.objects.create_user("person")
    with acting_as(person):
        with acting_as(system_actor("task.inner", "Task: inner")):
            assert current_actor().get_username() == "system.task.inner"
        assert current_actor() == person
    assert current_actor() is None


def test_a_service_given_an_actor_records_its_changes_as_theirs(stub_outbox_broker):
    coordinator = UserFactory(username="phoned-in")
    cohort = make_open_cohort(capacity=2)
    school = EstablishmentFactory(la=cohort.local_authority)

    place = place_book(establishment=school, cohort=cohort, attendee=attendee(1), actor=coordinator)
    place_cancel(place=place, actor=coordinator)

    records = Place.history.filter(id=place.pk)
    assert records.count() >= 2
    assert {record.history_user for record in records} == {coordinator}
    # Without an actor, and outside a request, task or command: nobody, as before.
    other = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee(2),
    )
    assert Place.history.filter(id=other.pk).first().history_user is None


def test_every_service_a_person_acts_through_takes_an_actor():
    for service in (
        cohorts.cohort_cancel,
        places.place_book,
        places.place_move,
        sessions.workshop_days_save,
        waves.wave_launch,
        queueing.email_retry,
        contacts.establishment_update_contact,
        staging.register_change_apply,
    ):
        assert getattr(service, "takes_actor", False), service.__name__
