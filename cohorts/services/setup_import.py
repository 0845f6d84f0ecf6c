"""The set-up of many cohorts from a CSV file: one row per cohort, with its workshop dates,
times, venue and facilitators' logins, and whether to open it for booking. All or nothing:
if any row is wrong nothing is saved, and the report says row by row what is wrong.

Columns (the first row names them; case, "_" and "-" do not matter; others are ignored):
``cohort`` (its number in Link, as the template gives it), ``workshop_1_date``,
``workshop_2_date`` (2027-03-01 or 01/03/2027), ``start_time``, ``end_time`` (09:30),
``venue_name``, ``venue_address``, ``facilitators`` (logins separated by ";" or spaces) and,
optionally, ``reason`` (why a weekend or bank-holiday date stands) and ``open`` (yes/no).

Every row goes through ``cohorts_set_up``, so the rules, the scope (a cohort outside the
importer's areas is a row error) and the emails are those of the set-up table.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from cohorts.models import Cohort
from cohorts.services.setup import (
    CohortSetUp,
    SetUpError,
    SetUpResult,
    cohorts_set_up,
    cohorts_set_up_check,
    split_logins,
    users_by_login,
)
from core.actors import takes_actor
from core.errors import LinkDomainError
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000

COLUMNS = {
    "cohort": {"cohort", "cohort id", "cohort number", "id"},
    "day_1": {"workshop 1 date", "workshop 1", "day 1", "day 1 date"},
    "day_2": {"workshop 2 date", "workshop 2", "day 2", "day 2 date"},
    "start_time": {"start time", "starts", "start"},
    "end_time": {"end time", "ends", "end"},
    "venue_name": {"venue name", "venue"},
    "venue_address": {"venue address", "address"},
    "facilitators": {"facilitators", "facilitator logins", "facilitator"},
}
OPTIONAL = {"reason": {"reason", "date reason"}, "open": {"open", "open for booking"}}
TEMPLATE_HEADER = [
    "cohort",
    "name",
    "workshop_1_date",
    "workshop_2_date",
    "start_time",
    "end_time",
    "venue_name",
    "venue_address",
    "facilitators",
    "reason",
    "open",
]
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


class SetUpImportError(LinkDomainError):
    """The file as a whole cannot be read; nothing was saved."""

    default_code = "set_up_import"


@dataclass
class SetUpImportReport:
    """What an import did, or (a preview, or a file with errors) would do."""

    dry_run: bool
    rows: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)
    result: SetUpResult | None = None
    written: bool = False

    @property
    def error_rows(self) -> list[tuple[int, list[str]]]:
        return sorted(self.errors.items())


def _read(data: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    if len(data) > MAX_FILE_BYTES:
        raise SetUpImportError("The file is larger than 2 MB; split it and upload each part.")
    try:
        text = decode_upload(data)
    except UploadError as error:
        raise SetUpImportError(str(error)) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text[:2000]))
    try:
        header = [normalise_header(cell) for cell in next(reader, None) or []]
        if not any(header):
            raise SetUpImportError("The file is empty. The first row must name the columns.")
        columns, missing = {}, []
        for key, names in {**COLUMNS, **OPTIONAL}.items():
            found = [i for i, cell in enumerate(header) if cell in names]
            if found:
                columns[key] = found[0]
            elif key in COLUMNS:
                missing.append(key)
        if missing:
            raise SetUpImportError(
                "The first row must name the columns "
                f"{', '.join(h for h in TEMPLATE_HEADER if h not in ('name', 'reason', 'open'))}; "
                f"missing: {', '.join(missing)}. Download the template to start from."
            )
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise SetUpImportError(f"The file has more than {MAX_ROWS:,} rows; split it.")
            rows.append((number, cells))
    except csv.Error as error:
        raise SetUpImportError(f"The file could not be read as CSV: {error}.") from None
    return columns, rows


def set_up_file_rows(data: bytes) -> int:
    """How many rows a set-up file has (raises ``SetUpImportError`` if it cannot be read)."""
    return len(_read(data)[1])


def _cell(cells: list[str], column: int | None) -> str:
    if column is None or column >= len(cells):
        return ""
    return " ".join(cells[column].split())


def _date(value: str, what: str) -> dt.date:
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(
        f"{what} {value!r} is not a date (2027-03-01 or 01/03/2027)."
        if value
        else (f"{what} is missing.")
    )


def _time(value: str, what: str) -> dt.time:
    for form in ("%H:%M", "%H:%M:%S", "%H.%M"):
        try:
            return dt.datetime.strptime(value, form).time()
        except ValueError:
            continue
    raise ValueError(f"{what} {value!r} is not a time (09:30)." if value else f"{what} is missing.")


def _parse(number, cells, columns, cohorts, users) -> CohortSetUp:
    pk = _cell(cells, columns["cohort"])
    if not pk.isdigit() or int(pk) not in cohorts:
        raise ValueError(
            f"No cohort in your areas has the number {pk!r}."
            if pk
            else ("The cohort's number is missing.")
        )
    problems = []
    values = {}
    for key, what, parse in (
        ("day_1", "Workshop 1's date", _date),
        ("day_2", "Workshop 2's date", _date),
        ("start_time", "The start time", _time),
        ("end_time", "The end time", _time),
    ):
        try:
            values[key] = parse(_cell(cells, columns[key]), what)
        except ValueError as problem:
            problems.append(str(problem))
    logins = split_logins(_cell(cells, columns["facilitators"]))
    if unknown := [login for login in logins if login not in users]:
        problems.append(f"No user has the login {', '.join(unknown)}.")
    opening = _cell(cells, columns.get("open")).lower()
    if opening not in _YES | _NO:
        problems.append(f"Open must be yes or no, not {opening!r}.")
    if problems:
        raise ValueError(" ".join(problems))
    return CohortSetUp(
        row=number,
        cohort=cohorts[int(pk)],
        venue_name=_cell(cells, columns["venue_name"]),
        venue_address=_cell(cells, columns["venue_address"]),
        facilitators=[users[login] for login in logins],
        open=opening in _YES,
        reason=_cell(cells, columns.get("reason"))[:100],
        **values,
    )


@takes_actor
def cohorts_set_up_import(*, data: bytes, scope, dry_run: bool) -> SetUpImportReport:
    """Set up the cohorts of an uploaded CSV file (``data``), all or nothing; ``dry_run``
    checks every row through the services and saves nothing. Raises ``SetUpImportError``
    for a file that cannot be read."""
    columns, rows = _read(data)
    report = SetUpImportReport(dry_run=dry_run, rows=len(rows))
    ids = {int(v) for _, cells in rows if (v := _cell(cells, columns["cohort"])).isdigit()}
    cohorts = (
        scope.apply(Cohort.objects.filter(pk__in=ids), la="local_authority", mhst_area="mhst_area")
        .select_related("delivery", "local_authority", "mhst_area")
        .prefetch_related("facilitators")
        .in_bulk()
    )
    users = users_by_login(
        {x for _, cells in rows for x in split_logins(_cell(cells, columns["facilitators"]))}
    )
    set_ups = []
    for number, cells in rows:
        try:
            set_ups.append(_parse(number, cells, columns, cohorts, users))
        except ValueError as problem:
            report.errors[number] = [str(problem)]
    if report.errors:
        # The rows read well are checked too, so that the report lists what it can at once
        # (without writing: a file with errors costs the same whatever its size).
        report.errors.update(cohorts_set_up_check(set_ups=set_ups, scope=scope))
        return report
    try:
        report.result = cohorts_set_up(set_ups=set_ups, scope=scope, dry_run=dry_run)
    except SetUpError as error:
        report.errors.update(error.errors)
    report.written = not dry_run and not report.errors
    return report


def set_up_template_rows(cohorts):
    """The template's rows: each cohort's set-up as it stands (``cohorts`` with their
    workshops and facilitators prefetched)."""
    yield TEMPLATE_HEADER
    for cohort in cohorts:
        days = {w.day: w for w in cohort.delivery.workshops.all()}
        first, second = days.get(1), days.get(2)
        yield [
            cohort.pk,
            cohort.name,
            first.date.isoformat() if first else "",
            second.date.isoformat() if second else "",
            first.start_time.strftime("%H:%M") if first else "09:30",
            first.end_time.strftime("%H:%M") if first else "16:00",
            cohort.venue_name,
            " ".join(cohort.venue_address.split()),
            "; ".join(sorted(u.get_username() for u in cohort.facilitators.all())),
            "",
            "no",
        ]
