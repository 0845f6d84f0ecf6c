"""Runs of the GIAS import, recorded (``GiasImport``), and the scheduled sync from a folder.

Every import, from the command or the beat, is a run: an extract older than the last one
imported is refused unless forced; a run that fails changes nothing in the register and
stays on record with why, for the register changes page; changes that matter to the
programme are staged for review (``schools.services.staging``).
"""

import logging
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.actors import current_actor
from schools import conf
from schools.interest import held_establishments, watched_local_authorities
from schools.models import GiasImport, ImportStatus
from schools.services.gias import GiasFileError, ImportReport, gias_import
from schools.services.links import LinksReport, links_import
from schools.services.staging import Staging
from schools.services.successors import successors_resolve

logger = logging.getLogger("schools.sync")

_DATED = re.compile(r"edubasealldata(\d{8})", re.IGNORECASE)
_EXTRACT = re.compile(r"^edubasealldata\d{8}.*\.csv(\.gz)?$", re.IGNORECASE)
_LINKS = re.compile(r"^links_edubasealldata\d{8}.*\.csv(\.gz)?$", re.IGNORECASE)


def extract_date_of(name: str) -> date | None:
    """The date in a GIAS file's name (``edubasealldata20250718.csv``), if it has one."""
    match = _DATED.search(name)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        return None


def latest_imported() -> GiasImport | None:
    return (
        GiasImport.objects.filter(status=ImportStatus.SUCCEEDED, extract_date__isnull=False)
        .order_by("-extract_date", "-created_at")
        .first()
    )


def _finish(run: GiasImport, status: str, message: str, report: ImportReport | None = None):
    run.status, run.message, run.finished_at = status, message[:500], timezone.now()
    if report is not None:
        run.created_count, run.updated_count = report.created, report.updated
        run.staged_count, run.skipped_count = report.staged, len(report.skipped)
    run.save()


def register_import(
    path: Path,
    *,
    links: Path | None = None,
    close_missing: bool = False,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[GiasImport, ImportReport]:
    """Import ``path``, then the ``links`` file if given, as a recorded run, and move the
    programme of held schools that closed to their simple successors
    (``schools.services.successors``), all in one transaction. Raises GiasFileError (the
    run records why) when a file is refused or cannot be read; nothing in the register has
    changed then."""
    extract = extract_date_of(path.name)
    latest = latest_imported()
    run = GiasImport.objects.create(file_name=path.name[:255], extract_date=extract)
    if extract and latest and extract < latest.extract_date and not force:
        message = (
            f"it is dated {extract:%d %B %Y}, older than the extract last imported "
            f"({latest.extract_date:%d %B %Y}); import it with --force if that is meant"
        )
        _finish(run, ImportStatus.FAILED, message)
        raise GiasFileError(message)
    staging = Staging(held=held_establishments(), watched_las=watched_local_authorities())
    linked: LinksReport | None = None
    try:
        with transaction.atomic():
            report = gias_import(
                path=path,
                close_missing=close_missing,
                staging=staging,
                run=run,
                on_progress=on_progress,
            )
            if links is not None:
                linked = links_import(links)
            moved, chosen = successors_resolve(actor=current_actor())
    except GiasFileError as error:
        _finish(run, ImportStatus.FAILED, str(error))
        raise
    except Exception as error:
        _finish(run, ImportStatus.FAILED, f"the import stopped ({type(error).__name__})")
        raise
    summary = (
        f"{report.created} new, {report.updated} changed, {report.staged} held for review, "
        f"{len(report.skipped)} rows skipped"
    )
    if linked is not None:
        summary += (
            f"; links: {linked.kept} kept, {len(linked.unknown_urns)} URNs not in the register"
        )
    if moved or chosen:
        summary += f"; {moved} moved to their successor, {chosen} successors to choose"
    _finish(run, ImportStatus.SUCCEEDED, summary, report)
    return run, report


def newest_extract(folder: Path, pattern: re.Pattern = _EXTRACT) -> Path | None:
    """The newest ``edubasealldata*.csv[.gz]`` (or links file) in ``folder``, by the date in
    its name."""
    dated = [
        (extract_date_of(path.name), path.name, path)
        for path in folder.iterdir()
        if path.is_file() and pattern.match(path.name) and extract_date_of(path.name)
    ]
    return max(dated)[2] if dated else None


DOWNLOAD_TIMEOUT = 60


def _download(template: str, folder: Path, today: date) -> Path | None:
    """Fetch ``template`` (an address with ``{date:%Y%m%d}``) for ``today`` into ``folder``,
    under the name in the address; None when it is not published (yet). A file half
    downloaded is never left under that name. Raises OSError for a failed download."""
    url = template.format(date=today)
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    target = folder / name
    if target.exists():
        return target
    partial = folder / f".{name}.part"
    try:
        with (
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response,  # noqa: S310
            open(partial, "wb") as out,
        ):
            shutil.copyfileobj(response, out, length=1 << 20)
    except urllib.error.HTTPError as error:
        partial.unlink(missing_ok=True)
        if error.code == 404:
            return None
        raise OSError(f"the download answered {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise OSError(f"the download failed ({type(error).__name__})") from None
    partial.replace(target)
    return target


def _fetch(folder: Path) -> str | None:
    """Download today's extract and links file when their addresses are configured; says
    why not if the download failed (and records it as a failed run, for the page)."""
    today = timezone.localdate()
    for template in (conf.gias_extract_url(), conf.gias_links_url()):
        if not template:
            continue
        try:
            _download(template, folder, today)
        except OSError as error:
            message = f"the day's file could not be downloaded: {error}"
            GiasImport.objects.create(
                file_name=template.format(date=today).rsplit("/", 1)[-1][:255],
                extract_date=today,
                status=ImportStatus.FAILED,
                message=message,
                finished_at=timezone.now(),
            )
            logger.error("GIAS sync: %s", message)
            return f"Nothing imported: {message}."
    return None


def gias_sync(folder: Path | None = None) -> str:
    """Download the day's files if addresses are configured (``GIAS_EXTRACT_URL``,
    ``GIAS_LINKS_URL``), then import the newest extract in ``folder``
    (``GIAS_EXTRACT_PATH``) if it is newer than the last one imported; says what it did."""
    folder = folder or conf.gias_extract_path()
    if folder is None:
        return "GIAS_EXTRACT_PATH is not set: nothing to sync."
    if not folder.is_dir():
        return f"GIAS_EXTRACT_PATH ({folder}) is not a folder: nothing synced."
    if failed := _fetch(folder):
        return failed
    path = newest_extract(folder)
    if path is None:
        return "No GIAS extract (edubasealldata*.csv) in the folder yet."
    latest = latest_imported()
    if latest and latest.extract_date >= extract_date_of(path.name):
        return f"Up to date: {path.name} is not newer than the extract last imported."
    try:
        run, _report = register_import(path, links=newest_extract(folder, _LINKS))
    except GiasFileError as error:
        logger.error("GIAS sync refused %s: %s", path.name, error)
        return f"{path.name} was not imported: {error}."
    return f"{path.name}: {run.message}."
