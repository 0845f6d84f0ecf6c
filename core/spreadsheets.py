"""Files people open in a spreadsheet: safe cells, streamed CSV and XLSX responses, and the
CSV files they upload."""

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
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


def xlsx_write(sheets: dict[str, Iterable[Iterable]], file) -> None:
    """Write an XLSX workbook to ``file`` (a path or a binary file), one worksheet per entry
    of ``sheets`` (title: rows, the first being the header), every cell made safe. Written
    row by row (openpyxl's write-only mode: each sheet goes to a temporary file as it is
    appended), so memory does not grow with the rows."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
    workbook.save(file)


def xlsx_response(sheets: dict[str, Iterable[Iterable]], filename: str) -> FileResponse:
    """An XLSX download of ``sheets`` (``xlsx_write``), built in a temporary file and sent
    from it, so neither building nor sending holds the workbook in memory."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    xlsx_write(sheets, file)
    file.seek(0)
    response = FileResponse(file, content_type=XLSX_TYPE)
    return private_download(response, f"{filename}.xlsx")


class _Chunks(io.RawIOBase):
    """A write-only, unseekable file that keeps what is written until it is taken: what
    ``zipfile`` writes, handed on piece by piece (a ZIP written to it uses data
    descriptors, as a streamed ZIP must)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


#: Rows written to a streamed ZIP between two pieces handed on.
ZIP_ROWS_PER_PIECE = 500


def csv_zip_stream(files: dict[str, Iterable[Iterable]]) -> Iterator[bytes]:
    """A ZIP of CSV files (name: rows, the first being the header), each with a UTF-8 byte
    order mark and every cell made safe, as pieces of bytes while the rows are read: memory
    holds a few hundred rows, whatever the size of the files."""
    out = _Chunks()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            with archive.open(name, "w", force_zip64=True) as member:
                yield out.take()  # the member's header: the download starts at once
                text = io.StringIO()
                text.write("\ufeff")
                writer = csv.writer(text)
                for number, row in enumerate(rows, start=1):
                    writer.writerow([spreadsheet_safe(value) for value in row])
                    if number % ZIP_ROWS_PER_PIECE == 0:
                        member.write(text.getvalue().encode("utf-8"))
                        text.seek(0)
                        text.truncate()
                        yield out.take()
                member.write(text.getvalue().encode("utf-8"))
            yield out.take()
    yield out.take()


def csv_zip_response(files: dict[str, Iterable[Iterable]], filename: str) -> StreamingHttpResponse:
    """A ZIP download of CSV files (``csv_zip_stream``), streamed as the rows are read: for
    files that only make sense together, such as data and the dictionary of its columns."""
    response = StreamingHttpResponse(csv_zip_stream(files), content_type="application/zip")
    return private_download(response, f"{filename}.zip")


# --- Reading what people upload -------------------------------------------------------------


class UploadError(ValueError):
    """The uploaded file cannot be read as a CSV file; the message says why and what to do."""


NOT_CSV = (
    "The file is not a CSV file. In Excel, choose File > Save As and pick "
    "“CSV UTF-8 (Comma delimited)”."
)


def decode_upload(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte order mark), UTF-16 with one, else
    cp1252 (what Excel on Windows writes). Refuses anything that looks binary."""
    if data.startswith(b"PK\x03\x04"):
        raise UploadError(
            "The file is an Excel workbook, not a CSV file. In Excel, choose File > Save As "
            "and pick “CSV UTF-8 (Comma delimited)”."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadError(NOT_CSV) from None
    if b"\x00" in data:
        raise UploadError(NOT_CSV)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadError(NOT_CSV) from None
    # Control characters other than tab and line ends do not occur in text files.
    if re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise UploadError(NOT_CSV)
    return text


def normalise_header(name: str) -> str:
    """A column's name as compared: lower case, "_" and "-" as spaces, spaces collapsed."""
    return " ".join(name.replace("_", " ").replace("-", " ").strip().lower().split())


def sniff_delimiter(first_line: str) -> str:
    """Comma, unless the header row has none and has semicolons or tabs (European Excel)."""
    if "," in first_line:
        return ","
    return next((d for d in (";", "\t") if d in first_line), ",")
