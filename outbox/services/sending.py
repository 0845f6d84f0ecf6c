"""Send queued emails: claim each row under a lock, talk SMTP outside any transaction, back
off by error type."""

import logging
import smtplib
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from outbox import conf
from outbox.models import SENDABLE_STATUSES, EmailStatus, OutgoingEmail
from outbox.relevance import no_longer_wanted

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


_CLAIM_FIELDS = [
    "status",
    "attempts",
    "message_id",
    "lease_token",
    "lease_expires_at",
    "last_error",
    "updated_at",
]
_OUTCOME_FIELDS = [
    "status",
    "sent_at",
    "last_error",
    "next_attempt_at",
    "lease_token",
    "lease_expires_at",
    "updated_at",
]


def _lease_ends(now: datetime) -> datetime:
    return now + timedelta(seconds=conf.lease_seconds())


def _claim(row: OutgoingEmail, *, token: str, now) -> None:
    """Move a locked, sendable row to "sending" under this worker's lease (the caller saves
    it)."""
    row.status = EmailStatus.SENDING
    row.attempts += 1
    row.updated_at = now
    row.lease_token, row.lease_expires_at = token, _lease_ends(now)
    # One Message-ID for the email's whole life, fixed before the first SMTP attempt: should
    # a worker die after the server accepted it, the resend carries the same id, and mail
    # clients show one message.
    if not row.message_id:
        row.message_id = make_msgid(domain=conf.message_id_domain())


def _withdraw(rows: list[OutgoingEmail], now) -> list[OutgoingEmail]:
    """Cancel, with their reason, the locked rows whose reason to be sent has gone
    (``outbox.relevance``); return the others."""
    gone = no_longer_wanted(rows, now)
    for row in rows:
        if row.pk in gone:
            row.status, row.next_attempt_at = EmailStatus.CANCELLED, None
            row.last_error = f"Not sent: {gone[row.pk]}"[:500]
            row.updated_at = now
            row.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
            logger.info("outbox: email %s withdrawn before sending", row.pk)
    return [row for row in rows if row.pk not in gone]


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
    try:
        _send_on_kept_connection(message)
    except Exception as exc:
        permanent, base = _classify(exc)
        row.last_error = _describe(exc)
        row.updated_at = timezone.now()
        row.lease_token, row.lease_expires_at = "", None
        if permanent or row.attempts >= conf.max_attempts():
            row.status, row.next_attempt_at = EmailStatus.FAILED, None
            logger.warning("outbox: email %s failed: %s", row.pk, row.last_error)
            return SendOutcome(EmailStatus.FAILED)
        delay = min(base * 2 ** (row.attempts - 1), 3600)
        row.status = EmailStatus.RETRYING
        row.next_attempt_at = row.updated_at + timedelta(seconds=delay)
        return SendOutcome(EmailStatus.RETRYING, retry_in=delay)
    row.status = EmailStatus.SENT
    row.sent_at = row.updated_at = timezone.now()
    row.last_error, row.next_attempt_at = "", None
    row.lease_token, row.lease_expires_at = "", None
    return SendOutcome(EmailStatus.SENT)


_MARK_SENT = (
    "UPDATE {table} SET status = %s, sent_at = %s, last_error = '', next_attempt_at = NULL, "
    "lease_token = '', lease_expires_at = NULL, updated_at = %s WHERE id = %s AND {held}"
)


def _record_sent(row: OutgoingEmail, *, token: str) -> None:
    """Mark one delivered row sent, straight after its SMTP transaction: a worker killed
    after this point sends nothing twice. It was delivered, so it is marked even if its claim
    lapsed meanwhile (another worker may then have sent it too: said in the log).

    One statement per email, so it is plain SQL in its own small transaction, and on
    PostgreSQL it does not wait for the commit to reach the disk (``synchronous_commit``
    off, for this transaction only): a worker that dies still leaves the mark, which the
    server holds; only a crash of the database server itself in the next fraction of a
    second could lose a few marks, and then those emails go again with the same
    Message-ID. Waiting for the disk cost about 2 ms an email, more than the send itself.
    """
    table = OutgoingEmail._meta.db_table
    values = [EmailStatus.SENT, row.sent_at, row.sent_at, row.pk]
    # On PostgreSQL one round trip sets the commit mode and marks the row.
    unhurried = "SET LOCAL synchronous_commit TO OFF; " if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        held = _MARK_SENT.format(table=table, held="lease_token = %s")
        cursor.execute(unhurried + held, [*values, token])
        if cursor.rowcount:
            return
        cursor.execute(_MARK_SENT.format(table=table, held="status <> %s"), [*values, "sent"])
    logger.warning("outbox: email %s was sent after its claim lapsed", row.pk)


