"""Loading an LA's term dates from a CSV file (the coordinator's upload page and
``manage.py load_term_dates``).

The file has a header row and one row per stretch of school days, as LAs publish them:

    term,first_day,last_day
    Autumn 1,2025-09-02,2025-10-24
    Autumn 2,2025-11-03,2025-12-19

Dates as 2025-09-02 or 02/09/2025. A file replaces the LA's terms of the school years it
covers (September to August) and keeps the others, so years can be loaded one at a time.
All or nothing: a file with a mistake loads nothing, and the message names its line.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction

from cohorts.errors import TermDatesError
from cohorts.models import SchoolTerm
from cohorts.terms import school_year_of
from core.actors import takes_actor
from core.dates import day
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter
from schools.models import LocalAuthority

COLUMNS = ("term", "first day", "last day")
#: More rows than this is not one LA's term dates (six half terms a year for a few years).
MAX_ROWS = 60


@dataclass(frozen=True)
class TermRow:
    name: str
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class TermDatesLoaded:
    terms: int
    school_years: list[str]  # "2025/26"
    replaced: int


def _date(value: str, line: int, column: str) -> dt.date:
    value = value.strip()
    for parse in (dt.date.fromisoformat, lambda v: dt.datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    raise TermDatesError(
        f"Line {line}: the {column} “{value}” is not a date; write it as 2025-09-02 or 02/09/2025."
    )


def term_dates_parse(data: bytes) -> list[TermRow]:
    """The terms a CSV file lists, in date order; ``TermDatesError`` names what is wrong."""
    try:
        text = decode_upload(data)
    except UploadError as error:
        raise TermDatesError(str(error)) from None
    lines = text.splitlines()
    if not lines:
        raise TermDatesError("The file is empty.")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0]))
    header = [normalise_header(name) for name in next(reader)]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise TermDatesError(
            "The first row must name the columns term, first_day and last_day; "
            f"missing: {', '.join(missing)}."
        )
    at = {name: header.index(name) for name in COLUMNS}
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) < len(header):
            raise TermDatesError(f"Line {line}: expected {len(header)} values.")
        name = " ".join(values[at["term"]].split())
        if not name or len(name) > 60:
            raise TermDatesError(f"Line {line}: give the term a name of up to 60 characters.")
        first = _date(values[at["first day"]], line, "first day")
        last = _date(values[at["last day"]], line, "last day")
        if last < first:
            raise TermDatesError(f"Line {line}: {name} ends ({day(last)}) before it starts.")
        rows.append((line, TermRow(name, first, last)))
        if len(rows) > MAX_ROWS:
            raise TermDatesError(f"The file has over {MAX_ROWS} terms: one LA's, please.")
    if not rows:
        raise TermDatesError("The file lists no terms.")
    rows.sort(key=lambda pair: pair[1].first_day)
    for (_, before), (line, after) in zip(rows, rows[1:], strict=False):
        if after.first_day <= before.last_day:
            raise TermDatesError(
                f"Line {line}: {after.name} starts ({day(after.first_day)}) before "
                f"{before.name} ends ({day(before.last_day)})."
            )
    return [row for _, row in rows]


@takes_actor
def term_dates_load(
    *, local_authority: LocalAuthority, data: bytes, source: str = ""
) -> TermDatesLoaded:
    """Load ``local_authority``'s term dates from a CSV file's bytes, replacing its terms
    of the school years the file covers."""
    rows = term_dates_parse(data)
    years = sorted({school_year_of(row.first_day) for row in rows})
    with transaction.atomic():
        held = SchoolTerm.objects.filter(local_authority=local_authority)
        in_years = [term.pk for term in held if school_year_of(term.first_day) in years]
        replaced, _ = SchoolTerm.objects.filter(pk__in=in_years).delete()
        SchoolTerm.objects.bulk_create(
            SchoolTerm(
                local_authority=local_authority,
                name=row.name,
                first_day=row.first_day,
                last_day=row.last_day,
                source=source[:200],
            )
            for row in rows
        )
    return TermDatesLoaded(
        terms=len(rows),
        school_years=[f"{year}/{(year + 1) % 100:02d}" for year in years],
        replaced=replaced,
    )
