"""The schools survey as real mail: the start queues the rows, ``email_send`` sends each to
an SMTP server (aiosmtpd), the school follows the link in the message it received and
answers; its reminder, queued before it answered, is then withdrawn, not sent."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from facilitation.models import Stage
from facilitation.services.survey import schools_survey_reminders_send, schools_survey_start
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send
from tests.facilitation.factories import EngagementFactory
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://link.example.org"
ANSWERS = {
    "joint_working": "not_well",
    "referral_routes": "no",
    "named_contact": "no",
    "shared_planning": "never",
    "mental_health_lead": "appointing",
}


def test_a_school_receives_its_link_answers_and_is_not_reminded(client, settings, smtp):  # noqa: F811
    settings.LINK_BASE_URL = BASE_URL
    engagement = EngagementFactory(stage=Stage.SURVEY)
    school = EstablishmentFactory(
        la=engagement.local_authority, name="Kennet Valley School", contact_email="mh@kv.example"
    )
    EstablishmentFactory(la=engagement.local_authority, contact_email="other@school.example")
    closes = timezone.localdate() + dt.timedelta(days=5)
    schools_survey_start(engagement=engagement, closes_on=closes)
    schools_survey_reminders_send()  # within the week before it closes: queued now
    assert OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_REMINDER).count() == 2

    invitations = OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION).order_by("pk")
    for email in invitations:
        assert email_send(email_id=email.pk).status == EmailStatus.SENT
        assert email_send(email_id=email.pk).status == "skipped"  # sent once
    assert sorted(smtp.recipients()) == ["mh@kv.example", "other@school.example"]
    message = next(m for to, m in smtp.messages if "mh@kv.example" in to)
    assert "Kennet Valley School" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(BASE_URL)}(/facilitation/schools-survey/\S+/)", body).group(1)

    assert client.post(link, ANSWERS).status_code == 302
    invite = engagement.schools_survey.invites.get(establishment=school)
    assert invite.answers == ANSWERS

    reminders = OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_REMINDER).order_by("pk")
    outcomes = {e.recipient: email_send(email_id=e.pk).status for e in reminders}
    assert outcomes == {
        "mh@kv.example": EmailStatus.CANCELLED,
        "other@school.example": EmailStatus.SENT,
    }
    cancelled = reminders.get(recipient="mh@kv.example")
    assert cancelled.last_error == "Not sent: the school has answered already"
    assert sorted(smtp.recipients()) == [
        "mh@kv.example",
        "other@school.example",
        "other@school.example",
    ]