def email_send(*, email_id: int) -> SendOutcome:
    """Send one queued email. Safe to call any number of times for the same row."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, status__in=SENDABLE_STATUSES)
            .first()
        )
        if row is None:
            return SendOutcome("skipped")
        if not _withdraw([row], timezone.now()):
            return SendOutcome(EmailStatus.CANCELLED)
        _claim(row, token=token, now=timezone.now())
        row.save(update_fields=_CLAIM_FIELDS)
    outcome = _deliver(row)
    _save_outcome(row, token=token)
    return outcome


def _save_outcome(row: OutgoingEmail, *, token: str) -> None:
    """Save a delivered or failed row's outcome (with its history), if this worker still holds
    it: a lapsed claim was taken back by the sweeper and is someone else's now."""
    with transaction.atomic():
        held = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=row.pk, lease_token=token, status=EmailStatus.SENDING)
            .exists()
        )
        if held or row.status == EmailStatus.SENT:
            row.save(update_fields=_OUTCOME_FIELDS)
        if not held:
            logger.warning("outbox: email %s finished after its claim lapsed", row.pk)


class _Lease:
    """This batch's claim on its rows: renewed (a third of the way through) as the worker
    sends, so a live worker keeps its rows and a dead one's lapse within ``lease_seconds``.
    A renewal also says which rows are still this worker's, so a worker that stalled past
    its lease (and whose rows the sweeper gave to another) sends none of them."""

    def __init__(self, token: str, ids: list[int]):
        self.token, self.ids = token, set(ids)
        self.renewed = time.monotonic()

    def still_holds(self, email_id: int) -> bool:
        if time.monotonic() - self.renewed > conf.lease_seconds() / 3:
            self._renew()
        return email_id in self.ids

    def release(self, email_id: int) -> None:
        self.ids.discard(email_id)

    def _renew(self) -> None:
        now = timezone.now()
        mine = OutgoingEmail.objects.filter(
            pk__in=self.ids, lease_token=self.token, status=EmailStatus.SENDING
        )
        if mine.update(lease_expires_at=_lease_ends(now)) != len(self.ids):
            self.ids = set(mine.values_list("pk", flat=True))
        self.renewed = time.monotonic()


def emails_send_batch(*, email_ids: list[int]) -> dict[int, SendOutcome]:
    """Send many queued emails on one connection, claiming them in bulk under one lease.

    The same guarantees as ``email_send``: rows are claimed under a lock, SMTP happens outside
    any transaction, and a row already sent is skipped. Returns each claimed row's outcome, so
    the caller can schedule retries. A row someone else has locked is skipped, not waited
    for: another worker claiming it (and sending it), a cancel, or the sweeper handing it
    over again (in a new task). Nothing else locks a sendable row: the dispatcher marks rows
    before it hands them over.

    Each email is marked sent straight after its own SMTP transaction, so a worker killed
    mid-batch can send again at most the one message it was handing over; the rest of its
    claim lapses with its lease and goes to another worker (``emails_requeue_stuck``). A
    success leaves no audit row (the email's status, attempts, sent_at and Message-ID are its
    record); failures and retries are saved with their history.
    """
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status__in=SENDABLE_STATUSES)
            .order_by("pk")
        )
        if not rows:
            return {}
        now = timezone.now()
        rows = _withdraw(rows, now)
        OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=EmailStatus.SENDING,
            attempts=F("attempts") + 1,
            lease_token=token,
            lease_expires_at=_lease_ends(now),
            updated_at=now,
        )
        for row in rows:
            had_id = bool(row.message_id)
            _claim(row, token=token, now=now)  # the same change, in memory
            if not had_id:  # rows queued before ids were given at queueing time
                OutgoingEmail.objects.filter(pk=row.pk).update(message_id=row.message_id)
    lease = _Lease(token, [row.pk for row in rows])
    outcomes = {}
    for row in rows:
        if not lease.still_holds(row.pk):
            continue  # the sweeper took it back while this worker stalled: not ours now
        outcomes[row.pk] = outcome = _deliver(row)
        lease.release(row.pk)
        if outcome.status == EmailStatus.SENT:
            _record_sent(row, token=token)
        else:
            _save_outcome(row, token=token)  # failures are few
    return outcomes
