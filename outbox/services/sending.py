"""Send queued emails: claim each row under a lock, talk SMTP outside any transaction, back
off by error type."""

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox import conf
from outbox.models import SENDABLE_STATUSES, EmailStatus, OutgoingEmail

logger = logging.getLogger("outbox.services")


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
