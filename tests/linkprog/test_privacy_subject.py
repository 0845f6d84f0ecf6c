"""Subject access (issue 16): a national admin finds, exports and erases what Link holds
about an email address; others cannot; the reports do not move."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus, Place
from core.privacy import FORMER_ATTENDEE
from evaluation.models import SurveyInvitation
from linkprog.models import RetentionKind, RetentionRun
from tests.accounts.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def broker(stub_outbox_broker):
    return stub_outbox_broker


@pytest.fixture
def person(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    delivered = Cohort.objects.get(status=CohortStatus.COMPLETED)
    place = delivered.places.filter(participant__survey_invitations__isnull=False).first()
    Place.objects.filter(pk=place.pk).update(access_needs="A quiet room")
    return place


@pytest.fixture
def admin(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, "nat"))
    return client


def test_only_a_national_admin_may_open_the_pages(client):
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, "rc", regions=["E12000007"]))
    for name in ("privacy:retention", "privacy:subject"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("privacy:subject-erase"), {"email": "a@b.c"}).status_code == 403


def test_find_lists_every_record_and_never_the_answers(admin, person):
    response = admin.post(reverse("privacy:subject"), {"email": person.attendee_email.upper()})

    assert response.status_code == 200
    sections = {s.key: s for s in response.context["sections"]}
    assert [row["id"] for row in sections["cohorts.places"].rows] == [person.pk]
    invitations = sections["evaluation.invitations"].rows
    assert invitations and all(set(row) >= {"time_point", "answered"} for row in invitations)
    assert "answers" not in json.dumps(invitations)
    assert person.attendee_name in response.content.decode()


def test_export_is_a_json_file_and_the_address_stays_out_of_urls(admin, person):
    response = admin.post(reverse("privacy:subject-export"), {"email": person.attendee_email})

    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    document = json.loads(response.content)
    assert document["records"]["cohorts.places"]["rows"][0]["access_needs"] == "A quiet room"
    assert (
        admin.get(reverse("privacy:subject"), {"email": "x@y.z"}).context["form"].is_bound is False
    )


def test_erasure_needs_confirmation_then_anonymises_like_the_job(admin, person):
    url = reverse("privacy:subject-erase")
    refused = admin.post(url, {"email": person.attendee_email})
    assert refused.status_code == 400
    assert "Tick the box" in refused.content.decode()
    assert Place.objects.get(pk=person.pk).attendee_email == person.attendee_email

    before = _report(admin)
    done = admin.post(url, {"email": person.attendee_email, "confirm": "on"}, follow=True)

    assert "records anonymised" in done.content.decode()
    place = Place.objects.get(pk=person.pk)
    assert (place.attendee_name, place.attendee_email, place.access_needs) == (
        FORMER_ATTENDEE,
        "",
        "",
    )
    invitations = SurveyInvitation.objects.filter(participant=place.participant)
    assert not invitations.exists()
    run = RetentionRun.objects.get()
    assert run.kind == RetentionKind.ERASURE and run.counts["cohorts.places"] == 1
    assert run.counts["evaluation.invitations"] >= 1 and "@" not in json.dumps(run.counts)
    assert _report(admin) == before
    found = admin.post(reverse("privacy:subject"), {"email": person.attendee_email})
    assert found.context["found"] == 0


def _report(client) -> str:
    html = client.get(reverse("evaluation:report")).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_erased_person_is_asked_nothing_more(person, broker):
    from evaluation.scheduling import invitations_due
    from evaluation.services.surveys import surveys_invite_due, surveys_remind
    from linkprog.privacy import subject_erase

    participant = person.participant_id
    SurveyInvitation.objects.filter(participant_id=participant).update(
        sent_at=None, reminded_at=None
    )
    subject_erase(email=person.attendee_email)

    assert not [d for d in invitations_due(now=_now()) if d.participant_id == participant]
    surveys_invite_due()
    surveys_remind()
    assert not SurveyInvitation.objects.filter(participant_id=participant).exists()
    from outbox.models import OutgoingEmail

    assert not OutgoingEmail.objects.filter(recipient__iexact=person.attendee_email).exists()


def _now():
    from django.utils import timezone

    return timezone.now()
