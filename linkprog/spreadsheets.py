"""Files people open in a spreadsheet: safe cells and streamed CSV responses."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text that starts like
    one gets a leading apostrophe; other values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
