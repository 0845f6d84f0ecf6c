"""Invitation waves: preview, launch, schedule, pause, resume, cancel and dispatch.

Dispatch runs from beat (``cohorts.tasks.dispatch_waves``, every minute). Each run takes the
wave's PostgreSQL advisory lock without waiting, so only one worker dispatches a wave at a
time; it queues the next ``rate_per_minute`` invitations (all of them when the rate is 0)
through the outbox, batch by batch, writing each school's ``Invitation`` in the same
transaction as its email (one per school and wave, whatever the channel); the outbox's
unique key would stop a second email to the same school in the same wave anyway.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.scoping import Scope
from cohorts.errors import CohortError
from cohorts.models import (
    RECORDED_CHANNELS,
    WAVE_TRANSITIONS,
    Cohort,
    Invitation,
    InvitationChannel,
    Wave,
    WaveAudience,
    WaveStatus,
)
from cohorts.selectors import (
    InvitedBefore,
    phases_in_scope,
    planned_cohorts_open_for,
    wave_area_choices,
    wave_areas_without_open_cohort,
    wave_invited_before,
    wave_plan_left_out,
    wave_remaining,
    wave_targets,
    waves_in_scope,
)
from cohorts.services.links import booking_link_path
from cohorts.status_summary import programme_status_refresh
from core.actors import takes_actor
from outbox.models import EmailKind
from outbox.services import (
    EmailSpec,
    email_idempotency_key,
    email_render,
    emails_cancel_unsent,
    emails_enqueue_bulk,
    emails_retry_failed,
)
from schools.models import Establishment, LocalAuthority, MHSTArea

INVITATION_TEMPLATE = "invitation"
BATCH = 1000
ADVISORY_LOCK_BASE = 0x4C494E4B_0000  # "LINK": keeps wave locks apart from others' keys


class WaveError(CohortError):
    """A wave cannot do what was asked; the message says why."""


def invitation_link(*, establishment: Establishment) -> str:
    return settings.LINK_BASE_URL + booking_link_path(establishment=establishment)


def _spec(wave: Wave, establishment: Establishment, planned: Cohort | None = None) -> EmailSpec:
    """The invitation of ``establishment``; one planned into a cohort open for booking
    (``planned``, from ``planned_cohorts_open_for``) is told that cohort and its dates."""
    return EmailSpec(
        kind=EmailKind.INVITATION,
        recipient=establishment.contact_email,
        template=INVITATION_TEMPLATE,
        context={
            "establishment": establishment,
            "link": invitation_link(establishment=establishment),
            "planned": planned,
        },
        concerns=establishment,
        establishment=establishment,
        occurrence=wave.occurrence,
        campaign=wave.campaign,
    )


@dataclass(frozen=True)
class WavePreview:
    recipients: int
    without_email: int
    without_email_sample: list[Establishment]
    sample_subject: str
    sample_text: str
    sample_html: str
    #: Schools of the wave invited in another wave (the invitation records), the latest first.
    invited_before: int = 0
    invited_before_sample: list[InvitedBefore] = field(default_factory=list)
    #: Local authorities with schools of the wave that no open cohort serves.
    areas_without_open_cohort: list[dict] = field(default_factory=list)
    #: Inviting the plan: planned cohorts not open for booking, whose schools wait for it.
    plan_left_out: list[dict] = field(default_factory=list)


def wave_preview(*, wave: Wave, sample_size: int = 50) -> WavePreview:
    """Who a wave would invite, who it cannot (no contact email), and one rendered message;
    and what to know before sending: which schools were invited before (when, how), which
    areas have no cohort open for booking, and (inviting the plan) which planned cohorts are
    not open yet. A fixed number of queries, however many schools."""
    targets = wave_targets(wave=wave)
    invited_before, invited_before_sample = wave_invited_before(
        wave=wave, targets=targets, sample_size=sample_size
    )
    with_email = targets.exclude(contact_email="")
    without = targets.filter(contact_email="")
    first = with_email.first()
    subject = text = html = ""
    if first is not None:
        planned = planned_cohorts_open_for(establishment_ids=[first.pk], today=timezone.localdate())
        spec = _spec(wave, first, planned.get(first.pk))
        subject, text, html = email_render(template=spec.template, context=spec.context)
    return WavePreview(
        recipients=with_email.count(),
        without_email=without.count(),
        without_email_sample=list(without[:sample_size]),
        sample_subject=subject,
        sample_text=text,
        sample_html=html,
        invited_before=invited_before,
        invited_before_sample=invited_before_sample,
        areas_without_open_cohort=wave_areas_without_open_cohort(targets=targets),
        plan_left_out=wave_plan_left_out(wave=wave) if wave.audience == WaveAudience.PLAN else [],
    )


@takes_actor
def wave_create(
    *,
    scope: Scope,
    actor,
    name: str,
    phase,
    local_authorities: list[LocalAuthority] | tuple = (),
    mhst_areas: list[MHSTArea] | tuple = (),
    type_groups: list[int] | tuple = (),
    mhst_only: bool = False,
    rate_per_minute: int = 0,
    audience: str = WaveAudience.AREAS,
) -> Wave:
    """Save a draft wave made by ``actor`` under ``scope``, clipped to that scope: a regional
    coordinator must name the areas it is for, and every one must lie wholly in their areas
    (``cohorts.selectors.wave_area_choices``), so none of its targets is anyone else's."""
    if not phases_in_scope(scope=scope).filter(pk=phase.pk).exists():
        raise WaveError("That phase is not one of your areas' phases.")
    if audience not in WaveAudience.values:
        raise WaveError("Choose whom the wave invites: every school, or the plan.")
    local_authorities, mhst_areas = list(local_authorities), list(mhst_areas)
    if not scope.national:
        if not (local_authorities or mhst_areas):
            # "All of the phase's areas" may reach beyond a regional coordinator's areas.
            raise WaveError("Choose the local authorities or MHST areas this wave is for.")
        allowed_las, allowed_areas = wave_area_choices(scope=scope)
        la_ids = set(
            allowed_las.filter(pk__in=[la.pk for la in local_authorities]).values_list(
                "pk", flat=True
            )
        )
        area_ids = set(
            allowed_areas.filter(pk__in=[a.pk for a in mhst_areas]).values_list("pk", flat=True)
        )
        outside = [la for la in local_authorities if la.pk not in la_ids]
        outside += [area for area in mhst_areas if area.pk not in area_ids]
        if outside:
            raise WaveError(
                "A wave can only invite schools in your areas; "
                f"{', '.join(str(area) for area in outside)} reaches beyond them."
            )
    with transaction.atomic():
        wave = Wave.objects.create(
            name=name,
            phase=phase,
            type_groups=list(type_groups),
            mhst_only=mhst_only,
            rate_per_minute=rate_per_minute,
            audience=audience,
            created_by=actor,
        )
        wave.local_authorities.set(local_authorities)
        wave.mhst_areas.set(mhst_areas)
    return wave


