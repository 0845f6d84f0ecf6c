"""GIAS's links file (``links_edubasealldata*.csv``): which establishment succeeded which.

Each row links a URN to another (``Successor``, ``Predecessor``, ``Successor - merged``,
``Result of Amalgamation``...). The import replaces the register's links with the file's,
all in one transaction. A link naming a URN the register does not hold is reported and not
kept; nothing else changes for it.
"""

import csv
import gzip
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction

from core.spreadsheets import UploadError, decode_upload
from schools.models import Establishment, EstablishmentLink
from schools.services.gias import GiasFileError

REQUIRED = ("URN", "LinkURN", "LinkType")
MAX_BAD_FRACTION = 0.01


@dataclass
class LinksReport:
    rows: int = 0
    kept: int = 0
    #: URNs the file names that the register does not hold (their links are not kept).
    unknown_urns: set[int] = field(default_factory=set)
    #: Row numbers (the header is row 1) that could not be read.
    bad_rows: list[int] = field(default_factory=list)


def _text(path: Path) -> str:
    """The file's text, gzipped or not, read as any uploaded CSV is (``decode_upload``)."""
    with open(path, "rb") as raw:
        data = raw.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise GiasFileError(f"it is not a readable gzip file ({error})") from None
    try:
        return decode_upload(data)
    except UploadError as error:
        raise GiasFileError(str(error)) from None


def _date(value: str):
    value = value.strip()
    return datetime.strptime(value, "%d-%m-%Y").date() if value else None


def links_import(path: Path) -> LinksReport:
    """Replace the register's links with the file's. Raises GiasFileError, changing nothing,
    for a file that is not a links file or has more than 1% of rows it cannot read."""
    report = LinksReport()
    reader = csv.DictReader(io.StringIO(_text(path), newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise GiasFileError(
            f"it is not a GIAS links file: the columns {', '.join(missing)} are missing"
        )
    reader.fieldnames = header
    known = set(Establishment.objects.values_list("urn", flat=True))
    links: dict[tuple[int, int, str], EstablishmentLink] = {}
    for number, row in enumerate(reader, start=2):
        report.rows += 1
        try:
            urn, linked = int(row["URN"]), int(row["LinkURN"])
            link_type = " ".join((row["LinkType"] or "").split())[:80]
            established = _date(row.get("LinkEstablishedDate") or "")
            if not link_type:
                raise ValueError
        except (TypeError, ValueError):
            report.bad_rows.append(number)
            continue
        unknown = {urn, linked} - known
        if unknown:
            report.unknown_urns |= unknown
            continue
        links[(urn, linked, link_type)] = EstablishmentLink(
            urn=urn, linked_urn=linked, link_type=link_type, established=established
        )
    if report.rows == 0:
        raise GiasFileError("it has a header but no links")
    if len(report.bad_rows) > MAX_BAD_FRACTION * report.rows:
        raise GiasFileError(
            f"{len(report.bad_rows)} of its {report.rows} rows cannot be read (the first is "
            f"row {report.bad_rows[0]}), so it looks damaged"
        )
    with transaction.atomic():
        EstablishmentLink.objects.all().delete()
        EstablishmentLink.objects.bulk_create(links.values(), batch_size=5000)
    report.kept = len(links)
    return report
