"""Migrations that carry data, run on rows entered before them.

The one that holds each professional once on a cohort: copies with nothing recorded go,
nothing recorded is lost, and a pair that both have records stops the migration with a
readable reason. The ones that put workshop days and professionals on a delivery: each
cohort gets its own delivery, and its days, professionals and their history move to it.

Rows are written with the models as they were at the migration (``old``), since today's
models have columns the tables did not have then.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cohorts.models import Cohort, Place
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import QuestionnaireFactory
from workshops.models import (
    Attendance,
    Delivery,
    Participant,
    ParticipantKind,
    Professional,
    Workshop,
)

# PostgreSQL runs the schema changes inside the test's transaction, so they are undone after.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BEFORE_THE_RULE = ("workshops", "0003_one_line_names")
BEFORE_DELIVERIES = ("cohorts", "0007_cohort_delivery")


def migrate(*targets):
    """Migrate to ``targets``, or to the newest migrations if none are given. Deferred
    checks run as each statement ends, as separate transactions would have them (PostgreSQL
    alters no table with pending trigger events)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


def old(app_label: str, model_name: str):
    """The model as the applied migrations have it."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(list(executor.loader.applied_migrations))
    return state.apps.get_model(app_label, model_name)


def old_professional(cohort, email):
    return old("workshops", "Professional").objects.create(
        cohort_id=cohort.pk,
        name="A professional",
        organisation="North London CYPMHS",
        organisation_type="nhs_cypmhs",
        email=email,
    )


def old_workshop(cohort, day, date):
    return old("workshops", "Workshop").objects.create(
        cohort_id=cohort.pk, day=day, date=date, start_time=dt.time(9), end_time=dt.time(16)
    )


@pytest.fixture
def before_the_rule():
    cohorts = CohortFactory(), CohortFactory()
    migrate(BEFORE_THE_RULE)
    yield cohorts
    migrate()


def test_copies_with_nothing_recorded_go_and_the_recorded_one_stays(before_the_rule):
    cohort, other = before_the_rule
    first = old_professional(cohort, "a.rao@nhs.example")
    present = old_professional(cohort, "A.Rao@nhs.example")
    old_professional(cohort, "a.rao@NHS.example")
    old("workshops", "Attendance").objects.create(
        workshop_id=old_workshop(cohort, 1, dt.date(2026, 3, 2)).pk, professional_id=present.pk
    )
    plain = [old_professional(cohort, "s.lee@nhs.example") for _ in range(2)]
    elsewhere = old_professional(other, "a.rao@nhs.example")

    migrate()

    assert set(Professional.objects.values_list("pk", flat=True)) == {
        present.pk,
        plain[0].pk,
        elsewhere.pk,
    }
    assert not Professional.objects.filter(pk=first.pk).exists()
    assert (
        Attendance.objects.get().participant == Professional.objects.get(pk=present.pk).participant
    )


def test_two_copies_both_with_records_stop_the_migration_and_say_which(before_the_rule):
    cohort, _ = before_the_rule
    twice = [old_professional(cohort, "a.rao@nhs.example") for _ in range(2)]
    workshop = old_workshop(cohort, 1, dt.date(2026, 3, 2))
    old("workshops", "Attendance").objects.create(
        workshop_id=workshop.pk, professional_id=twice[0].pk
    )
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    old("evaluation", "SurveyInvitation").objects.create(
        time_point="baseline",
        cohort_id=cohort.pk,
        professional_id=twice[1].pk,
        questionnaire_id=QuestionnaireFactory().pk,
        due_at=now,
        closes_at=now + dt.timedelta(days=30),
    )

    with pytest.raises(RuntimeError) as stopped:
        migrate()

    message = str(stopped.value)
    assert f"cohort {cohort.pk}: professionals [{twice[0].pk}, {twice[1].pk}]" in message
    assert "Give one of each pair its own correct email address" in message
    assert "a.rao@nhs.example" not in message  # no personal data in logs
    assert old("workshops", "Professional").objects.count() == 2
    # Once a person has corrected one address, the migration goes through.
    old("workshops", "Professional").objects.filter(pk=twice[1].pk).update(
        email="anita.rao@nhs.example"
    )


@pytest.fixture
def before_deliveries():
    cohorts = CohortFactory(), CohortFactory(), CohortFactory()
    place = PlaceFactory(cohort=cohorts[0])
    migrate(BEFORE_DELIVERIES)
    yield (*cohorts, place)
    migrate()


def test_each_cohort_gets_a_delivery_with_its_days_and_professionals(before_deliveries):
    camden, islington, empty, place = before_deliveries
    days = [old_workshop(camden, day, dt.date(2026, 3, 2 + 7 * day)) for day in (1, 2)]
    other_day = old_workshop(islington, 1, dt.date(2026, 5, 4))
    rao = old_professional(camden, "a.rao@nhs.example")
    lee = old_professional(islington, "s.lee@nhs.example")
    old("workshops", "Attendance").objects.create(workshop_id=days[0].pk, professional_id=rao.pk)
    old("workshops", "Attendance").objects.create(
        workshop_id=days[1].pk, place_id=place.pk, present=False
    )
    old("workshops", "HistoricalWorkshop").objects.create(
        id=days[0].pk,
        cohort_id=camden.pk,
        day=1,
        date=days[0].date,
        start_time=days[0].start_time,
        end_time=days[0].end_time,
        history_date=days[0].created_at,
        history_type="+",
    )

    migrate()

    camden, islington, empty = (Cohort.objects.get(pk=c.pk) for c in before_deliveries[:3])
    assert Delivery.objects.count() == 3
    assert len({camden.delivery_id, islington.delivery_id, empty.delivery_id}) == 3
    assert {w.pk for w in camden.workshops.all()} == {d.pk for d in days}
    assert [w.pk for w in islington.workshops.all()] == [other_day.pk]
    assert not empty.workshops.exists()
    assert [p.pk for p in camden.professionals.all()] == [rao.pk]
    assert [p.pk for p in islington.professionals.all()] == [lee.pk]
    assert Workshop.objects.get(pk=days[0].pk).history.first().delivery_id == camden.delivery_id
    assert camden.delivery.owner == camden
    # Every person on a delivery became its participant, with their attendance.
    place, rao = Place.objects.get(pk=place.pk), Professional.objects.get(pk=rao.pk)
    assert (place.participant.kind, place.participant.delivery) == (
        ParticipantKind.SCHOOL_ATTENDEE,
        camden.delivery,
    )
    assert (rao.participant.kind, rao.participant.delivery) == (
        ParticipantKind.PROFESSIONAL,
        camden.delivery,
    )
    assert Participant.objects.count() == 3  # the place, Dr Rao, and Islington's professional
    assert set(Attendance.objects.values_list("workshop", "participant", "present")) == {
        (days[0].pk, rao.participant_id, True),
        (days[1].pk, place.participant_id, False),
    }
