"""What each kind of worker-built export is: how many rows it will have, and how its file
is written, from the filters as asked and the scope of the person who asked."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.http import QueryDict

from core.errors import LinkDomainError
from core.spreadsheets import XLSX_TYPE, csv_zip_stream, xlsx_write
from evaluation.filters import ReportFilter
from evaluation.selectors import (
    ReportGroup,
    anonymised_responses,
    anonymised_responses_count,
    reportable_cohorts,
)
from linkprog.models import ExportKind

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
        filterset = ReportFilter(
            self.query() or None, queryset=reportable_cohorts(scope=self.scope)
        )
        group, _ = filterset.report_group()
        if group is None:
            raise ExportError(
                f"The filters are not valid: {filterset.problems()}", code="bad_filters"
            )
        return group


def _counted(rows: Iterable[list], progress: Callable[[int], None]) -> Iterator[list]:
    written = 0
    for written, row in enumerate(rows, start=1):
        yield row
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


_RESPONSES = ("accounts.view_evaluation", "accounts.export_responses")

KINDS = {
    ExportKind.RESPONSES_CSV: Kind(
        key=ExportKind.RESPONSES_CSV,
        permissions=_RESPONSES,
        file_name="evaluation-responses.zip",
        content_type="application/zip",
        back_url_name="evaluation:report",
        count=_count_responses,
        write=_write_responses_csv,
    ),
    ExportKind.RESPONSES_XLSX: Kind(
        key=ExportKind.RESPONSES_XLSX,
        permissions=_RESPONSES,
        file_name="evaluation-responses.xlsx",
        content_type=XLSX_TYPE,
        back_url_name="evaluation:report",
        count=_count_responses,
        write=_write_responses_xlsx,
    ),
}
