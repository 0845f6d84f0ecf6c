"""CSV and XLSX exports of establishment lists, streamed so size does not matter.

Rows are read as plain values (``values_list``), not model instances, and every label
(type group, status, region) is looked up in a dict made once per export: building an
instance and translating its labels for each of 27,000 rows took most of an export's time.
"""

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

from core.spreadsheets import csv_stream_response
from core.spreadsheets import xlsx_response as spreadsheet_xlsx_response
from schools.models import ELIGIBLE_STATUSES, ELIGIBLE_TYPE_CODES, Region, Status, TypeGroup

HEADER = (
    "URN",
    "Name",
    "Type",
    "Type group",
    "Phase",
    "Status",
    "Eligible",
    "Programme status",
    "Local authority",
    "LA code",
    "Region",
    "MHST area",
    "Postcode",
    "Town",
    "Telephone",
    "Website",
    "Contact email",
    "Pupils",
)
FIELDS = (
    "urn",
    "name",
    "type_name",
    "type_group",
    "phase",
    "status",
    "type_code",
    "la_id",
    "la__name",
    "gias_la_name",
    "la__code",
    "gias_la_code",
    "la__region",
    "mhst_area__name",
    "postcode",
    "town",
    "telephone",
    "website",
    "contact_email",
    "pupil_count",
)


def establishment_rows(queryset) -> Iterator[list]:
    """The header, then one row per establishment of ``queryset`` (``establishments_for``,
    filtered, with or without ``with_programme_status``), read in chunks."""
    yield list(HEADER)
    type_groups = {value: str(label) for value, label in TypeGroup.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    regions = {value: str(label) for value, label in Region.choices}
    has_status = "programme_status_label" in queryset.query.annotations
    fields = (*FIELDS, "programme_status_label") if has_status else FIELDS
    rows = queryset.values_list(*fields).iterator(chunk_size=2000)
    for row in rows:
        (
            urn,
            name,
            type_name,
            type_group,
            phase,
            status,
            type_code,
            la_id,
            la_name,
            gias_la_name,
            la_code,
            gias_la_code,
            region,
            area,
            postcode,
            town,
            telephone,
            website,
            email,
            pupils,
        ) = row[:20]
        eligible = (
            la_id is not None and type_code in ELIGIBLE_TYPE_CODES and status in ELIGIBLE_STATUSES
        )
        yield [
            urn,
            name,
            type_name,
            type_groups.get(type_group, type_group),
            phase,
            statuses.get(status, status),
            "yes" if eligible else "no",
            row[20] if has_status else "",
            la_name if la_id else gias_la_name,
            la_code if la_id else gias_la_code,
            regions.get(region, "") if la_id else "",
            area or "",
            postcode,
            town,
            telephone,
            website,
            email,
            pupils if pupils is not None else "",
        ]


def csv_response(queryset, filename: str) -> StreamingHttpResponse:
    return csv_stream_response(establishment_rows(queryset), filename)


def xlsx_response(queryset, filename: str) -> HttpResponse:
    return spreadsheet_xlsx_response({"Establishments": establishment_rows(queryset)}, filename)
