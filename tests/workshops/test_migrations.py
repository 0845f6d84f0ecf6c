"""The migration that holds each professional once on a cohort, run on data entered before
the rule: copies with nothing recorded go, nothing recorded is lost, and a pair that both
have records stops the migration with a readable reason."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.cohorts.factories import CohortFactory
from tests.evaluation.factories import SurveyInvitationFactory
from tests.workshops.factories import ProfessionalFactory, WorkshopFactory
from workshops.models import Attendance, Professional

# PostgreSQL runs the schema changes inside the test's transaction, so they are undone after.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BEFORE = ("workshops", "0003_one_line_names")
AFTER = ("workshops", "0005_professional_email_once_per_cohort")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    with connection.cursor() as cursor:  # run deferred checks now, as a commit would
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def before_the_rule():
    migrate(BEFORE)
    yield
    migrate(AFTER)


def test_copies_with_nothing_recorded_go_and_the_recorded_one_stays(before_the_rule):
    cohort, other = CohortFactory(), CohortFactory()
    first = ProfessionalFactory(cohort=cohort, email="a.rao@nhs.example")
    present = ProfessionalFactory(cohort=cohort, email="A.Rao@nhs.example")
    ProfessionalFactory(cohort=cohort, email="a.rao@NHS.example")
    Attendance.objects.create(
        workshop=WorkshopFactory(cohort=cohort, date=dt.date(2026, 3, 2)), professional=present
    )
    plain = [ProfessionalFactory(cohort=cohort, email="s.lee@nhs.example") for _ in range(2)]
    elsewhere = ProfessionalFactory(cohort=other, email="a.rao@nhs.example")

    migrate(AFTER)

    assert set(Professional.objects.all()) == {present, plain[0], elsewhere}
    assert not Professional.objects.filter(pk=first.pk).exists()


def test_two_copies_both_with_records_stop_the_migration_and_say_which(before_the_rule):
    cohort = CohortFactory()
    twice = [ProfessionalFactory(cohort=cohort, email="a.rao@nhs.example") for _ in range(2)]
    workshop = WorkshopFactory(cohort=cohort)
    Attendance.objects.create(workshop=workshop, professional=twice[0])
    SurveyInvitationFactory(place=None, professional=twice[1])

    with pytest.raises(RuntimeError) as stopped:
        migrate(AFTER)

    message = str(stopped.value)
    assert f"cohort {cohort.pk}: professionals [{twice[0].pk}, {twice[1].pk}]" in message
    assert "Give one of each pair its own correct email address" in message
    assert "a.rao@nhs.example" not in message  # no personal data in logs
    assert Professional.objects.count() == 2
    # Once a person has corrected one address, the migration goes through.
    Professional.objects.filter(pk=twice[1].pk).update(email="anita.rao@nhs.example")
