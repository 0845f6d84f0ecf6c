"""Link's own details of an establishment: the contact email invitations go to.

Coordinators set it one establishment at a time (``establishment_update_contact``) or for
many at once from a CSV file (``contacts_import_csv``). Both save the same way, so the
establishment's audit history records each change and who made it.
"""

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from core.actors import takes_actor
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter
from schools.models import Establishment
from schools.selectors import establishments_for

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 25_000
LOOKUP_BATCH_SIZE = 2_000
IMPORT_CHANGE_REASON = "Contact emails imported from CSV"
EMAIL_MAX_LENGTH = Establishment._meta.get_field("contact_email").max_length

# Header names are compared after normalise_header: lower case, "_" and "-" as spaces.
URN_HEADERS = frozenset({"urn", "school urn", "establishment urn", "unique reference number"})
EMAIL_HEADERS = frozenset(
    {
        "contact email",
        "contact email address",
        "email",
        "email address",
        "e mail",
        "e mail address",
        "contact e mail",
    }
)


class ContactError(ValueError):
    """The contact details cannot be saved; the message says why."""


class ContactImportError(ContactError):
    """The file as a whole cannot be read (not a CSV, too big, no header); nothing was saved."""


def _clean_email(contact_email: str) -> str:
    """The address, stripped; raises ContactError unless it is empty or an email address."""
    contact_email = contact_email.strip()
    if contact_email:
        if len(contact_email) > EMAIL_MAX_LENGTH:
            raise ContactError(f"The email address is longer than {EMAIL_MAX_LENGTH} characters.")
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ContactError(f"{contact_email!r} is not an email address.") from None
    return contact_email


def _save_contact(establishment: Establishment, contact_email: str, *, reason: str = "") -> bool:
    """The one place a contact email is written: ``save()`` so simple-history records it."""
    if contact_email == establishment.contact_email:
        return False
    establishment.contact_email = contact_email
    if reason:
        establishment._change_reason = reason
    establishment.save(update_fields=["contact_email", "updated_at"])
    return True


@takes_actor
@transaction.atomic
def establishment_update_contact(*, establishment: Establishment, contact_email: str) -> bool:
    """Set (or clear, with "") where invitations go. Returns whether anything changed.

    The change is recorded in the establishment's audit history with the signed-in user
    (simple-history's request middleware).
    """
    return _save_contact(establishment, _clean_email(contact_email))


# --- CSV import -------------------------------------------------------------------------------


