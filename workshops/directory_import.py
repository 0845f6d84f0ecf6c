"""The directory from a CSV file: many venues or local professionals at once, all or nothing.

Each row is checked as one added by hand would be (``workshops.directory``); a row naming an
entry the area has already (a venue by its name, a professional by their email address) is
an update of it, so importing the same file twice changes nothing the second time. If any
row has a problem, nothing is saved and every problem is listed by row.
"""

import csv
import io
from dataclasses import dataclass, field, fields
from enum import StrEnum

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower

from core.actors import takes_actor
from core.errors import LinkDomainError
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter
from schools.models import LocalAuthority, MHSTArea
from workshops.directory import (
    Area,
    LocalProfessionalDetails,
    VenueDetails,
    local_professional_check,
    local_professional_save,
    venue_check,
    venue_save,
)
from workshops.errors import DirectoryError
from workshops.models import LocalProfessional, OrganisationType, Venue

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5_000

#: What people write for a sector, compared after ``normalise_header``.
SECTORS = {
    "nhs cypmhs": OrganisationType.NHS_CYPMHS,
    "cypmhs": OrganisationType.NHS_CYPMHS,
    "nhs": OrganisationType.NHS_CYPMHS,
    "la": OrganisationType.LOCAL_AUTHORITY,
    "local authority": OrganisationType.LOCAL_AUTHORITY,
    "vcs": OrganisationType.VCS,
    "voluntary and community sector": OrganisationType.VCS,
    "other": OrganisationType.OTHER,
    **{normalise_header(value): value for value in OrganisationType.values},
    **{normalise_header(str(label)): value for value, label in OrganisationType.choices},
}


class DirectoryImportError(DirectoryError):
    """The file as a whole cannot be used (not a CSV, too big, no header); nothing was saved."""


@dataclass(frozen=True)
class Kind:
    """What a file holds: its columns (the first required), the details each row makes, and
    how an entry is known in its area."""

    model: type
    details: type
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: str  # the details field an entry is known by, without case


VENUES = Kind(
    model=Venue,
    details=VenueDetails,
    columns=(
        "name",
        "address",
        "postcode",
        "easting",
        "northing",
        "accessibility",
        "capacity",
    ),
    required=("name",),
    key="name",
)
PROFESSIONALS = Kind(
    model=LocalProfessional,
    details=LocalProfessionalDetails,
    columns=("name", "role", "organisation", "sector", "email"),
    required=("name", "organisation", "sector", "email"),
    key="email",
)
AREA_COLUMNS = ("local authority", "mhst area")
HEADER_ALIASES = {"accessibility notes": "accessibility", "la": "local authority"}


class RowOutcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class ImportRow:
    """One data row; ``number`` is its row in a spreadsheet (the header is 1)."""

    number: int
    name: str
    outcome: RowOutcome
    reason: str = ""


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[ImportRow] = field(default_factory=list)
    written: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def added(self) -> int:
        return self.count(RowOutcome.ADDED)

    @property
    def updated(self) -> int:
        return self.count(RowOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(RowOutcome.UNCHANGED)

    @property
    def errors(self) -> int:
        return self.count(RowOutcome.ERROR)

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.ERROR]

    @property
    def changed_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.outcome in (RowOutcome.ADDED, RowOutcome.UPDATED)]


