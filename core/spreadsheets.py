"""Files people open in a spreadsheet: safe cells, streamed CSV and XLSX responses."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from openpyxl import Workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text that starts like
    one gets a leading apostrophe; other values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def private_download(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Make ``response`` a download named ``filename`` that no browser or proxy keeps a copy
    of: exports hold personal data (``Cache-Control: no-store, private``)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, no_store=True, private=True)
    return response


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value):
        return value


def csv_stream_response(
    rows: Iterable[Iterable], filename: str, *, bom: bool = False
) -> StreamingHttpResponse:
    """Stream ``rows`` (the first being the header) as a CSV download, every cell made safe.
    ``bom`` starts the file with a UTF-8 byte order mark, so Excel reads names correctly."""
    writer = csv.writer(_Echo())

    def lines():
        for number, row in enumerate(rows):
            line = writer.writerow([spreadsheet_safe(value) for value in row])
            yield ("\ufeff" + line) if bom and number == 0 else line

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return private_download(response, f"{filename}.csv")


def xlsx_response(sheets: dict[str, Iterable[Iterable]], filename: str) -> HttpResponse:
    """An XLSX download with one worksheet per entry of ``sheets`` (title: rows, the first
    being the header), every cell made safe. Written row by row (openpyxl's write-only mode),
    so memory does not grow with the rows."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
    response = HttpResponse(content_type=XLSX_TYPE)
    workbook.save(response)
    return private_download(response, f"{filename}.xlsx")
