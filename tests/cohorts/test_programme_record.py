"""The programme's record is not the outbox (issue 12, item 1): invitations, nudges,
reminders and what people were told of their workshop days are facts of their own, so
emptying or purging the outbox changes no figure and sends nothing again."""

import datetime as dt

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts import notifications
from cohorts.models import Invitation, InvitationChannel, ProgrammeStatus, Wave
from cohorts.selectors import programme_counts, wave_progress, with_programme_status
from cohorts.services.reminders import nudges_send, reminders_send
from cohorts.services.sessions import workshop_days_save
from cohorts.services.waves import wave_dispatch, wave_launch
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from schools.models import Establishment
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory, PlaceFactory, make_open_cohort
from tests.conftest import NOW
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    la = LocalAuthorityFactory(code="T01", name="Camden")
    phase = PhaseFactory(name="Year 1, autumn")
    phase.local_authorities.add(la)
    schools = [
        EstablishmentFactory(la=la, contact_email=f"lead{n}@camden.example") for n in range(5)
    ]
    return {"la": la, "phase": phase, "schools": schools}


def make_wave(area, **kwargs) -> Wave:
    return Wave.objects.create(name="Camden autumn", phase=area["phase"], **kwargs)


def status_of(establishment) -> str:
    return (
        with_programme_status(Establishment.objects.filter(pk=establishment.pk))
        .get()
        .programme_status
    )


def test_a_wave_writes_each_invitation_with_its_email_once(area, clock):
    wave = make_wave(area)
    wave_launch(wave=wave)

    wave_dispatch(wave_id=wave.pk)
    wave_dispatch(wave_id=wave.pk)

    invitations = Invitation.objects.filter(wave=wave).select_related("email")
    assert invitations.count() == 5
    for invitation in invitations:
        assert invitation.channel == InvitationChannel.EMAIL
        assert invitation.email.kind == EmailKind.INVITATION
        assert invitation.email.establishment_id == invitation.establishment_id
        assert invitation.email.campaign == f"Camden autumn (wave {wave.pk})"
    # Invited as soon as the invitation is recorded, whatever becomes of the email.
    assert {status_of(school) for school in area["schools"]} == {"invited"}


def test_an_invitation_that_cannot_be_recorded_takes_its_email_with_it(area, monkeypatch):
    wave = make_wave(area)
    wave_launch(wave=wave)

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Invitation.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        wave_dispatch(wave_id=wave.pk)

    assert not OutgoingEmail.objects.exists()  # one transaction: neither is written


def test_a_coordinator_records_a_phone_invitation_for_a_school_of_their_wave(client, area):
    wave = make_wave(area)
    phoned = area["schools"][0]
    regional = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[area["la"]])
    url = reverse("cohorts:wave-invitation-record", args=[wave.pk])
    client.force_login(regional)

    page = client.get(reverse("cohorts:wave-detail", args=[wave.pk])).content.decode()
    assert "Record an invitation made another way" in page
    response = client.post(url, {"urn": phoned.urn, "channel": "phone"}, follow=True)

    assert f"{phoned.name} recorded as invited (phone)" in response.content.decode()
    invitation = Invitation.objects.get(wave=wave, establishment=phoned)
    assert (invitation.channel, invitation.recorded_by, invitation.email) == (
        InvitationChannel.PHONE,
        regional,
        None,
    )
    assert status_of(phoned) == "invited"
    assert wave_progress(wave=wave)["recorded"] == 1
    # The wave emails the others only.
    wave_launch(wave=wave)
    assert wave_dispatch(wave_id=wave.pk) == 4
    assert not OutgoingEmail.objects.filter(establishment=phoned).exists()
    # Twice is refused; a school that is not the wave's, or a wave beyond one's areas, too.
    again = client.post(url, {"urn": phoned.urn, "channel": "paper"}, follow=True)
    assert "was invited in this wave already (phone)" in again.content.decode()
    elsewhere = EstablishmentFactory(la=LocalAuthorityFactory(code="T09", name="Leeds"))
    refused = client.post(url, {"urn": elsewhere.urn, "channel": "phone"}, follow=True)
    assert "No school of this wave has that URN" in refused.content.decode()
    outsider = user_with_role(
        Role.REGIONAL_COORDINATOR, username="leeds", local_authorities=[elsewhere.la]
    )
    client.force_login(outsider)
    assert client.post(url, {"urn": phoned.urn, "channel": "phone"}).status_code == 404
    assert Invitation.objects.filter(establishment=elsewhere).count() == 0


