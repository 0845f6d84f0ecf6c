"""Queue, send, retry and cancel emails. Every email Link sends goes through here.

Sending is at-least-once towards the SMTP server and exactly-once in the outbox: a row is
locked and moved to "sending" before the SMTP conversation, which happens outside any
transaction; a redelivered or duplicated task finds the row no longer sendable and stops.
Only a worker that dies between the SMTP server accepting a message and the row being
marked sent can cause a repeat, after ``stuck_sending_after_seconds``.
"""

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from linkprog.celery import app as celery_app
from outbox import conf
from outbox.models import SENDABLE_STATUSES, EmailKind, EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)
SEND_TASK = "outbox.tasks.send_email"
SEND_BATCH_TASK = "outbox.tasks.send_batch"
SEND_BATCH = 50  # emails per batch task: one claim, one connection, one record
_MARK_CHUNK = 2000  # ids per UPDATE that marks emails dispatched


class OutboxError(ValueError):
    """An outbox action cannot be done; the message says why."""


def email_dedupe_key(*, kind: str, recipient: str, concerns=None, wave_key: str = "") -> str:
    target = "-"
    if concerns is not None:
        target = f"{concerns._meta.label_lower}:{concerns.pk}"
    return f"{kind}|{recipient.strip().lower()}|{target}|{wave_key}"


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of an email template with the programme's context."""
    context = {
        "programme_name": settings.LINK_PROGRAMME_NAME,
        "programme_short_name": settings.LINK_SHORT_NAME,
        "programme_contact_email": settings.LINK_CONTACT_EMAIL,
        **context,
    }
    base = f"outbox/email/{template}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    try:
        html = render_to_string(f"{base}.html", context)
    except TemplateDoesNotExist:  # an HTML part is optional
        html = ""
    return subject, text, html


def _dispatch_many(email_ids: list[int]) -> None:
    """Hand many emails to the broker, ``SEND_BATCH`` to a task.

    Each chunk is marked dispatched just before its tasks go, not after: a batch's claim skips
    rows locked by others, and marking rows a worker is already claiming would make it skip
    them (they would then wait for the sweeper). What the broker refuses is unmarked again,
    for the sweeper to hand over when it is back.
    """
    for start in range(0, len(email_ids), _MARK_CHUNK):
        chunk = email_ids[start : start + _MARK_CHUNK]
        OutgoingEmail.objects.filter(pk__in=chunk).update(dispatched_at=timezone.now())
        for offset in range(0, len(chunk), SEND_BATCH):
            try:
                celery_app.send_task(SEND_BATCH_TASK, args=[chunk[offset : offset + SEND_BATCH]])
            except Exception:
                waiting = email_ids[start + offset :]
                logger.warning("outbox: broker unavailable; %s emails wait", len(waiting))
                for rest in range(0, len(waiting), _MARK_CHUNK):
                    OutgoingEmail.objects.filter(pk__in=waiting[rest : rest + _MARK_CHUNK]).update(
                        dispatched_at=None
                    )
                return


def _dispatch(email_id: int) -> None:
    """Hand a send task to the broker. If the broker is down the row stays queued with no
    dispatched_at, and the sweeper (beat) hands it over when the broker is back."""
    try:
        celery_app.send_task(SEND_TASK, args=[email_id])
    except Exception:
        logger.warning("outbox: broker unavailable; email %s waits for the sweeper", email_id)
        return
    OutgoingEmail.objects.filter(pk=email_id).update(dispatched_at=timezone.now())


@dataclass(frozen=True)
class EmailSpec:
    """One email for ``emails_enqueue_bulk``; the fields are those of ``email_enqueue``."""

    kind: EmailKind
    recipient: str
    template: str
    context: dict
    concerns: object = None
    establishment: object = None
    wave_key: str = ""
    attachments: list[dict] | None = None


def _row_for(spec: EmailSpec) -> OutgoingEmail:
    """An unsaved outbox row for ``spec``: rendered, keyed, with its Message-ID."""
    subject, text, html = email_render(template=spec.template, context=spec.context)
    row = OutgoingEmail(
        kind=spec.kind,
        recipient=spec.recipient.strip(),
        establishment=spec.establishment,
        wave_key=spec.wave_key,
        dedupe_key=email_dedupe_key(
            kind=spec.kind,
            recipient=spec.recipient,
            concerns=spec.concerns,
            wave_key=spec.wave_key,
        ),
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=spec.attachments or [],
        message_id=make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN),
    )
    if spec.concerns is not None:
        row.subject_type = ContentType.objects.get_for_model(spec.concerns)
        row.subject_id = spec.concerns.pk
    return row


