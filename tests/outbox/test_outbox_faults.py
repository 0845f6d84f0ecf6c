"""The outbox after faults (issue 10, items 6, 7 and 10): a worker that dies mid-batch
loses no time and resends at most the message in flight; a task lost with a worker is handed
over again within minutes once the broker's queue is empty; an email that cannot be written
becomes a failed row staff can see; staff can send a queued email now."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from linkprog.celery import app as celery_app
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import (
    OutboxError,
    email_enqueue,
    email_retry,
    email_send,
    emails_requeue_stuck,
    emails_send_batch,
)
from outbox.services import sending as sending_module
from tests.accounts.factories import user_with_role
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def invite(n: int) -> OutgoingEmail:
    school = EstablishmentFactory(contact_email=f"lead{n}@s.example")
    row, _ = email_enqueue(
        kind=EmailKind.INVITATION,
        recipient=school.contact_email,
        template="invitation",
        context={"establishment": school, "link": f"https://l.example/b/{n}/"},
        concerns=school,
        establishment=school,
        occurrence="wave-1",
    )
    return row


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside the batch: nothing after it runs."""


def test_a_batch_marks_each_email_sent_straight_after_its_smtp_transaction(smtp, monkeypatch):
    rows = [invite(n) for n in range(5)]
    real_send = sending_module._send_on_kept_connection
    handed = []

    def send_then_die(message):
        if len(handed) == 3:  # the fourth message is in flight when the worker dies
            real_send(message)
            raise WorkerKilled
        real_send(message)
        handed.append(message)

    monkeypatch.setattr(sending_module, "_send_on_kept_connection", send_then_die)
    with pytest.raises(WorkerKilled):
        emails_send_batch(email_ids=[row.pk for row in rows])

    states = dict(OutgoingEmail.objects.values_list("pk", "status"))
    assert [states[row.pk] for row in rows] == [EmailStatus.SENT] * 3 + [EmailStatus.SENDING] * 2
    claimed = OutgoingEmail.objects.filter(status=EmailStatus.SENDING)
    assert all(row.lease_expires_at is not None for row in claimed)

    # Within the lease nothing is taken back; once it lapses the sweeper retries the two.
    monkeypatch.setattr(sending_module, "_send_on_kept_connection", real_send)
    dispatched = []
    monkeypatch.setattr(
        "outbox.services.celery_app.send_task", lambda name, args: dispatched.extend(args[0])
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        emails_requeue_stuck()
    assert dispatched == []
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        emails_requeue_stuck()
    assert sorted(dispatched) == sorted(row.pk for row in claimed)
    emails_send_batch(email_ids=dispatched)

    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 5
    recipients = smtp.recipients()
    assert len(recipients) == 6  # the one in flight at the "kill" went twice, no other
    assert len(set(recipients)) == 5
    message_ids = {message["Message-ID"] for _, message in smtp.messages}
    assert len(message_ids) == 5  # and with its own Message-ID, so shown once


def test_a_worker_that_stalled_past_its_lease_sends_nothing_taken_back(smtp, monkeypatch, settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    rows = [invite(n) for n in range(3)]
    real_send = sending_module._send_on_kept_connection
    clock = {"shift": timedelta(0)}

    def send_then_stall(message):
        real_send(message)
        # After the first message the worker stalls for two minutes; meanwhile the sweeper
        # gives its other rows to another worker, which sends them.
        clock["shift"] = timedelta(minutes=2)
        with time_machine.travel(timezone.now() + clock["shift"]):
            emails_requeue_stuck()
            taken_back = list(
                OutgoingEmail.objects.filter(status=EmailStatus.RETRYING).values_list(
                    "pk", flat=True
                )
            )
        for pk in taken_back:
            OutgoingEmail.objects.filter(pk=pk).update(status=EmailStatus.SENT)

    monkeypatch.setattr(sending_module, "_send_on_kept_connection", send_then_stall)
    monkeypatch.setattr("outbox.services.celery_app.send_task", lambda name, args: None)
    real_monotonic = sending_module.time.monotonic
    monkeypatch.setattr(
        sending_module.time,
        "monotonic",
        lambda: real_monotonic() + clock["shift"].total_seconds(),
    )

    outcomes = emails_send_batch(email_ids=[row.pk for row in rows])

    assert list(outcomes) == [rows[0].pk]  # the others were no longer this worker's
    assert smtp.recipients() == ["lead0@s.example"]


def test_a_lost_task_is_handed_over_again_within_minutes_once_the_queue_is_empty(monkeypatch):
    queue = celery_app.conf.task_default_queue
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    row = invite(1)
    OutgoingEmail.objects.filter(pk=row.pk).update(dispatched_at=timezone.now())
    dispatched = []
    monkeypatch.setattr(
        "outbox.services.celery_app.send_task", lambda name, args: dispatched.extend(args[0])
    )

    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert emails_requeue_stuck() == 0  # handed over just now: it may be running
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert emails_requeue_stuck() == 1  # nothing waits in the queue: it was lost
    assert dispatched == [row.pk]


def test_while_tasks_wait_in_the_queue_a_handed_over_email_waits_its_turn(monkeypatch):
    queue = celery_app.conf.task_default_queue
    row = invite(1)
    OutgoingEmail.objects.filter(pk=row.pk).update(dispatched_at=timezone.now())
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
        with connection.Producer() as producer:  # another email's task, waiting
            producer.publish({"waiting": True}, routing_key=queue, declare=[])
    try:
        monkeypatch.setattr("outbox.services.celery_app.send_task", lambda name, args: None)
        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            assert emails_requeue_stuck() == 0
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            assert emails_requeue_stuck() == 1
    finally:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)


def test_an_email_that_cannot_be_written_is_a_failed_row_staff_can_see(client, monkeypatch):
    school = EstablishmentFactory(contact_email="office@s.example")
    dispatched = []
    monkeypatch.setattr(
        "outbox.services.celery_app.send_task", lambda name, args: dispatched.append(args)
    )

    def calendar():
        raise ValueError("a calendar that cannot be made")

    row, created = email_enqueue(
        kind=EmailKind.BOOKING_CONFIRMATION,
        recipient=school.contact_email,
        template="invitation",
        context={"establishment": school, "link": "https://l.example/"},
        concerns=school,
        establishment=school,
        attachments=calendar,
    )
    missing, _ = email_enqueue(
        kind=EmailKind.NUDGE,
        recipient=school.contact_email,
        template="no-such-template",
        context={},
        concerns=school,
        establishment=school,
    )

    assert created
    for email in (row, missing):
        email.refresh_from_db()
        assert email.status == EmailStatus.FAILED
        assert email.last_error.startswith("Could not be written: ")
    assert row.last_error == "Could not be written: ValueError"
    assert row.subject == "Booking confirmation (could not be written)"
    assert dispatched == []
    with pytest.raises(OutboxError, match="could not be written"):
        email_retry(email=row)

    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    page = client.get(reverse("outbox:email-list"), {"status": EmailStatus.FAILED}).content
    assert b"Could not be written: ValueError" in page
    detail = client.get(reverse("outbox:email-detail", args=[row.pk])).content.decode()
    assert "Send again" not in detail  # nothing to send


def test_staff_can_send_a_queued_or_retrying_email_now(
    client, smtp_down, monkeypatch, django_capture_on_commit_callbacks
):
    queued, retrying, sent = invite(1), invite(2), invite(3)
    email_send(email_id=retrying.pk)  # the server is down: retrying, next try in 30 s
    OutgoingEmail.objects.filter(pk=sent.pk).update(status=EmailStatus.SENT)
    dispatched = []
    monkeypatch.setattr(
        "outbox.services.celery_app.send_task", lambda name, args: dispatched.append(args[0])
    )
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    page = client.get(reverse("outbox:email-list")).content.decode()
    for row in (queued, retrying):
        assert reverse("outbox:email-send-now", args=[row.pk]) in page
    assert reverse("outbox:email-send-now", args=[sent.pk]) not in page

    listing = reverse("outbox:email-list") + "?status=retrying"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outbox:email-send-now", args=[retrying.pk]), {"next": listing}
        )
    assert response.status_code == 302 and response.url == listing
    retrying.refresh_from_db()
    assert (retrying.status, retrying.next_attempt_at) == (EmailStatus.QUEUED, None)
    assert dispatched == [retrying.pk]

    response = client.post(reverse("outbox:email-send-now", args=[sent.pk]), follow=True)
    assert "Only a queued or retrying email can be sent now." in response.content.decode()
    assert dispatched == [retrying.pk]
    # An off-site "next" is ignored.
    response = client.post(
        reverse("outbox:email-send-now", args=[queued.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("outbox:email-detail", args=[queued.pk])
