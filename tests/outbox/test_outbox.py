"""The outbox against a real SMTP server: once only, headers, retries, failures, sweeper."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import (
    OutboxError,
    email_cancel,
    email_enqueue,
    email_retry,
    email_send,
    emails_requeue_stuck,
)
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def invite(school, **kwargs) -> tuple[OutgoingEmail, bool]:
    return email_enqueue(
        kind=EmailKind.INVITATION,
        recipient=school.contact_email,
        template="invitation",
        context={"establishment": school, "link": f"https://link.example.org/b/{school.urn}/"},
        concerns=school,
        establishment=school,
        **kwargs,
    )


@pytest.fixture
def school():
    return EstablishmentFactory(name="Argyle Primary School", contact_email="lead@argyle.example")


def test_queuing_the_same_email_twice_makes_one_row_and_sending_twice_one_message(school, smtp):
    first, created = invite(school)
    again, created_again = invite(school)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert email_send(email_id=first.pk).status == EmailStatus.SENT
    assert email_send(email_id=first.pk).status == "skipped"
    assert smtp.recipients() == ["lead@argyle.example"]
    first.refresh_from_db()
    assert first.status == EmailStatus.SENT
    assert first.sent_at is not None
    assert first.attempts == 1


def test_another_wave_is_another_email(school, smtp):
    first, _ = invite(school, occurrence="wave-1")
    second, created = invite(school, occurrence="wave-2")

    assert created and second.pk != first.pk


def test_the_message_has_text_html_the_personal_link_and_auto_submitted(school, smtp):
    row, _ = invite(school)

    email_send(email_id=row.pk)

    _, message = smtp.messages[0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"].startswith("Argyle Primary School: join the Link")
    row.refresh_from_db()
    assert message["Message-ID"] == row.message_id
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"https://link.example.org/b/{school.urn}/" in text
    assert f'href="https://link.example.org/b/{school.urn}/"' in html
    assert "linkprogramme@localhost" in text


def test_a_server_that_is_down_means_retry_later_with_growing_back_off(school, smtp_down):
    row, _ = invite(school)

    first = email_send(email_id=row.pk)
    row.refresh_from_db()
    assert first.status == EmailStatus.RETRYING
    assert row.status == EmailStatus.RETRYING
    assert row.last_error.startswith("ConnectionRefusedError")
    assert "argyle" not in row.last_error  # no address in the error kept
    second = email_send(email_id=row.pk)
    assert second.retry_in == 2 * first.retry_in


def test_after_the_last_attempt_the_email_is_failed(school, smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row, _ = invite(school)

    outcomes = [email_send(email_id=row.pk).status for _ in range(4)]

    assert outcomes == [EmailStatus.RETRYING, EmailStatus.RETRYING, EmailStatus.FAILED, "skipped"]


def test_a_permanent_refusal_fails_at_once_and_a_temporary_one_retries(school, smtp):
    row, _ = invite(school)
    smtp.reply = "550 5.1.1 Mailbox does not exist"
    assert email_send(email_id=row.pk).status == EmailStatus.FAILED

    other = EstablishmentFactory(contact_email="office@other.example")
    row2, _ = invite(other)
    smtp.reply = "451 4.3.0 Try again later"
    assert email_send(email_id=row2.pk).status == EmailStatus.RETRYING
    smtp.reply = None
    OutgoingEmail.objects.filter(pk=row2.pk).update(next_attempt_at=timezone.now())
    assert email_send(email_id=row2.pk).status == EmailStatus.SENT
    assert smtp.recipients() == ["office@other.example"]


def test_a_failed_email_can_be_retried_and_an_unsent_one_cancelled(school, smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row, _ = invite(school)
    smtp.reply = "550 no"
    email_send(email_id=row.pk)
    smtp.reply = None

    email_retry(email=row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EmailStatus.QUEUED, 0)
    assert email_send(email_id=row.pk).status == EmailStatus.SENT
    with pytest.raises(OutboxError, match="cancelled"):
        email_cancel(email=row)

    other, _ = invite(EstablishmentFactory(contact_email="x@y.example"))
    email_cancel(email=other)
    assert email_send(email_id=other.pk).status == "skipped"
    with pytest.raises(OutboxError, match="Only a failed email"):
        email_retry(email=other)


def test_the_send_task_is_queued_only_after_commit(school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        invite(school)
    assert len(callbacks) == 1


def test_the_sweeper_hands_over_what_was_never_dispatched_or_got_stuck(school):
    never, _ = invite(school)  # on_commit never ran: the broker "was down"
    stuck = OutgoingEmail.objects.create(
        kind=EmailKind.NUDGE,
        recipient="a@b.example",
        idempotency_key="stuck",
        subject="s",
        body_text="t",
        status=EmailStatus.SENDING,
    )
    fresh, _ = invite(EstablishmentFactory(contact_email="new@c.example"))

    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        OutgoingEmail.objects.filter(pk=fresh.pk).update(created_at=timezone.now())
        handed = emails_requeue_stuck()

    never.refresh_from_db()
    stuck.refresh_from_db()
    assert handed == 2  # the never-dispatched one and the stuck one, not the fresh one
    assert never.dispatched_at is not None
    assert stuck.status == EmailStatus.RETRYING


def test_attachments_travel_with_the_message(school, smtp):
    row, _ = email_enqueue(
        kind=EmailKind.BOOKING_CONFIRMATION,
        recipient=school.contact_email,
        template="invitation",
        context={"establishment": school, "link": "https://l.example/"},
        concerns=school,
        attachments=[
            {
                "filename": "workshops.ics",
                "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                "mimetype": "text/calendar",
            }
        ],
    )

    email_send(email_id=row.pk)

    _, message = smtp.messages[0]
    (ics,) = list(message.iter_attachments())
    assert ics.get_filename() == "workshops.ics"
    assert ics.get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in ics.get_content()


def test_one_connection_serves_many_emails_and_a_dropped_one_is_reopened(school, smtp):
    first, _ = invite(school)
    second, _ = invite(EstablishmentFactory(contact_email="two@s.example"))
    third, _ = invite(EstablishmentFactory(contact_email="three@s.example"))

    assert email_send(email_id=first.pk).status == EmailStatus.SENT
    assert email_send(email_id=second.pk).status == EmailStatus.SENT
    smtp.stop()  # the server drops the idle connection (a restart)
    smtp.start()
    assert email_send(email_id=third.pk).status == EmailStatus.SENT  # same attempt

    third.refresh_from_db()
    assert third.attempts == 1
    assert smtp.recipients() == ["lead@argyle.example", "two@s.example", "three@s.example"]
    assert smtp.sessions == 2  # one connection for the first two, a new one after the drop


def test_a_batch_sends_each_once_on_one_connection_and_records_every_outcome(smtp, settings):
    from outbox.services import emails_send_batch

    settings.OUTBOX_MAX_ATTEMPTS = 1
    rows = [invite(EstablishmentFactory(contact_email=f"b{n}@s.example"))[0] for n in range(5)]
    bounced = invite(EstablishmentFactory(contact_email="bounce@s.example"))[0]
    email_cancel(email=rows[4])

    outcomes = emails_send_batch(email_ids=[r.pk for r in rows] + [bounced.pk])
    smtp.reply = "550 no such mailbox"  # only for what comes after
    again = emails_send_batch(email_ids=[r.pk for r in rows])

    assert again == {}  # all already sent or cancelled: nothing claimed twice
    assert {k: v.status for k, v in outcomes.items()} == {
        **{r.pk: EmailStatus.SENT for r in rows[:4]},
        bounced.pk: EmailStatus.SENT,
    }
    assert sorted(smtp.recipients()) == sorted(
        [f"b{n}@s.example" for n in range(4)] + ["bounce@s.example"]
    )
    assert smtp.sessions == 1
    sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
    assert sent.count() == 5
    assert all(row.message_id and row.sent_at and row.attempts == 1 for row in sent)
    # A success is recorded on the row itself, not with audit rows per delivery step.
    assert [h.status for h in rows[0].history.all()] == [EmailStatus.QUEUED]


def test_a_batch_never_resends_a_row_already_sent_or_being_sent(smtp):
    from outbox.services import emails_send_batch

    done, sending, fresh = (
        invite(EstablishmentFactory(contact_email=f"{name}@s.example"))[0]
        for name in ("done", "sending", "fresh")
    )
    assert email_send(email_id=done.pk).status == EmailStatus.SENT
    OutgoingEmail.objects.filter(pk=sending.pk).update(status=EmailStatus.SENDING)

    outcomes = emails_send_batch(email_ids=[done.pk, sending.pk, fresh.pk])

    assert {k: v.status for k, v in outcomes.items()} == {fresh.pk: EmailStatus.SENT}
    assert smtp.recipients() == ["done@s.example", "fresh@s.example"]
    assert OutgoingEmail.objects.get(pk=sending.pk).attempts == 0


def test_a_batch_that_fails_partway_records_each_outcome_and_audits_the_failures(smtp, settings):
    from outbox.services import emails_send_batch

    settings.OUTBOX_MAX_ATTEMPTS = 3
    names = ["ok1", "gone", "ok2", "later", "ok3"]
    rows = [invite(EstablishmentFactory(contact_email=f"{n}@s.example"))[0] for n in names]
    smtp.refuse = {"gone@s.example": "550 5.1.1 no such mailbox", "later@s.example": "451 busy"}

    outcomes = emails_send_batch(email_ids=[row.pk for row in rows])

    assert [outcomes[row.pk].status for row in rows] == [
        EmailStatus.SENT,
        EmailStatus.FAILED,
        EmailStatus.SENT,
        EmailStatus.RETRYING,
        EmailStatus.SENT,
    ]
    assert outcomes[rows[3].pk].retry_in == 300
    assert sorted(smtp.recipients()) == ["ok1@s.example", "ok2@s.example", "ok3@s.example"]
    assert smtp.sessions == 1  # a refused recipient does not cost the connection
    stored = {row.pk: row for row in OutgoingEmail.objects.all()}
    gone, later = stored[rows[1].pk], stored[rows[3].pk]
    assert (gone.status, gone.sent_at, gone.last_error) == (
        EmailStatus.FAILED,
        None,
        "SMTPRecipientsRefused",
    )
    assert (later.status, later.attempts) == (EmailStatus.RETRYING, 1)
    assert later.next_attempt_at is not None
    assert all(stored[row.pk].sent_at for row in rows[::2])
    assert [h.status for h in gone.history.all()] == [EmailStatus.FAILED, EmailStatus.QUEUED]
    assert [h.status for h in later.history.all()] == [EmailStatus.RETRYING, EmailStatus.QUEUED]
    assert emails_send_batch(email_ids=[row.pk for row in rows[::2]]) == {}  # sent: not again


def test_a_batch_records_failures_and_retries_with_back_off(smtp, settings):
    from outbox.services import emails_send_batch

    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = invite(EstablishmentFactory(contact_email="later@s.example"))[0]
    smtp.reply = "451 4.3.0 try later"

    outcome = emails_send_batch(email_ids=[row.pk])[row.pk]

    row.refresh_from_db()
    assert outcome.status == EmailStatus.RETRYING and outcome.retry_in == 300
    assert (row.status, row.attempts, row.last_error) == (
        EmailStatus.RETRYING,
        1,
        "SMTPDataError 451",
    )


def wave_specs(count: int) -> list:
    from outbox.services import EmailSpec

    schools = [EstablishmentFactory(contact_email=f"w{n}@s.example") for n in range(count)]
    return [
        EmailSpec(
            kind=EmailKind.INVITATION,
            recipient=school.contact_email,
            template="invitation",
            context={"establishment": school, "link": "https://l.example/"},
            concerns=school,
            establishment=school,
            occurrence="wave-b",
        )
        for school in schools
    ]


def test_bulk_queued_emails_go_to_the_broker_as_batch_tasks_of_50_marked_beforehand(
    monkeypatch, django_capture_on_commit_callbacks
):
    from outbox.services import SEND_BATCH, emails_enqueue_bulk

    tasks = []

    def send_task(name, args):
        # A worker may claim the batch at once: its rows are marked already, so the marking
        # UPDATE never holds a row lock that the claim (skip_locked) would step over.
        unmarked = OutgoingEmail.objects.filter(pk__in=args[0], dispatched_at__isnull=True)
        tasks.append((name, args[0], unmarked.exists()))

    monkeypatch.setattr("outbox.services.celery_app.send_task", send_task)

    with django_capture_on_commit_callbacks(execute=True):
        assert len(emails_enqueue_bulk(wave_specs(120))) == 120

    assert {name for name, _, _ in tasks} == {"outbox.tasks.send_batch"}
    assert [len(ids) for _, ids, _ in tasks] == [SEND_BATCH, SEND_BATCH, 20]
    assert not any(unmarked for _, _, unmarked in tasks)
    handed = sorted(pk for _, ids, _ in tasks for pk in ids)
    assert handed == sorted(OutgoingEmail.objects.values_list("pk", flat=True))
    assert not OutgoingEmail.objects.filter(dispatched_at__isnull=True).exists()


def test_what_the_broker_refuses_midway_is_left_unmarked_for_the_sweeper(
    monkeypatch, django_capture_on_commit_callbacks
):
    from outbox.services import emails_enqueue_bulk

    handed = []

    def send_task(name, args):
        if handed:
            raise ConnectionError("broker went away")
        handed.extend(args[0])

    monkeypatch.setattr("outbox.services.celery_app.send_task", send_task)

    with django_capture_on_commit_callbacks(execute=True):
        emails_enqueue_bulk(wave_specs(120))

    marked = OutgoingEmail.objects.filter(dispatched_at__isnull=False)
    assert len(handed) == 50
    assert sorted(marked.values_list("pk", flat=True)) == sorted(handed)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert emails_requeue_stuck() == 70  # the sweeper hands over the other 70
