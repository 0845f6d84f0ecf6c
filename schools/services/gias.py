"""Import of the DfE's GIAS establishment extract (``edubasealldata*.csv``).

The file is streamed row by row (plain or gzip, UTF-8 or the cp1252 of the official
download, decided line by line) and upserted by URN in batches inside one transaction: a
file that cannot be read writes nothing. A row whose number of fields is not the header's
(cut short by a partial download, or damaged) is skipped, never read as blanks; a file
with more than 1% of such rows is refused whole. Head teachers' names are personal data
and are never read into memory beyond the csv module's row, never stored, never logged.
"""

import csv
import gzip
import operator
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from core.actors import current_actor
from core.validators import LINE_BREAK
from schools.models import Establishment, LocalAuthority, Status
from schools.services.staging import Staging

BATCH_SIZE = 2000
GIAS_CHANGE_REASON = "GIAS import"
# --close-missing refuses to close more than this share of the open establishments.
MAX_CLOSE_FRACTION = 0.1
# A file with more than this share of rows cut short or damaged is refused whole.
MAX_MALFORMED_FRACTION = 0.01

# GIAS column -> model field, for the plain text fields.
TEXT_COLUMNS = {
    "EstablishmentName": "name",
    "TypeOfEstablishment (name)": "type_name",
    "PhaseOfEducation (name)": "phase",
    "LA (code)": "gias_la_code",
    "LA (name)": "gias_la_name",
    "Postcode": "postcode",
    "Town": "town",
    "TelephoneNum": "telephone",
    "SchoolWebsite": "website",
    "UKPRN": "ukprn",
}
DATE_COLUMNS = {
    "OpenDate": "open_date",
    "CloseDate": "close_date",
    "LastChangedDate": "gias_last_changed",
}
REQUIRED_COLUMNS = (
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentStatus (code)",
    "LA (code)",
)
OPTIONAL_COLUMNS = ("NumberOfPupils", "GOR (name)", "Easting", "Northing")
# The fields the import owns. contact_email and mhst_area are Link's and never touched.
IMPORT_FIELDS = (
    *TEXT_COLUMNS.values(),
    *DATE_COLUMNS.values(),
    "type_code",
    "type_group",
    "status",
    "la_id",
    "pupil_count",
    "easting",
    "northing",
)
# GIAS's pseudo-regions for establishments outside England: Wales, offshore and overseas.
NON_ENGLISH_GOR = {"Wales (pseudo)", "Not Applicable"}
_STATUSES = {choice.value for choice in Status}
_TEXT_VALUES = operator.itemgetter(*TEXT_COLUMNS.values())
_MAX_LENGTHS = {
    f.attname: f.max_length
    for f in Establishment._meta.get_fields()
    if getattr(f, "max_length", None) and f.attname in IMPORT_FIELDS
}


class GiasFileError(Exception):
    """The file is not a readable GIAS extract. Nothing was written."""


