"""Stakeholders from a CSV file: all or nothing. Every row is checked first; one bad row
and nothing is saved, and the coordinator sees each bad row's number and what is wrong."""

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actors import takes_actor
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter
from core.validators import is_one_line
from facilitation import notifications
from facilitation.errors import FacilitationError
from facilitation.models import Engagement, Sector, Stakeholder, StakeholderRole
from facilitation.services.stakeholders import (
    StakeholderDetails,
    _open_check,
    stakeholder_details_check,
)

COLUMNS = ("name", "role", "organisation", "sector", "email")
OPTIONAL = ("lead contact",)
MAX_ROWS = 2000
_YES = {"yes", "y", "true", "1", "x", "lead"}


@dataclass
class ImportReport:
    """What an import found: each bad row's number and what is wrong, or what was added."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    added: list[Stakeholder] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.errors


def _choices(choices) -> dict[str, str]:
    """Each choice known by its value and its label, compared as headers are."""
    known = {}
    for value, label in choices:
        known[normalise_header(value)] = value
        known[normalise_header(str(label))] = value
    return known


ROLES, SECTORS = _choices(StakeholderRole.choices), _choices(Sector.choices)


def import_template() -> list[list[str]]:
    """The header and one example row, for the download offered on the import page."""
    return [
        [*COLUMNS, *OPTIONAL],
        [
            "Ann Example",
            "Head of service",
            "Wiltshire Council",
            "Local authority",
            "ann@la.example",
            "yes",
        ],
    ]


def _read(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UploadError("The file is empty.")
    rows = list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(lines[0])))
    header = {normalise_header(name): i for i, name in enumerate(rows[0])}
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise UploadError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"The first row must name the columns: {', '.join(COLUMNS)} (and lead contact)."
        )
    body = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)
    ]
    if len(body) > MAX_ROWS:
        raise UploadError(f"The file has {len(body)} rows; import at most {MAX_ROWS} at a time.")
    return header, body


def _details(header: dict[str, int], row: list[str]) -> StakeholderDetails:
    def cell(name: str) -> str:
        index = header.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    role, sector = cell("role"), cell("sector")
    for what, value in (("name", cell("name")), ("organisation", cell("organisation"))):
        if not value:
            raise FacilitationError(f"The {what} is missing.")
        if not is_one_line(value):
            raise FacilitationError(f"The {what} must be on one line.")
    if normalise_header(role) not in ROLES:
        raise FacilitationError(f"Unknown role “{role}”: use one of {_labels(StakeholderRole)}.")
    if normalise_header(sector) not in SECTORS:
        raise FacilitationError(f"Unknown sector “{sector}”: use one of {_labels(Sector)}.")
    details = StakeholderDetails(
        name=cell("name"),
        role=ROLES[normalise_header(role)],
        organisation=cell("organisation"),
        sector=SECTORS[normalise_header(sector)],
        email=cell("email"),
        is_lead=cell("lead contact").lower() in _YES,
    )
    stakeholder_details_check(details)
    return details


def _labels(choices) -> str:
    return ", ".join(str(label) for label in choices.labels)


@takes_actor
def stakeholders_import_csv(*, engagement: Engagement, data: bytes) -> ImportReport:
    """Add the stakeholders of a CSV file to ``engagement``, all or none: any row that is
    wrong (a missing name, an unknown sector, an address twice in the file or already on the
    engagement) is reported with its row number and nothing is saved."""
    report = ImportReport()
    try:
        header, body = _read(decode_upload(data))
    except UploadError as error:
        report.errors.append((0, str(error)))
        return report
    existing = {e.lower() for e in engagement.stakeholders.values_list("email", flat=True)}
    seen: dict[str, int] = {}
    found: list[StakeholderDetails] = []
    for number, row in body:
        try:
            details = _details(header, row)
        except FacilitationError as error:
            report.errors.append((number, error.message))
            continue
        address = details.email.lower()
        if address in existing:
            report.errors.append((number, f"{details.email} is already on this engagement."))
        elif address in seen:
            report.errors.append((number, f"{details.email} is also on row {seen[address]}."))
        else:
            seen[address] = number
            found.append(details)
    if not body and not report.errors:
        report.errors.append((0, "The file has a header row but no stakeholders."))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            _save_all(engagement, found, report)
    except IntegrityError:  # an address added meanwhile by someone else: nothing was saved
        report.added.clear()
        report.errors.append(
            (
                0,
                "One of these addresses was added to the engagement meanwhile. Nothing was "
                "saved: upload the file again to see which.",
            )
        )
    return report


def _save_all(engagement: Engagement, found: list[StakeholderDetails], report) -> None:
    """Save every row (in the caller's transaction); they are invited to the meetings still
    to come that invite everyone, by one fan-out per meeting, however many rows."""
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    _open_check(engagement)
    for details in found:
        stakeholder = Stakeholder(engagement=engagement, **details.__dict__)
        stakeholder.save()
        report.added.append(stakeholder)
    upcoming = engagement.meetings.filter(
        workshop__date__gte=timezone.localdate(), invite_all=True, cancelled_at__isnull=True
    )
    for meeting_id in upcoming.values_list("pk", flat=True):
        notifications.fan_out(notifications.meeting_invitations, meeting_id=meeting_id)
