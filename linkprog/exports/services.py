"""Worker-built exports: asked for (``export_job_queue``), built once by a worker
(``export_job_run``), recovered when a worker is lost (``export_jobs_recover``), started
again by their owner (``export_job_restart``), and deleted when their time is up
(``export_jobs_delete_expired``).

The file is written to ``<id>-<random>.<ext>.part`` and renamed when complete, so a job is
done only with a whole file; a worker killed mid-way leaves the job running with an old
heartbeat and a partial file, which the next attempt removes. Each attempt claims the job
with one conditional UPDATE (its attempt number), so two workers never both finish it.
"""

import hashlib
import json
import logging
import secrets
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.scoping import Scope, scope_for
from linkprog import conf
from linkprog.exports.kinds import KINDS, ExportError, Request
from linkprog.models import ExportJob, ExportStatus
from outbox.models import EmailKind
from outbox.services import email_enqueue

logger = logging.getLogger("linkprog.exports")

UNEXPECTED = (
    "The export stopped with an unexpected error. Start it again; if it stops again, "
    "tell the programme team."
)
LOST = "The export was stopped {attempts} times before it finished (its worker was lost)."


def scope_key(scope: Scope) -> str:
    """A digest of the areas a scope covers: a file is handed out only to the same areas."""
    areas = {
        "national": scope.national,
        "la": sorted(scope.la_ids),
        "mhst": sorted(scope.mhst_area_ids),
        "regions": sorted(scope.regions),
        "facilitator": scope.facilitator_id,
    }
    return hashlib.sha256(json.dumps(areas, sort_keys=True).encode()).hexdigest()


def _dispatch(job_id: int) -> None:
    from linkprog.tasks import build_export

    transaction.on_commit(lambda: build_export.delay(job_id))


def _request(*, kind: str, params: dict, actor) -> Request:
    if kind not in KINDS:
        raise ExportError("There is no such export.", code="unknown_kind")
    if not actor.is_active or not actor.has_perms(KINDS[kind].permissions):
        raise ExportError("You may not download this export.", code="forbidden")
    return Request(user=actor, scope=scope_for(actor), params=params)


def export_rows(*, kind: str, params: dict, actor) -> int:
    """How many rows the export would have, for ``actor`` now; ``ExportError`` when the
    filters are not valid for them."""
    return KINDS[kind].count(_request(kind=kind, params=params, actor=actor))


def export_job_queue(*, kind: str, params: dict[str, list[str]], actor) -> ExportJob:
    """Ask a worker to build an export as ``actor`` may see it. Asking again while the same
    export is still waiting or being built returns that job."""
    request = _request(kind=kind, params=params, actor=actor)
    rows = KINDS[kind].count(request)
    with transaction.atomic():
        pending = ExportJob.objects.filter(
            created_by=actor,
            kind=kind,
            params=params,
            status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING),
        ).first()
        if pending is not None:
            return pending
        job = ExportJob.objects.create(
            created_by=actor,
            kind=kind,
            params=params,
            scope_key=scope_key(request.scope),
            rows=rows,
        )
        _dispatch(job.pk)
    return job


def export_job_restart(*, job: ExportJob, actor) -> ExportJob:
    """Start a failed or deleted export again, as ``actor`` may see it now."""
    if job.status not in (ExportStatus.FAILED, ExportStatus.EXPIRED):
        raise ExportError("This export is still being built or ready.", code="not_finished")
    request = _request(kind=job.kind, params=job.params, actor=actor)
    rows = KINDS[job.kind].count(request)
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.QUEUED,
            scope_key=scope_key(request.scope),
            rows=rows,
            progress=0,
            attempts=0,
            error="",
            file_name="",
            size=0,
            heartbeat_at=None,
            finished_at=None,
            expires_at=None,
        )
        _dispatch(job.pk)
    job.refresh_from_db()
    return job


def _claim(job_id: int, now: datetime) -> ExportJob | None:
    """Take the job for this attempt: waiting, or running with no sign of life for a lease
    (its worker lost). None when it is finished or another worker holds it."""
    stale = now - conf.lease()
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            status=ExportStatus.RUNNING,
            heartbeat_at=now,
            progress=0,
            error="",
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return None
    return ExportJob.objects.select_related("created_by").get(pk=job_id)


