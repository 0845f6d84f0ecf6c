"""Queue emails: render each once, key it so it is made once, hand it to the broker after
commit; and the coordinators' actions on a queued email (retry, cancel)."""

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid

from celery import current_app as celery_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from core.actors import takes_actor
from outbox import conf
from outbox.models import EmailKind, EmailStatus, OutgoingEmail

logger = logging.getLogger("outbox.services")
SEND_TASK = "outbox.tasks.send_email"
SEND_BATCH_TASK = "outbox.tasks.send_batch"
SEND_BATCH = 50  # emails per batch task: one claim, one connection, one record
_MARK_CHUNK = 2000  # ids per UPDATE that marks emails dispatched


class OutboxError(ValueError):
    """An outbox action cannot be done; the message says why."""


def email_idempotency_key(*, kind: str, recipient: str, concerns=None, occurrence: str = "") -> str:
    """The uniqueness key of an email: (kind, recipient, the object it concerns, occurrence).

    The outbox treats it as opaque; the producer chooses the occurrence, so that a repeat of
    the same event finds the first email while a genuinely new one (a second move, a new
    offer) makes another. Its last part is the occurrence (``key_occurrence``)."""
    target = "-"
    if concerns is not None:
        target = f"{concerns._meta.label_lower}:{concerns.pk}"
    return f"{kind}|{recipient.strip().lower()}|{target}|{occurrence}"


def redacted_key(key: str) -> str:
    """``key`` with its recipient replaced by a keyed hash of it: what the key of an email
    whose address was emptied (``outbox.retention``) becomes. The same email asked for again
    finds that row (``email_enqueue`` looks for both forms), so erasing an address never
    lets an email go twice; the address cannot be read back from it."""
    parts = key.split("|")
    if len(parts) < 4 or parts[1].startswith("~"):
        return key
    digest = hmac.new(settings.SECRET_KEY.encode(), parts[1].encode(), hashlib.sha256).hexdigest()[
        :32
    ]
    return "|".join([parts[0], f"~{digest}", *parts[2:]])


def key_occurrence(key: str) -> str:
    """The occurrence a producer gave ``email_idempotency_key``."""
    return key.rsplit("|", 1)[-1]