def _move(wave: Wave, action: str, **fields) -> None:
    """Make transition ``action`` (``cohorts.models.WAVE_TRANSITIONS``) under a row lock."""
    transition = WAVE_TRANSITIONS[action]
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.status not in transition.sources:
            raise WaveError(transition.refusal_for(locked))
        locked.status = transition.target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
    wave.refresh_from_db()


@takes_actor
def wave_launch(*, wave: Wave, send_at=None) -> None:
    """Schedule a draft wave: from ``send_at`` (now when not given, never in the past)."""
    if send_at is not None and send_at < timezone.now():
        raise WaveError("The send time is in the past; leave it empty to start now.")
    if not wave_targets(wave=wave).exclude(contact_email="").exists():
        if wave.audience == WaveAudience.PLAN and not wave_targets(wave=wave).exists():
            raise WaveError(
                "No school of this wave is planned into a cohort open for booking: "
                "open its planned cohorts first."
            )
        raise WaveError("No establishment in this wave has a contact email to invite.")
    _move(wave, "launch", send_at=send_at or timezone.now())


@takes_actor
def wave_pause(*, wave: Wave) -> None:
    _move(wave, "pause")


@takes_actor
def wave_resume(*, wave: Wave) -> None:
    _move(wave, "resume")


def _emails_of(wave: Wave):
    return Invitation.objects.filter(wave=wave, email__isnull=False).values("email_id")


@takes_actor
def wave_cancel(*, wave: Wave) -> int:
    """Stop a wave: nothing more is queued, and its unsent invitations are cancelled (through
    the outbox); a school whose email was stopped was not invited after all."""
    with transaction.atomic():  # the wave and its emails stop together
        _move(wave, "cancel")
        stopped = emails_cancel_unsent(email_ids=_emails_of(wave))
        uninvited = Invitation.objects.filter(wave=wave, email_id__in=stopped)
        schools = list(uninvited.values_list("establishment_id", flat=True))
        uninvited.delete()
        programme_status_refresh(schools)
    return len(stopped)


@takes_actor
def wave_retry_failed(*, wave: Wave) -> int:
    """Send again the wave's invitation emails that failed (through the outbox)."""
    return emails_retry_failed(email_ids=_emails_of(wave))


