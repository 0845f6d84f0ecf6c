"""Large set-up files go to a worker: queued here, run by ``cohorts.tasks.run_set_up_import``.

A file of more than ``INLINE_ROWS`` rows would take longer than a page request may (each row
runs through the cohort services: about 36 queries), so the view stores it and a worker checks
or saves it, all or nothing as for a small one, while the page follows its progress.
"""

from django.db import transaction
from django.utils import timezone

from accounts.scoping import scope_for
from cohorts.models import SetUpImport, SetUpImportStatus
from cohorts.services.setup_import import (
    SetUpImportError,
    cohorts_set_up_import,
    set_up_file_rows,
)

#: Files of up to this many rows are checked and saved within the request.
INLINE_ROWS = 100
#: Row errors kept for the page (the count of all is kept too).
ERRORS_KEPT = 1000


def set_up_import_queue(*, data: bytes, file_name: str, dry_run: bool, actor) -> SetUpImport:
    """Keep the file and hand it to a worker once this transaction commits."""
    from cohorts.tasks import run_set_up_import

    job = SetUpImport.objects.create(
        created_by=actor,
        file_name=file_name[:255],
        data=data,
        dry_run=dry_run,
        rows=set_up_file_rows(data),
    )
    transaction.on_commit(lambda: run_set_up_import.delay(job.pk))
    return job


def set_up_import_run(*, import_id: int) -> SetUpImport | None:
    """Check or save a queued file as its uploader may (their scope now), all or nothing, and
    keep the report. A finished run is left alone, so a task delivered twice does nothing;
    one interrupted mid-way (its transaction rolled back) runs again from the start."""
    job = SetUpImport.objects.select_related("created_by").filter(pk=import_id).first()
    if job is None or job.finished:
        return job
    SetUpImport.objects.filter(pk=job.pk).update(
        status=SetUpImportStatus.RUNNING, started_at=timezone.now()
    )
    user = job.created_by
    try:
        report = cohorts_set_up_import(
            data=bytes(job.data), scope=scope_for(user), dry_run=job.dry_run, actor=user
        )
    except SetUpImportError as error:
        job.status, job.message = SetUpImportStatus.FAILED, error.message
    else:
        job.status = SetUpImportStatus.DONE
        job.errors = [[row, messages] for row, messages in report.error_rows[:ERRORS_KEPT]]
        job.message = f"{len(report.errors)} row(s) with errors" if report.errors else ""
        if report.result is not None:
            job.saved, job.opened = report.result.saved, len(report.result.opened)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "message", "saved", "opened", "finished_at"])
    return job