def email_enqueue(
    *,
    kind: EmailKind,
    recipient: str,
    template: str,
    context: dict,
    concerns=None,
    establishment=None,
    wave_key: str = "",
    attachments: list[dict] | None = None,
) -> tuple[OutgoingEmail, bool]:
    """Render an email and queue it once. Returns (row, created).

    The same (kind, recipient, object concerned, wave) never makes a second row, so calling
    this twice sends one email. The send task is queued after the surrounding transaction
    commits.
    """
    key = email_dedupe_key(kind=kind, recipient=recipient, concerns=concerns, wave_key=wave_key)
    existing = OutgoingEmail.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing, False
    row = _row_for(
        EmailSpec(
            kind=kind,
            recipient=recipient,
            template=template,
            context=context,
            concerns=concerns,
            establishment=establishment,
            wave_key=wave_key,
            attachments=attachments,
        )
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # queued meanwhile by someone else
        return OutgoingEmail.objects.get(dedupe_key=key), False
    transaction.on_commit(lambda: _dispatch(row.pk))
    return row, True


def emails_enqueue_bulk(specs: list[EmailSpec]) -> int:
    """Queue many emails in one INSERT; ones queued before (same key) are skipped. Their
    send tasks go to the broker after commit. Returns how many were newly queued."""
    rows = [_row_for(spec) for spec in specs]
    if not rows:
        return 0
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # ignore_conflicts returns no keys: the new rows are the queued, never-dispatched ones.
    new_ids = list(
        OutgoingEmail.objects.filter(
            dedupe_key__in=[row.dedupe_key for row in rows],
            status=EmailStatus.QUEUED,
            dispatched_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _dispatch_many(new_ids))
    return len(new_ids)


_local = threading.local()


def _kept_connection():
    """This worker's (thread's) mail connection, kept open between emails: a wave is not a
    new SMTP handshake per message. A change of mail settings gets a new connection."""
    key = (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", ""),
        getattr(settings, "EMAIL_HOST_USER", ""),
    )
    if getattr(_local, "key", None) != key:
        _drop_connection()
        _local.connection, _local.key = get_connection(), key
    return _local.connection


def _drop_connection() -> None:
    connection = getattr(_local, "connection", None)
    _local.connection = _local.key = None
    if connection is not None:
        try:
            connection.close()
        except Exception:  # already gone
            logger.debug("outbox: closing a dead mail connection failed")


def _send_on_kept_connection(message: EmailMultiAlternatives) -> None:
    """Send on the kept connection; if the server dropped it while idle, reconnect once."""
    connection = _kept_connection()
    reused = connection.open() is False  # open() says whether it made a new connection
    message.connection = connection
    try:
        message.send()
    except (smtplib.SMTPServerDisconnected, ConnectionResetError, BrokenPipeError):
        _drop_connection()
        if not reused:
            raise
        message.connection = _kept_connection()
        message.connection.open()
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
        raise  # the server answered and smtplib reset the session: the connection is good
    except Exception:
        _drop_connection()  # start afresh next time, whatever else went wrong
        raise


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None  # seconds, when the task should try again


def _classify(exc: Exception) -> tuple[bool, int]:
    """(permanent?, base back-off in seconds) for a sending error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return (all(code >= 500 for code in codes), 300)
    if isinstance(exc, smtplib.SMTPResponseException):
        return (exc.smtp_code >= 500, 300)  # 4xx: the server asks us to try later
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError | OSError):
        return (False, 30)  # server down or unreachable: try again soon
    return (False, 60)


def _describe(exc: Exception) -> str:
    """The error for staff, without the message or addresses in it."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:500]


_CLAIM_FIELDS = ["status", "attempts", "message_id", "updated_at"]
_OUTCOME_FIELDS = ["status", "sent_at", "last_error", "next_attempt_at", "updated_at"]


def _claim(row: OutgoingEmail) -> None:
    """Move a locked, sendable row to "sending" (the caller saves it)."""
    row.status = EmailStatus.SENDING
    row.attempts += 1
    row.updated_at = timezone.now()
    # One Message-ID for the email's whole life, fixed before the first SMTP attempt: should
    # a worker die after the server accepted it, the resend carries the same id, and mail
    # clients show one message.
    if not row.message_id:
        row.message_id = make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN)


def _deliver(row: OutgoingEmail) -> SendOutcome:
    """Hand one claimed row to the mail server and set its outcome (the caller saves it)."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        to=[row.recipient],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    row.updated_at = timezone.now()
    try:
        _send_on_kept_connection(message)
    except Exception as exc:
        permanent, base = _classify(exc)
        row.last_error = _describe(exc)
        if permanent or row.attempts >= conf.max_attempts():
            row.status, row.next_attempt_at = EmailStatus.FAILED, None
            logger.warning("outbox: email %s failed: %s", row.pk, row.last_error)
            return SendOutcome(EmailStatus.FAILED)
        delay = min(base * 2 ** (row.attempts - 1), 3600)
        row.status = EmailStatus.RETRYING
        row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        return SendOutcome(EmailStatus.RETRYING, retry_in=delay)
    row.status, row.sent_at = EmailStatus.SENT, timezone.now()
    row.last_error, row.next_attempt_at = "", None
    return SendOutcome(EmailStatus.SENT)


def email_send(*, email_id: int) -> SendOutcome:
    """Send one queued email. Safe to call any number of times for the same row."""
    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, status__in=SENDABLE_STATUSES)
            .first()
        )
        if row is None:
            return SendOutcome("skipped")
        _claim(row)
        row.save(update_fields=_CLAIM_FIELDS)
    outcome = _deliver(row)
    row.save(update_fields=_OUTCOME_FIELDS)
    return outcome


def emails_send_batch(*, email_ids: list[int]) -> dict[int, SendOutcome]:
    """Send many queued emails on one connection, claiming and recording them in bulk.

    The same guarantees as ``email_send``: rows are claimed under a lock, SMTP happens outside
    any transaction, and a row already sent is skipped. Returns each claimed row's outcome, so
    the caller can schedule retries. A row someone else has locked is skipped, not waited
    for: another worker claiming it (and sending it), a cancel, or the sweeper handing it
    over again (in a new task). Nothing else locks a sendable row: the dispatcher marks rows
    before it hands them over.

    The claim is one UPDATE and the successes one more. A success leaves no audit row: the
    email's own status, attempts, sent_at and Message-ID are its record, and a wave would
    otherwise write two history rows per message. Failures and retries are saved one by one
    with their history, as are a coordinator's retry and cancel.
    """
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status__in=SENDABLE_STATUSES)
            .order_by("pk")
        )
        if not rows:
            return {}
        now = timezone.now()
        OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=EmailStatus.SENDING, attempts=F("attempts") + 1, updated_at=now
        )
        for row in rows:
            had_id = bool(row.message_id)
            _claim(row)  # the same change, in memory
            if not had_id:  # rows queued before ids were given at queueing time
                OutgoingEmail.objects.filter(pk=row.pk).update(message_id=row.message_id)
    outcomes = {row.pk: _deliver(row) for row in rows}
    sent = [row.pk for row in rows if outcomes[row.pk].status == EmailStatus.SENT]
    with transaction.atomic():
        now = timezone.now()
        OutgoingEmail.objects.filter(pk__in=sent).update(
            status=EmailStatus.SENT,
            sent_at=now,
            last_error="",
            next_attempt_at=None,
            updated_at=now,
        )
        for row in rows:
            if outcomes[row.pk].status == EmailStatus.SENT:
                row.sent_at = now
            else:
                row.save(update_fields=_OUTCOME_FIELDS)  # failures are few
    return outcomes


def email_retry(*, email: OutgoingEmail) -> None:
    """A coordinator sends a failed email again (with a fresh set of attempts)."""
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if row.status != EmailStatus.FAILED:
            raise OutboxError("Only a failed email can be retried.")
        row.status, row.attempts, row.next_attempt_at = EmailStatus.QUEUED, 0, None
        row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: _dispatch(row.pk))


def email_cancel(*, email: OutgoingEmail) -> None:
    """Stop an email that has not been sent (queued, retrying or failed)."""
    cancellable = (EmailStatus.QUEUED, EmailStatus.RETRYING, EmailStatus.FAILED)
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if row.status not in cancellable:
            raise OutboxError(
                "This email is being sent or was sent already; it cannot be cancelled."
            )
        row.status, row.next_attempt_at = EmailStatus.CANCELLED, None
        row.save(update_fields=["status", "next_attempt_at", "updated_at"])


def emails_requeue_stuck() -> int:
    """Hand the broker every email that should be on its way but is not (beat, each minute):

    - queued and never handed over (the broker was down at the time), or handed over long ago;
    - retrying and past its next attempt by more than a few minutes (the retry was lost);
    - sending for too long (the worker died mid-send): retried, as an attempt.
    Handing over twice is harmless: the send task locks the row and checks its status.
    """
    now = timezone.now()
    stuck_sending = OutgoingEmail.objects.filter(
        status=EmailStatus.SENDING,
        updated_at__lt=now - timedelta(seconds=conf.stuck_sending_after_seconds()),
    )
    stuck = list(stuck_sending.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=stuck).update(
        status=EmailStatus.RETRYING, next_attempt_at=now, updated_at=now
    )
    due = OutgoingEmail.objects.filter(
        Q(pk__in=stuck)
        | Q(
            status=EmailStatus.QUEUED,
            dispatched_at__isnull=True,
            created_at__lt=now - timedelta(seconds=30),
        )
        | Q(
            status=EmailStatus.QUEUED,
            dispatched_at__lt=now - timedelta(seconds=conf.redispatch_after_seconds()),
        )
        | Q(status=EmailStatus.RETRYING, next_attempt_at__lt=now - timedelta(minutes=2))
        | Q(status=EmailStatus.RETRYING, next_attempt_at__isnull=True)
    ).values_list("pk", flat=True)
    # In batch tasks, as a wave is sent: after a broker outage this may be thousands of rows.
    due_ids = list(due)
    _dispatch_many(due_ids)
    return len(due_ids)