def _remove_parts(job: ExportJob) -> None:
    for part in conf.export_dir().glob(f"{job.pk}-*.part"):
        part.unlink(missing_ok=True)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build the file of a waiting export (or one whose worker was lost) as its owner may
    see it now, and tell them. A finished job, or one another worker holds, is left alone,
    so a task delivered twice does nothing."""
    job = _claim(job_id, timezone.now())
    if job is None:
        return None
    kind, user = KINDS[job.kind], job.created_by
    directory = conf.export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _remove_parts(job)
    name = f"{job.pk}-{secrets.token_hex(8)}{Path(kind.file_name).suffix}"
    part = directory / f"{name}.part"
    written = 0

    def progress(rows: int) -> None:
        nonlocal written
        written = rows
        if rows and rows % conf.PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
                progress=rows, heartbeat_at=timezone.now()
            )

    try:
        request = _request(kind=job.kind, params=job.params, actor=user)
        if scope_key(request.scope) != job.scope_key:
            raise ExportError(
                "Your areas have changed since you asked for this export. Start it again to "
                "build it for the areas you have now.",
                code="scope_changed",
            )
        with part.open("wb") as file:
            kind.write(request, file, progress)
    except ExportError as error:
        part.unlink(missing_ok=True)
        return _finish(job, status=ExportStatus.FAILED, error=error.message)
    except Exception:
        part.unlink(missing_ok=True)
        logger.exception("export %s (%s) stopped", job.pk, job.kind)
        return _finish(job, status=ExportStatus.FAILED, error=UNEXPECTED)
    part.rename(directory / name)
    return _finish(job, status=ExportStatus.DONE, file_name=name, rows=written)


def _finish(job: ExportJob, *, status: str, error: str = "", file_name: str = "", rows=None):
    now = timezone.now()
    changes = {"status": status, "error": error, "finished_at": now, "heartbeat_at": now}
    if status == ExportStatus.DONE:
        size = (conf.export_dir() / file_name).stat().st_size
        changes.update(
            file_name=file_name,
            size=size,
            rows=rows,
            progress=rows,
            expires_at=now + conf.keep_for(),
        )
    with transaction.atomic():
        # Only this attempt may finish the job (a recovered job has a newer one).
        finished = ExportJob.objects.filter(
            pk=job.pk, status=ExportStatus.RUNNING, attempts=job.attempts
        ).update(**changes)
        if not finished:
            if file_name:
                (conf.export_dir() / file_name).unlink(missing_ok=True)
            return None
        job.refresh_from_db()
        _tell(job)
    return job


def _tell(job: ExportJob) -> None:
    """Email the owner a link to the export's page (never the file)."""
    user = job.created_by
    if not user.email:
        return
    email_enqueue(
        kind=EmailKind.EXPORT_READY,
        recipient=user.email,
        template="export_ready",
        context={
            "user": user,
            "job": job,
            "care": KINDS[job.kind].care,
            "link": settings.LINK_BASE_URL + reverse("exports:job", args=[job.pk]),
        },
        concerns=job,
        occurrence=f"{job.status}-{job.attempts}-{job.finished_at:%Y%m%d%H%M%S}",
    )


def export_jobs_recover(*, now: datetime | None = None) -> int:
    """Hand again to a worker the exports whose worker was lost (running with no sign of
    life for a lease) or whose task never reached one (waiting for a lease); after
    ``MAX_ATTEMPTS`` a lost one is marked failed, for its owner to start again."""
    now = now or timezone.now()
    stale = now - conf.lease()
    recovered = 0
    lost = ExportJob.objects.select_related("created_by").filter(
        Q(status=ExportStatus.RUNNING, heartbeat_at__lt=stale)
        | Q(status=ExportStatus.QUEUED, created_at__lt=stale, heartbeat_at__isnull=True)
        | Q(status=ExportStatus.QUEUED, heartbeat_at__lt=stale)
    )
    for job in lost:
        with transaction.atomic():
            if job.status == ExportStatus.RUNNING and job.attempts >= conf.MAX_ATTEMPTS:
                _finish(job, status=ExportStatus.FAILED, error=LOST.format(attempts=job.attempts))
                continue
            ExportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
                status=ExportStatus.QUEUED, heartbeat_at=now
            )
            _dispatch(job.pk)
        recovered += 1
    return recovered


def export_jobs_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the files kept past their time (``LINK_EXPORT_KEEP_HOURS``), and partial
    files of attempts long gone; the job stays, marked deleted."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lt=now)
    deleted = 0
    for job in expired:
        (conf.export_dir() / job.file_name).unlink(missing_ok=True)
        deleted += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, file_name="", size=0
        )
    cutoff = (now - conf.keep_for()).timestamp()
    directory = conf.export_dir()
    if directory.is_dir():
        for part in directory.glob("*.part"):
            if part.stat().st_mtime < cutoff:
                part.unlink(missing_ok=True)
    return deleted