@takes_actor
def invitation_record(
    *, scope: Scope, actor, wave: Wave, establishment: Establishment, channel: str, when=None
) -> Invitation:
    """Record that ``actor`` invited ``establishment`` in ``wave`` by phone, on paper or in
    person. The wave must be one ``scope`` may act on (``waves_in_scope``) and the school one
    of its targets; it then counts as invited, and the wave sends it no email."""
    if channel not in RECORDED_CHANNELS:
        raise WaveError("Record an invitation made by phone, on paper or in person.")
    if not waves_in_scope(scope=scope).filter(pk=wave.pk).exists():
        raise WaveError("That wave is not one of your areas' waves.")
    if wave.status == WaveStatus.CANCELLED:
        raise WaveError("This wave is cancelled.")
    if not wave_targets(wave=wave).filter(pk=establishment.pk).exists():
        raise WaveError(f"{establishment.name} is not one of this wave's schools.")
    when = when or timezone.now()
    if when > timezone.now():
        raise WaveError("An invitation cannot be recorded in the future.")
    with transaction.atomic():
        invitation, created = Invitation.objects.get_or_create(
            wave=wave,
            establishment=establishment,
            defaults={"channel": channel, "invited_at": when, "recorded_by": actor},
        )
    if not created:
        raise WaveError(
            f"{establishment.name} was invited in this wave already "
            f"({invitation.get_channel_display().lower()})."
        )
    return invitation


def _invite_by_email(wave: Wave, batch: list[Establishment]) -> None:
    """Queue the invitation emails of ``batch`` and write their ``Invitation`` rows, in the
    caller's transaction: one commits only with the other."""
    planned = planned_cohorts_open_for(
        establishment_ids=[e.pk for e in batch], today=timezone.localdate()
    )
    specs = [_spec(wave, establishment, planned.get(establishment.pk)) for establishment in batch]
    emails = emails_enqueue_bulk(specs)
    now = timezone.now()
    Invitation.objects.bulk_create(
        [
            Invitation(
                wave=wave,
                establishment=establishment,
                channel=InvitationChannel.EMAIL,
                invited_at=now,
                email_id=emails.get(
                    email_idempotency_key(
                        kind=spec.kind,
                        recipient=spec.recipient,
                        concerns=spec.concerns,
                        occurrence=spec.occurrence,
                    )
                ),
            )
            for establishment, spec in zip(batch, specs, strict=True)
        ],
        ignore_conflicts=True,
    )
    programme_status_refresh(establishment.pk for establishment in batch)


@contextmanager
def _dispatch_lock(wave_id: int):
    """Yield whether this process may dispatch the wave: a PostgreSQL advisory lock, held
    across the batches and released at the end, so one worker dispatches a wave at a time.
    (The embedded SQLite default has no such lock; it runs a single worker.)"""
    if connection.vendor != "postgresql":
        yield True
        return
    key = ADVISORY_LOCK_BASE + wave_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def wave_dispatch(*, wave_id: int) -> int:
    """Queue the wave's next invitations; returns how many. Safe to run at any time, twice,
    or on two workers at once: one holds the wave's advisory lock and the other returns.

    Each batch is its own transaction, so workers start sending the first batch while the
    next is prepared, and a pause or cancel takes effect before the next batch.
    """
    with _dispatch_lock(wave_id) as got:
        if not got:
            return 0
        queued, limit = 0, None
        while True:
            with transaction.atomic():
                wave = (
                    Wave.objects.select_for_update()
                    .filter(
                        pk=wave_id,
                        status__in=(WaveStatus.SCHEDULED, WaveStatus.SENDING),
                        send_at__lte=timezone.now(),
                    )
                    .first()
                )
                if wave is None:
                    return queued  # not due, paused, cancelled or finished
                limit = wave.rate_per_minute or None
                size = BATCH if limit is None else min(BATCH, limit - queued)
                batch = list(wave_remaining(wave=wave)[:size]) if size > 0 else []
                if batch:
                    _invite_by_email(wave, batch)
                    queued += len(batch)
                    wave.dispatched_count += len(batch)
                wave.status = WaveStatus.SENDING
                finished = not batch or not wave_remaining(wave=wave).exists()
                if finished:
                    wave.status, wave.finished_at = WaveStatus.SENT, timezone.now()
                wave.save(update_fields=["status", "dispatched_count", "finished_at", "updated_at"])
            if finished or (limit is not None and queued >= limit):
                return queued


def waves_dispatch_due() -> list[int]:
    """Dispatch every wave that is due (beat, every minute). Returns the waves' ids."""
    due = list(
        Wave.objects.filter(
            status__in=(WaveStatus.SCHEDULED, WaveStatus.SENDING), send_at__lte=timezone.now()
        ).values_list("pk", flat=True)
    )
    for wave_id in due:
        wave_dispatch(wave_id=wave_id)
    return due