class RowError(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass(frozen=True)
class SkippedRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    reason: str


@dataclass(frozen=True)
class MalformedRow:
    """A data row without the header's number of fields: cut short (a partial download) or
    damaged. None of it is used, since its values may sit under the wrong columns."""

    fields: int
    expected: int

    @property
    def reason(self) -> str:
        how = "cut short" if self.fields < self.expected else "damaged"
        return f"it has {self.fields} fields where the header has {self.expected} ({how})"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    malformed: list[int] = field(default_factory=list)  # row numbers, also in ``skipped``
    closed_missing: int = 0
    eligible: int = 0
    staged: int = 0

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.closed_missing


# --- Reading ----------------------------------------------------------------------------------


def _decoded_lines(stream: BinaryIO) -> Iterator[str]:
    """Text lines of a binary stream: UTF-8 where a line is valid UTF-8, else cp1252."""
    first = True
    for raw in stream:
        if b"\x00" in raw:
            raise GiasFileError("it is a binary file, not a CSV extract")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("cp1252", errors="replace")
        if first:
            line, first = line.lstrip("\ufeff"), False
        yield line


def _rows(stream: BinaryIO) -> Iterator[tuple[int, dict[str, str] | MalformedRow]]:
    """(spreadsheet row number, {column: value}) for each data row, or a MalformedRow for
    one without the header's number of fields. Checks the header."""
    if b"\x00" in stream.peek(8192)[:8192]:
        raise GiasFileError("it is a binary file, not a CSV extract")
    reader = csv.reader(_decoded_lines(stream))
    try:
        header = next(reader)
    except StopIteration:
        raise GiasFileError("the file is empty") from None
    except csv.Error as exc:
        raise GiasFileError(f"it is not a CSV file ({exc})") from None
    header = [name.strip() for name in header]
    if "URN" not in header:
        raise GiasFileError("it has no URN column, so it is not a GIAS establishment extract")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise GiasFileError(f"GIAS columns are missing: {', '.join(missing)}")
    wanted = {
        name: header.index(name)
        for name in (
            *REQUIRED_COLUMNS,
            *TEXT_COLUMNS,
            *DATE_COLUMNS,
            *OPTIONAL_COLUMNS,
        )
        if name in header
    }
    number = 1
    try:
        for values in reader:
            number += 1
            if not any(values):
                continue
            if len(values) != len(header):
                yield number, MalformedRow(fields=len(values), expected=len(header))
                continue
            yield number, {name: values[index].strip() for name, index in wanted.items()}
    except csv.Error as exc:
        raise GiasFileError(f"row {number + 1} is not valid CSV ({exc})") from None


def _parse_date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d-%m-%Y").date()
    except ValueError:
        raise RowError(f"{column} {value!r} is not a date (dd-mm-yyyy)") from None


def _parse_int(value: str, column: str) -> int:
    if not value.isdigit():
        raise RowError(f"{column} {value!r} is not a whole number")
    return int(value)


def _parse_urn(value: str) -> int:
    urn = _parse_int(value, "URN")
    if urn == 0:
        raise RowError("URN 0 is not a valid URN")
    return urn


def _establishment_values(urn: int, row: dict[str, str], la_ids: dict[str, int]) -> dict:
    """The model's field values for one GIAS row, or RowError saying what is wrong."""
    values: dict = {"urn": urn}
    for column, name in TEXT_COLUMNS.items():
        values[name] = row.get(column, "")
    if not values["name"]:
        raise RowError("it has no establishment name")
    for column, name in DATE_COLUMNS.items():
        values[name] = _parse_date(row.get(column, ""), column)
    values["type_code"] = _parse_int(row["TypeOfEstablishment (code)"], "TypeOfEstablishment")
    values["type_group"] = _parse_int(
        row["EstablishmentTypeGroup (code)"], "EstablishmentTypeGroup"
    )
    status = _parse_int(row["EstablishmentStatus (code)"], "EstablishmentStatus")
    if status not in _STATUSES:
        raise RowError(f"EstablishmentStatus {status} is not a known status")
    values["status"] = status
    pupils = row.get("NumberOfPupils", "")
    values["pupil_count"] = int(pupils) if pupils.isdigit() else None
    # British National Grid metres; blank (or 0, as GIAS writes for some) when not known.
    for column in ("Easting", "Northing"):
        value = row.get(column, "")
        values[column.lower()] = int(value) if value.isdigit() and int(value) else None

    la_code = values["gias_la_code"]
    if la_code in la_ids:
        values["la_id"] = la_ids[la_code]
    elif la_code == "000" or row.get("GOR (name)") in NON_ENGLISH_GOR:
        values["la_id"] = None  # outside England: kept in the register, never eligible
    else:
        raise RowError(f"LA code {la_code!r} is not a known local authority")

    for name, limit in _MAX_LENGTHS.items():
        if values[name] and len(values[name]) > limit:
            raise RowError(f"{name} is longer than {limit} characters")
    # The register's text is one line (a quoted CSV field may not be). Cheap for every row:
    # only text with a control or separator character in it is searched for a line break.
    text = " ".join(_TEXT_VALUES(values))
    if not text.isprintable() and LINE_BREAK.search(text):
        column = next(c for c, name in TEXT_COLUMNS.items() if LINE_BREAK.search(values[name]))
        raise RowError(f"{column} has a line break in it")
    return values


# --- Writing ----------------------------------------------------------------------------------


def _write_batch(batch: list[dict], report: ImportReport, staging: Staging) -> None:
    existing = {
        row[0]: (row[1], row[2:])
        for row in Establishment.objects.filter(urn__in=[v["urn"] for v in batch]).values_list(
            "urn", "pk", *IMPORT_FIELDS
        )
    }
    new, changed = [], []
    for values in batch:
        stored = existing.get(values["urn"])
        if stored is None:
            new.append(Establishment(**values))
        elif stored[1] != tuple(values[name] for name in IMPORT_FIELDS):
            old = dict(zip(IMPORT_FIELDS, stored[1], strict=True))
            values = staging.hold_back(stored[0], old, values)
            if stored[1] == tuple(values[name] for name in IMPORT_FIELDS):
                report.unchanged += 1  # all it changed is held for review
            else:
                changed.append(Establishment(pk=stored[0], **values))
        else:
            report.unchanged += 1
    if new:
        Establishment.objects.bulk_create(new)
        report.created += len(new)
        staging.created(new)
    if changed:
        # One INSERT ... ON CONFLICT (urn) DO UPDATE per batch: far cheaper than bulk_update's
        # CASE expressions, and it leaves contact_email and mhst_area alone.
        Establishment.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["urn"],
            update_fields=[name.removesuffix("_id") for name in IMPORT_FIELDS] + ["updated_at"],
        )
        report.updated += len(changed)
    # Bulk writes send no signals, so the audit history is written in bulk too: each
    # establishment's record shows what GIAS changed, and later edits diff against it.
    # (Link's own fields are not in the import's rows, so they are re-read for the record.)
    if changed:
        own = {
            pk: (email, area)
            for pk, email, area in Establishment.objects.filter(
                pk__in=[e.pk for e in changed]
            ).values_list("pk", "contact_email", "mhst_area_id")
        }
        for establishment in changed:
            establishment.contact_email, establishment.mhst_area_id = own[establishment.pk]
    for records, update in ((new, False), (changed, True)):
        if records:
            Establishment.history.bulk_history_create(
                records,
                update=update,
                default_change_reason=GIAS_CHANGE_REASON,
                default_user=current_actor(),
            )


