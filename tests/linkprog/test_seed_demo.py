"""seed_demo: real demo data and logins, harmless to run twice, refused in production."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from accounts.services import DEMO_LOGINS
from cohorts.models import Cohort, CohortStatus, Place, PlaceStatus
from evaluation.models import Answer, Response, TimePoint
from schools.models import Establishment, MHSTeam

pytestmark = pytest.mark.django_db


def seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def snapshot():
    return (
        list(Establishment.objects.order_by("urn").values_list("urn", "contact_email")),
        list(MHSTeam.objects.order_by("pk").values_list("name", "schools_served")),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
        list(Place.objects.order_by("pk").values_list("cohort__name", "status")),
        Response.objects.count(),
        Answer.objects.count(),
    )


def test_seeds_a_delivered_cohort_with_survey_answers_the_reports_can_show(settings):
    settings.DEBUG = True

    out = seed()

    delivered = Cohort.objects.get(status=CohortStatus.COMPLETED)
    assert delivered.places.filter(status=PlaceStatus.COMPLETED).count() == 18
    assert Cohort.objects.filter(status=CohortStatus.OPEN).get().places.count() == 9
    submitted = Response.objects.filter(cohort=delivered, submitted_at__isnull=False)
    # Enough at each time point to clear the reports' small-cell rule.
    assert submitted.filter(time_point=TimePoint.BASELINE).count() >= 5
    assert submitted.filter(time_point=TimePoint.POST).count() >= 5
    assert submitted.filter(time_point=TimePoint.FOLLOW_UP).count() >= 5
    # Nobody answers a section not asked at their time point (professionals' feedback).
    for response in submitted.prefetch_related("answers__question__section"):
        for answer in response.answers.all():
            assert answer.question.section.asked_at(response.time_point)
    for answer in Answer.objects.select_related("question")[:200]:
        answer.full_clean()
    assert "(delivered)" in out and "survey responses" in out
    facilitator = get_user_model().objects.get(username="facilitator")
    assert set(facilitator.facilitated_cohorts.all()) == set(Cohort.objects.all())


def test_seeds_real_establishments_and_prints_working_logins(settings):
    settings.DEBUG = True

    out = seed()

    assert 200 <= Establishment.objects.count() <= 1000
    assert Establishment.objects.filter(urn=100008, name="Argyle Primary School").exists()
    assert Establishment.objects.eligible().exclude(mhst_area=None).exists()
    assert MHSTeam.objects.exists()
    assert not Establishment.objects.eligible().filter(contact_email="").exists()
    for login in DEMO_LOGINS:
        assert f"username {login.username}" in out
        assert f"password {login.password}" in out
        assert authenticate(username=login.username, password=login.password) is not None


def test_running_twice_is_harmless(settings):
    settings.DEBUG = True
    seed()
    before = snapshot()

    out = seed()

    assert snapshot() == before
    assert "existed already" in out


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published passwords"):
        seed()
    assert not get_user_model().objects.exists()

    seed(force=True)
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
