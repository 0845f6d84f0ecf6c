"""What each kind of worker-built export is: how many rows it will have, and how its file
is written, from the filters as asked and the scope of the person who asked."""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import QuerySet
from django.http import QueryDict

from cohorts.register.exports import establishment_rows
from cohorts.register.filters import EstablishmentFilter
from cohorts.selectors import with_programme_status
from core.errors import LinkDomainError
from core.spreadsheets import XLSX_TYPE, csv_zip_stream, xlsx_write
from evaluation.filters import ReportFilter
from evaluation.report_export import COHORT_COLUMN, report_rows, report_tables
from evaluation.selectors import (
    ReportGroup,
    anonymised_responses,
    anonymised_responses_count,
    reportable_cohorts,
)
from linkprog.models import ExportKind
from schools.selectors import establishments_for

FREE_TEXT = "accounts.view_free_text"


class ExportError(LinkDomainError):
    """The export cannot be built as asked (its filters are not valid for this user)."""


@dataclass(frozen=True)
class Kind:
    key: str
    #: The permissions the person needs, now as when they asked.
    permissions: tuple[str, ...]
    file_name: str
    content_type: str
    #: The report page the export belongs to (its filters go back with the link).
    back_url_name: str
    count: Callable[["Request"], int]
    #: Writes the file to the binary file, calling progress(rows written) as it goes.
    write: Callable[["Request", BinaryIO, Callable[[int], None]], None]
    #: The page the export belongs to, as its links name it ("Back to the report").
    back_label: str = "the report"
    #: What the file holds and how to keep it, under its download button.
    care: str = ""


@dataclass(frozen=True)
class Request:
    """One export as asked: the person, their scope and the filters."""

    user: object
    scope: object
    params: dict[str, list[str]]

    def query(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for name, values in self.params.items():
            data.setlist(name, values)
        return data

    def report_group(self) -> ReportGroup:
        return self.report_filter().report_group()[0]

    def report_filter(self) -> ReportFilter:
        """The report's filters as asked, over the cohorts the person may report on now;
        ``ExportError`` when they are not valid."""
        filterset = ReportFilter(
            self.query() or None, queryset=reportable_cohorts(scope=self.scope)
        )
        if filterset.report_group()[0] is None:
            raise ExportError(
                f"The filters are not valid: {filterset.problems()}", code="bad_filters"
            )
        return filterset

    def establishments(self) -> QuerySet:
        """The establishments the list page shows with these filters, in the person's areas."""
        queryset = with_programme_status(establishments_for(self.scope))
        filterset = EstablishmentFilter(self.query() or None, queryset=queryset, scope=self.scope)
        if filterset.is_bound and not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
            )
            raise ExportError(f"The filters are not valid: {problems}", code="bad_filters")
        return filterset.qs


def _counted(
    rows: Iterable[list], progress: Callable[[int], None], counts=lambda row: True
) -> Iterator[list]:
    """``rows``, calling progress(rows written so far) after each row that ``counts``."""
    written = 0
    for row in rows:
        yield row
        if counts(row):
            written += 1
            progress(written)
    progress(written)


def _responses(request: Request):
    return anonymised_responses(
        request.report_group(), include_free_text=request.user.has_perm(FREE_TEXT)
    )


def _write_responses_csv(request: Request, file: BinaryIO, progress) -> None:
    export = _responses(request)
    files = {
        "responses.csv": _with_header(export, progress),
        "data_dictionary.csv": export.dictionary,
    }
    for piece in csv_zip_stream(files):
        file.write(piece)


def _write_responses_xlsx(request: Request, file: BinaryIO, progress) -> None:
    export = _responses(request)
    xlsx_write(
        {"Responses": _with_header(export, progress), "Data dictionary": export.dictionary},
        file,
    )


def _with_header(export, progress) -> Iterator[list]:
    yield export.header
    yield from _counted(export.body, progress)


def _count_responses(request: Request) -> int:
    return anonymised_responses_count(request.report_group())


def _count_report(request: Request) -> int:
    return report_rows(request.report_group())


def _write_report_xlsx(request: Request, file: BinaryIO, progress) -> None:
    tables = report_tables(request.report_filter(), scope=request.scope)
    rates = tables.get("Response rates")
    if rates is not None:
        # Counting the rows ``report_rows`` counted: each cohort's rate at each time point
        # (the table's other rows are its totals by area).
        tables["Response rates"] = _counted(
            rates, progress, counts=lambda row: bool(row) and row[0] == COHORT_COLUMN
        )
    xlsx_write(tables, file)


def _count_establishments(request: Request) -> int:
    return request.establishments().count()


def _write_establishments_xlsx(request: Request, file: BinaryIO, progress) -> None:
    rows = establishment_rows(request.establishments())
    header = next(rows)
    xlsx_write({"Establishments": itertools.chain([header], _counted(rows, progress))}, file)


_RESPONSES = ("accounts.view_evaluation", "accounts.export_responses")
RESPONSES_CARE = (
    "It holds pseudonymised survey answers: keep any copy somewhere only the evaluation team "
    "can read, and delete it when the analysis is done."
)

KINDS = {
    ExportKind.RESPONSES_CSV: Kind(
        key=ExportKind.RESPONSES_CSV,
        permissions=_RESPONSES,
        file_name="evaluation-responses.zip",
        content_type="application/zip",
        back_url_name="evaluation:report",
        count=_count_responses,
        write=_write_responses_csv,
        care=RESPONSES_CARE,
    ),
    ExportKind.RESPONSES_XLSX: Kind(
        key=ExportKind.RESPONSES_XLSX,
        permissions=_RESPONSES,
        file_name="evaluation-responses.xlsx",
        content_type=XLSX_TYPE,
        back_url_name="evaluation:report",
        count=_count_responses,
        write=_write_responses_xlsx,
        care=RESPONSES_CARE,
    ),
    ExportKind.REPORT_XLSX: Kind(
        key=ExportKind.REPORT_XLSX,
        permissions=("accounts.view_evaluation",),
        file_name="evaluation-report.xlsx",
        content_type=XLSX_TYPE,
        back_url_name="evaluation:report",
        count=_count_report,
        write=_write_report_xlsx,
        care=(
            "It holds the report's figures, each cohort's response rates among them, with "
            "figures resting on few people hidden as on the page."
        ),
    ),
    ExportKind.ESTABLISHMENTS_XLSX: Kind(
        key=ExportKind.ESTABLISHMENTS_XLSX,
        permissions=("accounts.view_register", "accounts.export_register"),
        file_name="establishments.xlsx",
        content_type=XLSX_TYPE,
        back_url_name="schools:establishment-list",
        back_label="the establishment list",
        count=_count_establishments,
        write=_write_establishments_xlsx,
        care=(
            "It holds schools' contact details: keep any copy where only the programme team "
            "can read it."
        ),
    ),
}