def _close_missing(seen: dict[int, int], report: ImportReport, staging: Staging) -> None:
    """Close establishments the register holds as open that the (complete) file omits
    (those the programme holds are staged for review instead)."""
    open_rows = Establishment.objects.exclude(status=Status.CLOSED).values_list(
        "pk", "urn", "status"
    )
    statuses = {
        pk: status
        for pk, urn, status in open_rows.iterator(chunk_size=BATCH_SIZE)
        if urn not in seen
    }
    missing = list(statuses)
    open_total = open_rows.count()
    if missing and len(missing) > MAX_CLOSE_FRACTION * open_total:
        raise GiasFileError(
            f"--close-missing would close {len(missing)} of the {open_total} open "
            "establishments, so this looks like a partial file"
        )
    missing = staging.closing_missing(missing, statuses)
    for start in range(0, len(missing), BATCH_SIZE):
        closing = Establishment.objects.filter(pk__in=missing[start : start + BATCH_SIZE])
        closing.update(status=Status.CLOSED, updated_at=timezone.now())
        Establishment.history.bulk_history_create(
            list(closing),
            update=True,
            default_change_reason=GIAS_CHANGE_REASON,
            default_user=current_actor(),
        )
    report.closed_missing = len(missing)


def _check_malformed(report: ImportReport, *, close_missing: bool) -> None:
    """Refuse the file (GiasFileError) when too many of its rows were cut short or damaged,
    or, with --close-missing (which takes the file to be complete), when any was."""
    if not report.malformed:
        return
    count, first = len(report.malformed), report.malformed[0]
    if count > MAX_MALFORMED_FRACTION * report.rows:
        raise GiasFileError(
            f"{count} of its {report.rows} data rows are cut short or damaged (a number of "
            f"fields other than the header's; the first is row {first}), more than "
            f"{MAX_MALFORMED_FRACTION:.0%}, so it looks like a partial download"
        )
    if close_missing:
        raise GiasFileError(
            f"--close-missing needs a complete file, and row {first} was cut short or damaged"
        )


def gias_import(
    *,
    path: Path,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    close_missing: bool = False,
    staging: Staging | None = None,
    run=None,
) -> ImportReport:
    """Upsert every establishment of a GIAS extract by URN; report what happened.

    A row without the header's number of fields is skipped; a file with more than 1% of
    them is refused, as it is with ``close_missing`` and any of them.

    With ``close_missing``, the file is taken to be complete (like GIAS's open-establishments
    extract): establishments that the register holds as open and the file does not list are
    closed, unless that would be more than a tenth of them (a partial file).

    ``staging`` holds back the changes that matter to the programme (``schools.services.
    staging``; without it, everything is applied), written with the ``run`` (GiasImport)
    that found them.

    ``on_progress`` is called with the number of bytes of the file read so far. Raises
    GiasFileError, with nothing written, when the file is not a readable GIAS extract.
    """
    report = ImportReport()
    staging = staging or Staging(held={}, watched_las=set())
    la_ids = dict(LocalAuthority.objects.values_list("code", "id"))
    seen: dict[int, int] = {}
    try:
        with open(path, "rb") as raw:
            is_gzip = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw) if is_gzip else raw
            with transaction.atomic():
                batch: list[dict] = []
                for number, row in _rows(stream):
                    report.rows += 1
                    if isinstance(row, MalformedRow):
                        report.malformed.append(number)
                        report.skipped.append(SkippedRow(number, row.reason))
                        continue
                    try:
                        urn = _parse_urn(row["URN"])
                        if urn in seen:
                            raise RowError(f"URN {urn} appears again (first at row {seen[urn]})")
                        seen[urn] = number
                        batch.append(_establishment_values(urn, row, la_ids))
                    except RowError as exc:
                        report.skipped.append(SkippedRow(number, str(exc)))
                        continue
                    if len(batch) >= batch_size:
                        _write_batch(batch, report, staging)
                        batch = []
                        if on_progress:
                            on_progress(raw.tell())
                if batch:
                    _write_batch(batch, report, staging)
                if report.rows == 0:
                    raise GiasFileError("it has a header but no establishment rows")
                _check_malformed(report, close_missing=close_missing)
                if close_missing:
                    _close_missing(seen, report, staging)
                report.staged = staging.save(run)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise GiasFileError(f"it is not a readable gzip file ({exc})") from None
    if on_progress:
        on_progress(path.stat().st_size)
    report.eligible = Establishment.objects.eligible().count()
    return report
