"""Queue emails: render each once, key it so it is made once, hand it to the broker after
commit; and the coordinators' actions on a queued email (retry, cancel)."""

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

from outbox import conf
from outbox.models import EmailKind, EmailStatus, OutgoingEmail

logger = logging.getLogger("outbox.services")
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
class EmailSpec:
    """One email for ``emails_enqueue_bulk``; the fields are those of ``email_enqueue``."""

    kind: EmailKind
    recipient: str
    template: str
    context: dict
    concerns: object = None
    establishment: object = None
    wave_key: str = ""
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
    wave_key: str = "",
    attachments: list[dict] | Callable[[], list[dict]] | None = None,
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
    if row.status == EmailStatus.QUEUED:
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


def can_send_again(email: OutgoingEmail) -> bool:
    """A failed email that was written (one that could not be written has nothing to send)."""
    return email.status == EmailStatus.FAILED and bool(email.body_text)


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
