"""Invitation waves, workshop reminders and nudges, with a frozen clock where time matters."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts.models import PlaceStatus, Wave, WaveStatus
from cohorts.services.reminders import nudges_send, reminders_send
from cohorts.services.waves import (
    WaveError,
    wave_cancel,
    wave_dispatch,
    wave_launch,
    wave_pause,
    wave_preview,
    wave_resume,
)
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from schools.models import Status, TypeGroup
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def area():
    la = LocalAuthorityFactory(code="T01", name="Camden")
    phase = PhaseFactory(name="Year 1, autumn")
    phase.local_authorities.add(la)
    schools = [
        EstablishmentFactory(la=la, contact_email=f"lead{n}@camden.example") for n in range(5)
    ]
    EstablishmentFactory(la=la, contact_email="")  # cannot be invited
    EstablishmentFactory(la=la, status=Status.CLOSED, contact_email="gone@camden.example")
    return {"la": la, "phase": phase, "schools": schools}


def make_wave(area, **kwargs) -> Wave:
    return Wave.objects.create(name="Camden autumn", phase=area["phase"], **kwargs)


def invitations(wave) -> OutgoingEmail:
    return OutgoingEmail.objects.filter(campaign=wave.campaign, kind=EmailKind.INVITATION)


def test_preview_counts_who_can_and_cannot_be_invited_and_renders_a_sample(area):
    preview = wave_preview(wave=make_wave(area))

    assert (preview.recipients, preview.without_email) == (5, 1)
    assert "Camden" in preview.sample_subject or area["schools"][0].name in preview.sample_subject
    assert "/cohorts/book/" in preview.sample_text


def test_launch_dispatch_twice_invites_each_school_once(area):
    wave = make_wave(area)
    wave_launch(wave=wave)

    first = wave_dispatch(wave_id=wave.pk)
    second = wave_dispatch(wave_id=wave.pk)

    assert (first, second) == (5, 0)
    assert invitations(wave).count() == 5
    assert sorted(invitations(wave).values_list("recipient", flat=True)) == sorted(
        s.contact_email for s in area["schools"]
    )
    wave.refresh_from_db()
    assert wave.status == WaveStatus.SENT


def test_the_rate_throttles_each_run_and_pause_and_resume_hold_and_continue(area):
    wave = make_wave(area, rate_per_minute=2)
    wave_launch(wave=wave)

    assert wave_dispatch(wave_id=wave.pk) == 2
    wave_pause(wave=wave)
    assert wave_dispatch(wave_id=wave.pk) == 0
    wave_resume(wave=wave)
    assert wave_dispatch(wave_id=wave.pk) == 2
    assert wave_dispatch(wave_id=wave.pk) == 1
    wave.refresh_from_db()
    assert wave.status == WaveStatus.SENT
    assert invitations(wave).count() == 5


def test_a_scheduled_wave_waits_for_its_time(area):
    wave = make_wave(area)
    with time_machine.travel(NOON, tick=False):
        wave_launch(wave=wave, send_at=NOON + dt.timedelta(hours=2))
        assert wave_dispatch(wave_id=wave.pk) == 0
    with time_machine.travel(NOON + dt.timedelta(hours=2, minutes=1), tick=False):
        assert wave_dispatch(wave_id=wave.pk) == 5


def test_filters_narrow_the_wave(area):
    academy = EstablishmentFactory(
        la=area["la"], type_code=34, type_group=TypeGroup.ACADEMIES, contact_email="a@x.example"
    )
    wave = make_wave(area, type_groups=[TypeGroup.ACADEMIES])

    assert wave_preview(wave=wave).recipients == 1
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)
    assert list(invitations(wave).values_list("establishment", flat=True)) == [academy.pk]


def test_cancel_stops_unsent_invitations_and_queues_no_more(area):
    wave = make_wave(area, rate_per_minute=2)
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)

    stopped = wave_cancel(wave=wave)

    assert stopped == 2
    assert set(invitations(wave).values_list("status", flat=True)) == {EmailStatus.CANCELLED}
    assert wave_dispatch(wave_id=wave.pk) == 0
    with pytest.raises(WaveError, match="Only a draft wave"):
        wave_launch(wave=wave)


def test_a_fully_queued_wave_can_no_longer_be_cancelled(area):
    wave = make_wave(area)
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)

    with pytest.raises(WaveError, match="no longer be cancelled"):
        wave_cancel(wave=wave)


def test_schools_with_a_place_are_not_invited(area):
    PlaceFactory(establishment=area["schools"][0], cohort=CohortFactory(local_authority=area["la"]))
    wave = make_wave(area)

    assert wave_preview(wave=wave).recipients == 4


def test_wave_pages_by_role_and_a_regional_wave_must_name_its_areas(client, area):
    wave = make_wave(area)
    detail = reverse("cohorts:wave-detail", args=[wave.pk])
    other_la = LocalAuthorityFactory(code="T09", name="Leeds")
    regional = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[area["la"]])
    outsider = user_with_role(
        Role.REGIONAL_COORDINATOR, username="leeds", local_authorities=[other_la]
    )

    client.force_login(regional)
    assert client.get(detail).status_code == 200
    response = client.post(
        reverse("cohorts:wave-create"), {"name": "All of it", "phase": area["phase"].pk}
    )
    assert "Choose the local authorities or MHST areas" in response.content.decode()
    response = client.post(
        reverse("cohorts:wave-create"),
        {
            "name": "Camden only",
            "phase": area["phase"].pk,
            "local_authorities": [area["la"].pk],
            "rate_per_minute": 0,
        },
    )
    assert response.status_code == 302

    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(detail).status_code == 403
    assert client.get(reverse("cohorts:wave-list")).status_code == 403


def test_the_wave_page_launches_and_reports_progress(client, area):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    wave = make_wave(area)

    page = client.get(reverse("cohorts:wave-detail", args=[wave.pk])).content.decode()
    assert "Will be invited" in page and "Cannot be invited (no contact email)" in page
    client.post(reverse("cohorts:wave-launch", args=[wave.pk]), {"send_at": ""})
    wave_dispatch(wave_id=wave.pk)
    OutgoingEmail.objects.filter(pk=invitations(wave).first().pk).update(status=EmailStatus.FAILED)

    progress = client.get(reverse("cohorts:wave-progress", args=[wave.pk])).json()
    assert (progress["targets"], progress["failed"], progress["pending"]) == (5, 1, 4)
    response = client.post(reverse("cohorts:wave-retry", args=[wave.pk]), follow=True)
    assert "1 failed invitations queued again" in response.content.decode()


def test_wave_pages_cost_the_same_at_20_and_200_schools(
    client, area, django_assert_max_num_queries
):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    wave = make_wave(area)
    url = reverse("cohorts:wave-detail", args=[wave.pk])
    for n in range(15):
        EstablishmentFactory(la=area["la"], contact_email=f"x{n}@c.example")
    with django_assert_max_num_queries(40) as small:
        client.get(url)
        client.get(reverse("cohorts:wave-list"))
    for n in range(180):
        EstablishmentFactory(la=area["la"], contact_email=f"y{n}@c.example")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
        client.get(reverse("cohorts:wave-list"))


# --- Reminders and nudges ---------------------------------------------------------------


def reminder_targets(kind_label):
    return sorted(
        OutgoingEmail.objects.filter(
            kind=EmailKind.WORKSHOP_REMINDER, idempotency_key__endswith=kind_label
        ).values_list("recipient", flat=True)
    )


def test_reminders_seven_days_and_one_day_before_never_early_for_a_late_booker():
    cohort = CohortFactory(status="open")
    workshop = WorkshopFactory(cohort=cohort, day=1, date=dt.date(2026, 10, 20))
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        early = PlaceFactory(
            cohort=cohort, attendee_email="early@s.example", booked_at=timezone.now()
        )
    # 7 days before: 13 October
    with time_machine.travel(dt.datetime(2026, 10, 13, 8, tzinfo=dt.UTC), tick=False):
        reminders_send()
        reminders_send()  # beat runs hourly: still one each
    assert reminder_targets("7d") == ["early@s.example"]
    # A school books on 17 October, three days before: no "7 days to go" for it, ever.
    with time_machine.travel(dt.datetime(2026, 10, 17, 10, tzinfo=dt.UTC), tick=False):
        PlaceFactory(cohort=cohort, attendee_email="late@s.example", booked_at=timezone.now())
        reminders_send()
    assert reminder_targets("7d") == ["early@s.example"]
    # The day before: both get the 1-day reminder.
    with time_machine.travel(dt.datetime(2026, 10, 19, 8, tzinfo=dt.UTC), tick=False):
        reminders_send()
    assert reminder_targets("1d") == ["early@s.example", "late@s.example"]
    assert workshop.pk and early.pk


def test_a_seven_day_reminder_missed_by_beat_goes_out_on_the_next_run():
    cohort = CohortFactory(status="open")
    WorkshopFactory(cohort=cohort, day=1, date=dt.date(2026, 10, 20))
    PlaceFactory(
        cohort=cohort,
        attendee_email="a@s.example",
        booked_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 10, 15, 8, tzinfo=dt.UTC), tick=False):
        reminders_send()  # beat was down on the 13th and 14th
    assert reminder_targets("7d") == ["a@s.example"]


def test_cancelled_places_and_cancelled_cohorts_get_no_reminders():
    live = CohortFactory(status="open")
    WorkshopFactory(cohort=live, day=1, date=dt.date(2026, 10, 20))
    PlaceFactory(cohort=live, status=PlaceStatus.CANCELLED, attendee_email="c@s.example")
    dead = CohortFactory(status="cancelled")
    WorkshopFactory(cohort=dead, day=1, date=dt.date(2026, 10, 20))
    PlaceFactory(cohort=dead, attendee_email="d@s.example")
    with time_machine.travel(dt.datetime(2026, 10, 19, 8, tzinfo=dt.UTC), tick=False):
        reminders_send()
    assert reminder_targets("1d") == []


def test_nudges_go_once_after_the_wait_and_not_to_schools_that_booked(area, settings):
    settings.LINK_NUDGE_AFTER_DAYS = 14
    wave = make_wave(area)
    with time_machine.travel(NOON, tick=False):
        wave_launch(wave=wave)
        wave_dispatch(wave_id=wave.pk)
    PlaceFactory(establishment=area["schools"][0], cohort=CohortFactory(local_authority=area["la"]))

    with time_machine.travel(NOON + dt.timedelta(days=13), tick=False):
        assert nudges_send() == 0
    with time_machine.travel(NOON + dt.timedelta(days=14, minutes=1), tick=False):
        assert nudges_send() == 4
        assert nudges_send() == 0
    nudged = OutgoingEmail.objects.filter(kind=EmailKind.NUDGE)
    assert area["schools"][0].pk not in set(nudged.values_list("establishment", flat=True))


@pytest.mark.postgres
def test_while_another_worker_holds_the_wave_it_dispatches_nothing(area):
    import psycopg2
    from django.db import connection

    from cohorts.services.waves import ADVISORY_LOCK_BASE

    wave = make_wave(area)
    wave_launch(wave=wave)
    db = connection.settings_dict
    other = psycopg2.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_BASE + wave.pk])
        assert wave_dispatch(wave_id=wave.pk) == 0  # another worker is dispatching it
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_BASE + wave.pk])
        assert wave_dispatch(wave_id=wave.pk) == 5
    finally:
        other.close()


def test_a_wave_cannot_be_scheduled_in_the_past(area):
    wave = make_wave(area)

    with pytest.raises(WaveError, match="in the past"):
        wave_launch(wave=wave, send_at=timezone.now() - dt.timedelta(minutes=5))

    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT


@pytest.mark.parametrize(
    "status, offered",
    [
        (WaveStatus.DRAFT, {"cancel"}),  # launched from its preview, with a send time
        (WaveStatus.SCHEDULED, {"pause", "cancel"}),
        (WaveStatus.SENDING, {"pause", "cancel"}),
        (WaveStatus.PAUSED, {"resume", "cancel"}),
        (WaveStatus.SENT, set()),
        (WaveStatus.CANCELLED, set()),
    ],
)
def test_the_wave_page_offers_exactly_the_actions_its_status_allows(client, area, status, offered):
    wave = make_wave(area)
    Wave.objects.filter(pk=wave.pk).update(status=status)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    page = client.get(reverse("cohorts:wave-detail", args=[wave.pk])).content.decode()

    shown = {
        action
        for action in ("pause", "resume", "cancel")
        if reverse(f"cohorts:wave-{action}", args=[wave.pk]) in page
    }
    assert shown == offered
    assert (reverse("cohorts:wave-launch", args=[wave.pk]) in page) == (status == WaveStatus.DRAFT)
    for action in {"pause", "resume", "cancel"} - offered:  # and the service refuses the rest
        client.post(reverse(f"cohorts:wave-{action}", args=[wave.pk]))
        wave.refresh_from_db()
        assert wave.status == status