#: The template engine for subjects and text parts: no HTML escaping (linkprog.settings).
TEXT_ENGINE = "text"


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of an email template with the programme's context.

    The subject (``<template>.subject.txt``) and text part (``<template>.txt``) are plain
    text, rendered by the ``text`` engine, which escapes nothing; the HTML part
    (``<template>.html``, optional) is escaped as every page is."""
    context = {
        "programme_name": settings.LINK_PROGRAMME_NAME,
        "programme_short_name": settings.LINK_SHORT_NAME,
        "programme_contact_email": settings.LINK_CONTACT_EMAIL,
        **context,
    }
    base = f"outbox/email/{template}"
    subject = render_to_string(f"{base}.subject.txt", context, using=TEXT_ENGINE)
    subject = " ".join(subject.split())
    text = render_to_string(f"{base}.txt", context, using=TEXT_ENGINE)
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
class Areas:
    """The areas that scope an email on the outbox page: a coordinator covering the local
    authority or the MHST area sees it. An email about an establishment is stamped with its
    areas unless its producer gives others (a professional's email: the cohort's)."""

    la_id: int | None = None
    mhst_area_id: int | None = None
    icb_id: int | None = None

    @classmethod
    def of(cls, obj) -> "Areas":
        """The areas of an establishment (``la``), a cohort (``local_authority``) or any
        record with ``local_authority``, ``mhst_area`` and ``icb`` (an engagement)."""
        la_id = getattr(obj, "la_id", None) or getattr(obj, "local_authority_id", None)
        return cls(
            la_id=la_id,
            mhst_area_id=getattr(obj, "mhst_area_id", None),
            icb_id=getattr(obj, "icb_id", None),
        )


@dataclass(frozen=True)
class EmailSpec:
    """One email for ``emails_enqueue_bulk``; the fields are those of ``email_enqueue``."""

    kind: EmailKind
    recipient: str
    template: str
    context: dict
    concerns: object = None
    establishment: object = None
    #: Names this occurrence of the email in its uniqueness key (``email_idempotency_key``).
    occurrence: str = ""
    #: What the email belongs to, for people (the outbox page's column and filter).
    campaign: str = ""
    #: The areas that scope it; by default the establishment's.
    areas: Areas | None = None
    #: Small text attachments, or a function that makes them (called when the email is
    #: written, so an attachment that cannot be made fails the email visibly).
    attachments: list[dict] | Callable[[], list[dict]] | None = None


def _written(spec: EmailSpec) -> tuple[str, str, str, list[dict], str]:
    """(subject, text, HTML, attachments, error) of ``spec``. An email that cannot be written
    (a template or attachment raised) is not lost: it becomes a failed row, with the error's
    type, that staff see on the outbox page."""
    try:
        subject, text, html = email_render(template=spec.template, context=spec.context)
        attachments = spec.attachments() if callable(spec.attachments) else spec.attachments
    except Exception as exc:  # noqa: BLE001 - recorded on the row, never silently dropped
        logger.error("outbox: a %s email could not be written (%s)", spec.kind, type(exc).__name__)
        subject = f"{EmailKind(spec.kind).label} (could not be written)"
        return subject, "", "", [], f"Could not be written: {type(exc).__name__}"
    return subject, text, html, attachments or [], ""


def _row_for(spec: EmailSpec) -> OutgoingEmail:
    """An unsaved outbox row for ``spec``: rendered, keyed, with its Message-ID (or failed,
    when it could not be rendered)."""
    subject, text, html, attachments, error = _written(spec)
    areas = spec.areas or (Areas.of(spec.establishment) if spec.establishment else Areas())
    row = OutgoingEmail(
        local_authority_id=areas.la_id,
        mhst_area_id=areas.mhst_area_id,
        icb_id=areas.icb_id,
        kind=spec.kind,
        recipient=spec.recipient.strip(),
        establishment=spec.establishment,
        campaign=spec.campaign[:160],
        idempotency_key=email_idempotency_key(
            kind=spec.kind,
            recipient=spec.recipient,
            concerns=spec.concerns,
            occurrence=spec.occurrence,
        ),
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments,
        message_id=make_msgid(domain=conf.message_id_domain()),
        status=EmailStatus.FAILED if error else EmailStatus.QUEUED,
        last_error=error,
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
    occurrence: str = "",
    campaign: str = "",
    areas: Areas | None = None,
    attachments: list[dict] | Callable[[], list[dict]] | None = None,
) -> tuple[OutgoingEmail, bool]:
    """Render an email and queue it once. Returns (row, created).

    The same (kind, recipient, object concerned, occurrence) never makes a second row, so
    calling this twice sends one email. The row is written in the caller's transaction (it
    commits or rolls back with what caused it); only the send task waits for the commit. An
    email that cannot be rendered is written as a failed row, for staff to see.
    """
    key = email_idempotency_key(
        kind=kind, recipient=recipient, concerns=concerns, occurrence=occurrence
    )
    existing = OutgoingEmail.objects.filter(idempotency_key__in={key, redacted_key(key)}).first()
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
            occurrence=occurrence,
            campaign=campaign,
            areas=areas,
            attachments=attachments,
        )
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # queued meanwhile by someone else
        return OutgoingEmail.objects.get(idempotency_key=key), False
    if row.status == EmailStatus.QUEUED:
        transaction.on_commit(lambda: _dispatch(row.pk))
    return row, True


def emails_enqueue_bulk(specs: list[EmailSpec]) -> dict[str, int]:
    """Queue many emails in one INSERT; ones queued before (same key) are skipped. Their
    send tasks go to the broker after commit. Returns {uniqueness key: id} of the emails
    newly queued (so a producer can link its own record to each in the same transaction)."""
    rows = [_row_for(spec) for spec in specs]
    if not rows:
        return {}
    # An email whose address was emptied since keeps its key in redacted form: not again.
    redacted = [redacted_key(row.idempotency_key) for row in rows]
    gone = set(
        OutgoingEmail.objects.filter(idempotency_key__in=redacted).values_list(
            "idempotency_key", flat=True
        )
    )
    rows = [row for row in rows if redacted_key(row.idempotency_key) not in gone]
    if not rows:
        return {}
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # ignore_conflicts returns no keys: the new rows are the never-dispatched ones (a row
    # that could not be written is failed, never dispatched, and new all the same).
    found = OutgoingEmail.objects.filter(
        idempotency_key__in=[row.idempotency_key for row in rows],
        status__in=(EmailStatus.QUEUED, EmailStatus.FAILED),
        dispatched_at__isnull=True,
        attempts=0,
    ).values_list("idempotency_key", "pk", "status")
    new, queued = {}, []
    for key, row_id, status in found:
        new[key] = row_id
        if status == EmailStatus.QUEUED:
            queued.append(row_id)
    transaction.on_commit(lambda: _dispatch_many(queued))
    return new


def can_send_again(email: OutgoingEmail) -> bool:
    """A failed email that was written (one that could not be written has nothing to send)."""
    return email.status == EmailStatus.FAILED and bool(email.body_text)


@takes_actor
def email_retry(*, email: OutgoingEmail) -> None:
    """A coordinator sends a failed email again (with a fresh set of attempts)."""
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if row.status != EmailStatus.FAILED:
            raise OutboxError("Only a failed email can be retried.")
        if not can_send_again(row):
            raise OutboxError(
                "This email could not be written, so there is nothing to send. Tell the "
                "recipient yourself, and ask a developer to look at the error."
            )
        row.status, row.attempts, row.next_attempt_at = EmailStatus.QUEUED, 0, None
        row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: _dispatch(row.pk))


#: Emails a coordinator may send at once instead of waiting for the queue or the back-off.
SEND_NOW_STATUSES = (EmailStatus.QUEUED, EmailStatus.RETRYING)


@takes_actor
def email_send_now(*, email: OutgoingEmail) -> None:
    """A coordinator sends a queued or retrying email now: it goes to the broker at once,
    ahead of its back-off (the send still checks it is wanted and sends it once)."""
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if row.status not in SEND_NOW_STATUSES:
            raise OutboxError("Only a queued or retrying email can be sent now.")
        row.status, row.next_attempt_at = EmailStatus.QUEUED, None
        row.save(update_fields=["status", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: _dispatch(row.pk))


@takes_actor
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


def emails_cancel_unsent(*, email_ids) -> list[int]:
    """Cancel those of ``email_ids`` (ids or a values() subquery) not yet being sent, e.g. a
    cancelled wave's invitations still queued; returns the ids cancelled."""
    with transaction.atomic():
        unsent = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status__in=SEND_NOW_STATUSES)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=unsent).update(
            status=EmailStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now()
        )
    return unsent


def emails_retry_failed(*, email_ids) -> int:
    """Send again those of ``email_ids`` that failed and can be sent; returns how many."""
    failed = OutgoingEmail.objects.filter(pk__in=email_ids, status=EmailStatus.FAILED)
    retried = 0
    for email in failed.exclude(body_text=""):
        email_retry(email=email)
        retried += 1
    return retried
