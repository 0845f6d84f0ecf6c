"""CSV and XLSX exports of establishment lists, streamed so size does not matter."""

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

from core.spreadsheets import csv_stream_response
from core.spreadsheets import xlsx_response as spreadsheet_xlsx_response

COLUMNS = (
    ("URN", lambda e: e.urn),
    ("Name", lambda e: e.name),
    ("Type", lambda e: e.type_name),
    ("Type group", lambda e: e.get_type_group_display()),
    ("Phase", lambda e: e.phase),
    ("Status", lambda e: e.get_status_display()),
    ("Eligible", lambda e: "yes" if e.is_eligible else "no"),
    ("Programme status", lambda e: getattr(e, "programme_status_label", "")),
    ("Local authority", lambda e: e.la.name if e.la else e.gias_la_name),
    ("LA code", lambda e: e.la.code if e.la else e.gias_la_code),
    ("Region", lambda e: e.la.get_region_display() if e.la else ""),
    ("MHST area", lambda e: e.mhst_area.name if e.mhst_area else ""),
    ("Postcode", lambda e: e.postcode),
    ("Town", lambda e: e.town),
    ("Telephone", lambda e: e.telephone),
    ("Website", lambda e: e.website),
    ("Contact email", lambda e: e.contact_email),
    ("Pupils", lambda e: e.pupil_count if e.pupil_count is not None else ""),
)


def _rows(queryset) -> Iterator[list]:
    yield [title for title, _ in COLUMNS]
    for establishment in queryset.iterator(chunk_size=2000):
        yield [value(establishment) for _, value in COLUMNS]


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    return csv_stream_response(_rows(queryset), filename)


def xlsx_response(queryset, filename: str) -> HttpResponse:
    return spreadsheet_xlsx_response({"Establishments": _rows(queryset)}, filename)
