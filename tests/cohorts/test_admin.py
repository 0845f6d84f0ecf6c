"""The Django admin keeps the programme's rules: cohorts, workshop days, places, waves,
professionals and attendance are read-only there, each linking to the page that changes them
through the services; its bulk actions call the services, so the people affected are told
and the history records who did it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CancelReason, PlaceStatus, Wave, WaveStatus
from cohorts.services.places import Attendee, place_book
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.factories import PhaseFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Attendance, Workshop

pytestmark = pytest.mark.django_db

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


@pytest.fixture
def records(clock):
    """An open cohort with a booked place, a professional, attendance and a wave."""
    cohort = make_open_cohort(name="Camden spring")
    place = place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    workshop = cohort.workshops.get(day=1)
    return {
        "cohort": cohort,
        "place": place,
        "workshop": workshop,
        "professional": ProfessionalFactory(cohort=cohort),
        "attendance": Attendance.objects.create(workshop=workshop, participant=place.participant),
        "wave": Wave.objects.create(name="Autumn", phase=cohort.phase, status=WaveStatus.SENDING),
    }


def admin_url(obj, view="change", *args):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk, *args])


def workshop_post(workshop, date: dt.date) -> dict:
    return {
        "delivery": workshop.delivery_id,
        "day": workshop.day,
        "date": date.isoformat(),
        "start_time": "09:30",
        "end_time": "16:00",
        "venue_name": "",
        "venue_address": "",
        "joining_link": "",
    }


def test_past_workshop_dates_for_an_open_cohort_cannot_be_posted(admin_client, records):
    workshop = records["workshop"]
    before = (workshop.date, workshop.history.count(), OutgoingEmail.objects.count())
    past = timezone.localdate() - dt.timedelta(days=3)

    response = admin_client.post(admin_url(workshop), workshop_post(workshop, past))

    assert response.status_code == 403
    workshop.refresh_from_db()
    assert (workshop.date, workshop.history.count(), OutgoingEmail.objects.count()) == before


def test_nor_through_the_cohorts_inline_or_a_history_revert(admin_client, records):
    cohort, workshop = records["cohort"], records["workshop"]
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    inline = {
        "name": cohort.name,
        "phase": cohort.phase_id,
        "local_authority": cohort.local_authority_id,
        "capacity": 20,
        "format": cohort.format,
        "workshops-TOTAL_FORMS": 1,
        "workshops-INITIAL_FORMS": 1,
        "workshops-0-id": workshop.pk,
        "workshops-0-delivery": cohort.delivery_id,
        "workshops-0-day": 1,
        "workshops-0-date": past,
        "workshops-0-start_time": "09:30",
        "workshops-0-end_time": "16:00",
    }
    assert admin_client.post(admin_url(cohort), inline).status_code == 403

    version = workshop.history.first().history_id
    revert = admin_url(workshop, "simple_history", version)
    assert admin_client.get(revert).status_code == 200  # it can be looked at
    assert admin_client.post(revert, workshop_post(workshop, dt.date(2020, 1, 6))).status_code == (
        403
    )
    workshop.refresh_from_db()
    assert workshop.date > timezone.localdate()


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("cohort", lambda r: reverse("cohorts:detail", args=[r["cohort"].pk])),
        ("workshop", lambda r: reverse("cohorts:workshops", args=[r["cohort"].pk])),
        ("place", lambda r: reverse("cohorts:detail", args=[r["cohort"].pk])),
        (
            "professional",
            lambda r: reverse("cohorts:professional-edit", args=[r["professional"].pk]),
        ),
        ("attendance", lambda r: reverse("cohorts:detail", args=[r["cohort"].pk])),
        ("wave", lambda r: reverse("cohorts:wave-detail", args=[r["wave"].pk])),
    ],
)
def test_each_record_is_read_only_and_links_to_the_page_that_changes_it(
    admin_client, records, name, page
):
    obj = records[name]
    meta = obj._meta

    response = admin_client.get(admin_url(obj))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{page(records)}"' in html
    assert 'type="submit" value="Save"' not in html
    assert admin_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    ).status_code == (403)
    assert admin_client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    # The history page is the record's audit trail.
    assert admin_client.get(admin_url(obj, "history")).status_code == 200


def test_cancelling_places_in_the_admin_tells_the_school_and_leaves_history(
    admin_client, admin_user, records, django_capture_on_commit_callbacks
):
    place = records["place"]
    told = OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:cohorts_place_changelist"),
            {"action": "cancel_places", "_selected_action": [place.pk]},
        )

    place.refresh_from_db()
    assert (place.status, place.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.BY_COORDINATOR,
    )
    assert list(told.values_list("recipient", flat=True)) == [ATTENDEE.email]
    latest = place.history.first()
    assert (latest.status, latest.history_user) == (PlaceStatus.CANCELLED, admin_user)
    history = admin_client.get(admin_url(place, "history")).content.decode()
    assert "Cancelled" in history and admin_user.username in history


def test_pausing_a_wave_in_the_admin_leaves_history(admin_client, admin_user, records):
    wave = records["wave"]

    admin_client.post(
        reverse("admin:cohorts_wave_changelist"),
        {"action": "pause_waves", "_selected_action": [wave.pk]},
    )

    latest = wave.history.first()
    assert (latest.status, latest.history_user) == (WaveStatus.PAUSED, admin_user)


def test_phases_are_still_edited_in_the_admin(admin_client):
    phase = PhaseFactory(name="Year 1")

    response = admin_client.post(
        admin_url(phase),
        {"name": "Year 1, autumn", "start_date": "2026-09-01", "end_date": "2026-12-31"},
    )

    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.name == "Year 1, autumn"


def test_the_workshop_list_still_lists(admin_client, records):
    response = admin_client.get(reverse("admin:workshops_workshop_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(Workshop.objects.all())