def test_the_migration_makes_invitations_nudges_and_reminders_from_old_emails(area):
    from importlib import import_module

    migration = import_module("cohorts.migrations.0014_invitations_from_emails")
    wave = make_wave(area)
    first, second, cancelled = area["schools"][:3]

    def old_email(kind, school, occurrence, status=EmailStatus.SENT, **fields):
        return OutgoingEmail.objects.create(
            kind=kind,
            recipient=school.contact_email,
            establishment=school,
            idempotency_key=f"{kind}|{school.contact_email}|schools.establishment:{school.pk}|"
            f"{occurrence}",
            campaign=occurrence,
            subject="s",
            body_text="t",
            status=status,
            **fields,
        )

    sent = old_email(EmailKind.INVITATION, first, f"wave-{wave.pk}", sent_at=NOW)
    old_email(EmailKind.INVITATION, second, f"wave-{wave.pk}", status=EmailStatus.QUEUED)
    old_email(EmailKind.INVITATION, cancelled, f"wave-{wave.pk}", status=EmailStatus.CANCELLED)
    old_email(EmailKind.NUDGE, first, f"wave-{wave.pk}")

    migration.invitations_from_emails(django_apps, None)
    migration.invitations_from_emails(django_apps, None)  # and again: nothing twice
    migration.campaigns_named(django_apps, None)

    invitations = {i.establishment_id: i for i in Invitation.objects.filter(wave=wave)}
    assert set(invitations) == {first.pk, second.pk}
    assert (invitations[first.pk].email, invitations[first.pk].invited_at) == (sent, NOW)
    assert invitations[first.pk].nudged_at is not None
    assert invitations[second.pk].nudged_at is None
    sent.refresh_from_db()
    assert sent.campaign == f"Camden autumn (wave {wave.pk})"

    # A later migration works the kept programme statuses out from what this one made
    # (its writes bypass the models' signals).
    import_module("cohorts.migrations.0025_programme_status").fill(django_apps, None)
    assert set(ProgrammeStatus.objects.values_list("establishment_id", "status")) == {
        (first.pk, "invited"),
        (second.pk, "invited"),
    }


def _figures(client, wave) -> dict:
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))  # a fresh session each day
    dashboard = client.get(reverse("home")).context
    return {
        "programme": programme_counts(Establishment.objects.all()),
        "wave": wave_progress(wave=wave),
        "dashboard": dashboard["programme"],
        "dashboard_waves": [w.progress for w in dashboard["waves"]],
        "by_region": dashboard["by_region"],
        "statuses": sorted(
            with_programme_status(Establishment.objects.all()).values_list("pk", "programme_status")
        ),
    }


def test_emptying_and_purging_the_outbox_changes_no_figure_and_sends_nothing_again(
    client, area, clock, django_capture_on_commit_callbacks
):
    # A wave under way: 3 of 5 invited by email, 1 by phone.
    wave = make_wave(area, rate_per_minute=3)
    Invitation.objects.create(
        wave=wave,
        establishment=area["schools"][4],
        channel=InvitationChannel.PHONE,
        invited_at=timezone.now(),
    )
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)
    # A cohort with three booked schools and two professionals, its workshop 1 moved.
    cohort = make_open_cohort(day_1=NOW.date() + dt.timedelta(days=20), local_authority=area["la"])
    for _ in range(3):
        PlaceFactory(cohort=cohort)
    for _ in range(2):
        ProfessionalFactory(cohort=cohort)
    day_1, day_2 = cohort.workshops.order_by("day")
    moved = WorkshopDetails(
        date=day_1.date + dt.timedelta(days=1), start_time=day_1.start_time, end_time=day_1.end_time
    )
    same = WorkshopDetails(date=day_2.date, start_time=day_2.start_time, end_time=day_2.end_time)
    with django_capture_on_commit_callbacks(execute=True):
        workshop_days_save(cohort=cohort, day_1=moved, day_2=same)
    assert OutgoingEmail.objects.filter(kind=EmailKind.WORKSHOP_CHANGE).count() == 3
    assert OutgoingEmail.objects.filter(kind=EmailKind.PROFESSIONAL_NOTICE).count() == 2
    # Two weeks on: the nudges and the 7-day reminders go.
    clock.move_to(NOW + dt.timedelta(days=14, minutes=1))
    assert nudges_send() == 4
    assert reminders_send() == 5  # the three schools and the two professionals
    OutgoingEmail.objects.update(status=EmailStatus.SENT, sent_at=timezone.now())
    before = _figures(client, wave)
    assert before["wave"]["invited"] == 4

    # The next day, retention: every body emptied, every email sent before today deleted.
    clock.move_to(NOW + dt.timedelta(days=15, minutes=1))
    OutgoingEmail.objects.update(body_text="", body_html="")
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    OutgoingEmail.objects.filter(status=EmailStatus.SENT, sent_at__lt=start_of_today).delete()
    assert not OutgoingEmail.objects.exists()

    assert _figures(client, wave) == before
    # Running the nudge, the reminders and the workshop change again queues nothing.
    assert nudges_send() == 0
    assert reminders_send() == 0
    with django_capture_on_commit_callbacks(execute=True):
        notifications.workshops_changed(workshop_ids=[day_1.pk])
    assert not OutgoingEmail.objects.exists()