class RowOutcome(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class ContactImportRow:
    """One data row of the file. ``number`` is its row in a spreadsheet (the header is 1)."""

    number: int
    urn: str
    outcome: RowOutcome
    establishment: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""


@dataclass
class ContactImportReport:
    """What an import did (or, for a dry run or a file with errors, would do), row by row."""

    dry_run: bool
    rows: list[ContactImportRow] = field(default_factory=list)
    written: bool = False

    def _count(self, outcome: RowOutcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def updated(self) -> int:
        return self._count(RowOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(RowOutcome.UNCHANGED)

    @property
    def errors(self) -> int:
        return self._count(RowOutcome.ERROR)

    @property
    def error_rows(self) -> list[ContactImportRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.ERROR]

    @property
    def updated_rows(self) -> list[ContactImportRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.UPDATED]


def _decode(data: bytes) -> str:
    try:
        return decode_upload(data)
    except UploadError as error:
        raise ContactImportError(str(error)) from None


def _find_column(header: list[str], names: frozenset[str], what: str) -> int | None:
    found = [i for i, name in enumerate(header) if normalise_header(name) in names]
    if len(found) > 1:
        raise ContactImportError(
            f"The first row has more than one {what} column "
            f"({', '.join(header[i] for i in found)}). Keep one and upload again."
        )
    return found[0] if found else None


def _read_rows(text: str) -> tuple[int, int, list[tuple[int, list[str]]]]:
    """(URN column, email column, [(row number, cells)]) of the non-blank data rows."""
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ContactImportError(
                "The file is empty. The first row must name the columns URN and contact_email."
            )
        urn_column = _find_column(header, URN_HEADERS, "URN")
        email_column = _find_column(header, EMAIL_HEADERS, "email")
        missing = [
            name
            for name, column in (("URN", urn_column), ("contact_email", email_column))
            if column is None
        ]
        if missing:
            shown = ", ".join(cell.strip() for cell in header if cell.strip())[:200]
            raise ContactImportError(
                f"The first row must name the columns URN and contact_email; "
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
                f"The first row has: {shown}."
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_IMPORT_ROWS:
                raise ContactImportError(
                    f"The file has more than {MAX_IMPORT_ROWS:,} rows. "
                    "Split it into smaller files and upload each."
                )
            rows.append((number, cells))
    except csv.Error as exc:
        raise ContactImportError(f"The file could not be read as CSV: {exc}.") from None
    return urn_column, email_column, rows


def _establishments_by_urn(scope, urns: list[int], *, lock: bool) -> dict[int, Establishment]:
    """The establishments in ``scope`` with these URNs, in one query per batch."""
    found: dict[int, Establishment] = {}
    queryset = establishments_for(scope).select_related(None).order_by()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    for start in range(0, len(urns), LOOKUP_BATCH_SIZE):
        batch = urns[start : start + LOOKUP_BATCH_SIZE]
        found.update((e.urn, e) for e in queryset.filter(urn__in=batch))
    return found


@takes_actor
def contacts_import_csv(*, file, scope, dry_run: bool) -> ContactImportReport:
    """Set establishments' contact emails from an uploaded CSV file, all or nothing.

    ``file`` is a file opened in binary mode (an upload): a header row naming the columns
    URN and contact_email (or "Email", "Contact email", ...), any other columns ignored,
    UTF-8 or cp1252. Each row is checked: the URN is a whole number of an establishment in
    ``scope`` (one outside it is "not found in your areas", as if it did not exist), the
    email is an address, and the URN is not on an earlier row. A blank email leaves the
    establishment as it is. Nothing is written if any row has an error, or on a ``dry_run``;
    otherwise each changed establishment is saved as a one-at-a-time edit would be, so its
    history records the change and the signed-in user.

    Raises ContactImportError when the file as a whole cannot be used.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ContactImportError(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB. "
            "Split it into smaller files and upload each."
        )
    data = file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ContactImportError(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB. "
            "Split it into smaller files and upload each."
        )
    if not data.strip():
        raise ContactImportError(
            "The file is empty. The first row must name the columns URN and contact_email."
        )
    urn_column, email_column, rows = _read_rows(_decode(data))

    # First pass: what each row asks for, without the database.
    parsed: list[tuple[int, str, int | None, str, str]] = []  # number, urn text, urn, email, error
    first_row_of: dict[int, int] = {}
    for number, cells in rows:
        urn_text = cells[urn_column].strip() if urn_column < len(cells) else ""
        email_text = cells[email_column] if email_column < len(cells) else ""
        urn, error = None, ""
        if not urn_text:
            error = "The URN is missing."
        elif not urn_text.isascii() or not urn_text.isdigit():
            error = f"The URN {urn_text!r} is not a whole number."
        else:
            urn = int(urn_text)
            if urn in first_row_of:
                error = f"URN {urn} is also on row {first_row_of[urn]}: give each URN once."
            else:
                first_row_of[urn] = number
        email = ""
        if not error:
            try:
                email = _clean_email(email_text)
            except ContactError as exc:
                error = str(exc)
        parsed.append((number, urn_text, urn if not error else None, email, error))

    report = ContactImportReport(dry_run=dry_run)
    with transaction.atomic():
        establishments = _establishments_by_urn(
            scope, [urn for _, _, urn, _, _ in parsed if urn is not None], lock=not dry_run
        )
        changes: list[tuple[Establishment, str]] = []
        for number, urn_text, urn, email, error in parsed:
            establishment = establishments.get(urn) if urn is not None else None
            if not error and establishment is None:
                error = f"URN {urn} is not found in your areas."
            if error:
                report.rows.append(
                    ContactImportRow(number, urn_text, RowOutcome.ERROR, reason=error)
                )
                continue
            old = establishment.contact_email
            if not email or email == old:
                reason = "No email given: left as it is." if not email else ""
                report.rows.append(
                    ContactImportRow(
                        number,
                        urn_text,
                        RowOutcome.UNCHANGED,
                        establishment=establishment.name,
                        old=old,
                        new=old,
                        reason=reason,
                    )
                )
                continue
            report.rows.append(
                ContactImportRow(
                    number,
                    urn_text,
                    RowOutcome.UPDATED,
                    establishment=establishment.name,
                    old=old,
                    new=email,
                )
            )
            changes.append((establishment, email))
        if dry_run or report.errors:
            return report
        for establishment, email in changes:
            _save_contact(establishment, email, reason=IMPORT_CHANGE_REASON)
        report.written = True
    return report
