"""seed_demo: real demo data and logins, harmless to run twice, refused in production."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.services import DEMO_LOGINS
from cohorts.models import Cohort, CohortStatus, Phase, Place, PlaceStatus
from evaluation.models import Answer, Response, TimePoint
from schools.models import Establishment, MHSTeam
from workshops.models import Workshop

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


# --- Issue 11: the demo works for every role, on weekdays ---------------------------------


@pytest.mark.parametrize("day", range(7))
def test_demo_workshops_fall_on_weekdays_whatever_day_it_is_seeded(day):
    """2026-12-02 (a Wednesday) put the delivered cohort on Sundays and the open one on
    Saturdays; the days after it put the planned one at a weekend too."""
    from cohorts.services.demo import BOOKED_SCHOOLS, DELIVERED_SCHOOLS, demo_cohorts_seed
    from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

    la = LocalAuthorityFactory()
    EstablishmentFactory.create_batch(DELIVERED_SCHOOLS + BOOKED_SCHOOLS, la=la)
    seeded_on = dt.datetime(2026, 12, 2 + day, 10, tzinfo=dt.UTC)

    with time_machine.travel(seeded_on, tick=False):
        demo_cohorts_seed()

    workshops = list(Workshop.objects.order_by("delivery__cohort__name", "day"))
    assert len(workshops) == 6
    assert [w.date.strftime("%a") for w in workshops if w.date.weekday() >= 5] == []
    delivered, open_cohort, planned = (workshops[i : i + 2] for i in (0, 2, 4))
    for first, second in (delivered, open_cohort, planned):
        assert second.date - first.date == dt.timedelta(days=42)
    assert delivered[1].date < seeded_on.date() < open_cohort[0].date


@time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False)
def test_the_demo_coordinator_can_plan_and_invite_in_the_demo_phase(client, settings):
    settings.DEBUG = True
    seed()
    phase = Phase.objects.get(name="Phase 1 (demo)")
    demo_las = set(Establishment.objects.exclude(la=None).values_list("la", flat=True))
    assert set(phase.local_authorities.values_list("pk", flat=True)) == demo_las
    assert phase.mhst_areas.exists()
    assert not Workshop.objects.filter(date__week_day__in=(1, 7)).exists()  # Sunday, Saturday

    for username in ("coordinator", "admin"):
        client.force_login(get_user_model().objects.get(username=username))
        for name in ("cohorts:plan", "cohorts:create", "cohorts:wave-create"):
            page = client.get(reverse(name)).content.decode()
            assert f'<option value="{phase.pk}">Phase 1 (demo)</option>' in page, (username, name)
        la = phase.local_authorities.order_by("name").first()
        proposal = client.get(
            reverse("cohorts:plan"), {"phase": phase.pk, "area": f"la-{la.pk}", "size": 20}
        )
        assert "Proposal for" in proposal.content.decode(), username


def test_a_demo_phase_seeded_without_areas_gets_them_on_the_next_run(settings):
    settings.DEBUG = True
    seed()
    phase = Phase.objects.get(name="Phase 1 (demo)")
    phase.local_authorities.clear()
    phase.mhst_areas.clear()

    seed()

    assert phase.local_authorities.exists() and phase.mhst_areas.exists()


def test_a_seeded_contact_email_is_in_the_history_so_a_later_edit_shows_what_it_was(settings):
    from core.audit import history_of
    from schools.services.contacts import establishment_update_contact

    settings.DEBUG = True
    seed()
    school = Establishment.objects.eligible().order_by("urn").first()
    seeded = school.contact_email

    establishment_update_contact(establishment=school, contact_email="senco@school.example.org")

    latest, demo = history_of(school)[:2]
    assert [(c.old, c.new) for c in latest.changes] == [(seeded, "senco@school.example.org")]
    assert [(c.old, c.new) for c in demo.changes] == [("—", seeded)]
    assert demo.reason == "demo contact emails"