def _read(file, kind: Kind) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    size = getattr(file, "size", None)
    data = file.read(MAX_IMPORT_BYTES + 1)
    if (size or 0) > MAX_IMPORT_BYTES or len(data) > MAX_IMPORT_BYTES:
        raise DirectoryImportError(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB. Split it into "
            "smaller files and upload each."
        )
    expected = ", ".join((*kind.columns, *AREA_COLUMNS))
    if not data.strip():
        raise DirectoryImportError(
            f"The file is empty. The first row must name the columns: {expected}."
        )
    try:
        text = decode_upload(data)
    except UploadError as error:
        raise DirectoryImportError(str(error)) from None
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=sniff_delimiter(text.split("\n", 1)[0])
    )
    try:
        header = [normalise_header(cell) for cell in next(reader, [])]
        header = [HEADER_ALIASES.get(name, name) for name in header]
        known = (*kind.columns, *AREA_COLUMNS)
        where = {name: i for i, name in enumerate(header) if name in known}
        missing = [name for name in kind.required if name not in where]
        if missing or not ({"local authority", "mhst area"} & where.keys()):
            raise DirectoryImportError(
                f"The first row must name the columns {expected} (at least "
                f"{', '.join(kind.required)} and local authority or MHST area)."
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                if len(rows) == MAX_IMPORT_ROWS:
                    raise DirectoryImportError(
                        f"The file has more than {MAX_IMPORT_ROWS:,} rows. Split it into "
                        "smaller files and upload each."
                    )
                rows.append((number, cells))
    except csv.Error as error:
        raise DirectoryImportError(f"The file could not be read as CSV: {error}.") from None
    return where, rows


def _number(text: str, what: str) -> int | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise DirectoryError(f"The {what} {text!r} is not a whole number.")
    return int(text)


def _details(kind: Kind, cells: dict[str, str]):
    values = {name: cells.get(name, "").strip() for name in kind.columns}
    if kind is VENUES:
        for name in ("easting", "northing", "capacity"):
            values[name] = _number(values[name], name)
        details = VenueDetails(**values)
        venue_check(details)
    else:
        sector = SECTORS.get(normalise_header(values["sector"]))
        if sector is None:
            raise DirectoryError(
                f"The sector {values['sector']!r} is not one of NHS CYPMHS, LA, VCS or other."
            )
        details = LocalProfessionalDetails(**{**values, "sector": sector})
        local_professional_check(details)
    return details


class _Areas:
    """The areas a file may name: those allowed, by name or (an LA) by its code."""

    def __init__(self, local_authorities, mhst_areas):
        self.las = {}
        for la in local_authorities:
            for key in (la.name, la.code, la.gss_code):
                if key:
                    self.las[normalise_header(key)] = la
        self.mhst = {normalise_header(area.name): area for area in mhst_areas}

    def area(self, la_text: str, mhst_text: str) -> Area:
        la = self.las.get(normalise_header(la_text)) if la_text.strip() else None
        if la_text.strip() and la is None:
            raise DirectoryError(
                f"The local authority {la_text.strip()!r} is not one of your areas."
            )
        mhst = self.mhst.get(normalise_header(mhst_text)) if mhst_text.strip() else None
        if mhst_text.strip() and mhst is None:
            raise DirectoryError(f"The MHST area {mhst_text.strip()!r} is not one of your areas.")
        if la is None and mhst is None:
            raise DirectoryError("Give the local authority or the MHST area.")
        return Area(local_authority=la, mhst_area=mhst)


def _key(kind: Kind, details, area: Area) -> tuple:
    return (
        getattr(details, kind.key).strip().lower(),
        area.local_authority.pk if area.local_authority else None,
        area.mhst_area.pk if area.mhst_area else None,
    )


@takes_actor
def directory_import_csv(
    *,
    file,
    kind: Kind,
    local_authorities: QuerySet[LocalAuthority],
    mhst_areas: QuerySet[MHSTArea],
    dry_run: bool,
) -> ImportReport:
    """Add or update the venues (``kind=VENUES``) or local professionals
    (``kind=PROFESSIONALS``) of an uploaded CSV file, in the areas given (a coordinator's).

    The first row names the columns; the area of each row is a local authority (by name or
    code) and/or an MHST area (by name). Nothing is written on a ``dry_run`` or if any row
    has an error. Raises ``DirectoryImportError`` when the file as a whole cannot be used.
    """
    where, rows = _read(file, kind)
    areas = _Areas(local_authorities, mhst_areas)
    report = ImportReport(dry_run=dry_run)
    parsed, first_row_of = [], {}
    for number, raw in rows:
        cells = {name: raw[i] if i < len(raw) else "" for name, i in where.items()}
        shown = cells.get("name", "").strip()[:150]
        try:
            details = _details(kind, cells)
            area = areas.area(cells.get("local authority", ""), cells.get("mhst area", ""))
        except LinkDomainError as error:
            report.rows.append(ImportRow(number, shown, RowOutcome.ERROR, error.message))
            continue
        key = _key(kind, details, area)
        if key in first_row_of:
            report.rows.append(
                ImportRow(
                    number,
                    shown,
                    RowOutcome.ERROR,
                    f"Row {first_row_of[key]} has the same {kind.key} in the same area: give "
                    "each once.",
                )
            )
            continue
        first_row_of[key] = number
        parsed.append((number, shown, details, area, key))

    with transaction.atomic():
        existing = _existing(kind, [key for *_, key in parsed], lock=not dry_run)
        to_save = []
        for number, shown, details, area, key in parsed:
            entry = existing.get(key)
            if entry is None:
                outcome = RowOutcome.ADDED
            elif all(getattr(entry, f.name) == getattr(details, f.name) for f in fields(details)):
                outcome = RowOutcome.UNCHANGED
            else:
                outcome = RowOutcome.UPDATED
            report.rows.append(ImportRow(number, shown, outcome))
            if outcome != RowOutcome.UNCHANGED:
                to_save.append((details, area, entry))
        report.rows.sort(key=lambda row: row.number)
        if dry_run or report.errors:
            return report
        save = venue_save if kind is VENUES else local_professional_save
        entry_name = "venue" if kind is VENUES else "professional"
        for details, area, entry in to_save:
            save(details=details, area=area, **{entry_name: entry})
        report.written = True
    return report


def _existing(kind: Kind, keys: list[tuple], *, lock: bool) -> dict[tuple, object]:
    """The entries the rows name already, by key (one query)."""
    if not keys:
        return {}
    queryset = (
        kind.model.objects.annotate(key_lower=Lower(kind.key))
        .filter(key_lower__in={key[0] for key in keys})
        .order_by()
    )
    if lock:
        queryset = queryset.select_for_update()
    wanted = set(keys)
    found = {}
    for entry in queryset:
        key = (getattr(entry, kind.key).lower(), entry.local_authority_id, entry.mhst_area_id)
        if key in wanted:
            found[key] = entry
    return found
