"""MHST areas and teams from a file: each year's new areas, without typing them one by one.

NHS England announces Mental Health Support Team areas in waves (25 trailblazer areas in
2018/19, then 57 more areas with 123 teams). A coordinator gets the list as a spreadsheet;
``mhst_import`` reads it as CSV, in two kinds of file, told apart by their first row:

- **areas**: ``area, nhs_region, wave, local_authorities, covers_whole_las`` and, optionally,
  ``four_week_waiting_time_pilot``. The local authorities are DfE codes or names, separated by
  ";". ``covers_whole_las`` is yes or no.
- **teams**: ``team, area, urns``: the URNs of the schools and colleges the team serves,
  separated by ";" or spaces. The area is one already in Link or one in the same import.

Areas are upserted by name and teams by (area, name); a team's schools become exactly the
ones listed. All or nothing: if any row is wrong nothing is saved, and the report says, row
by row, what is wrong. A school a team serves is put in the team's area if it has none; a
school already in another area is an error (moving a school changes who coordinates it, so
a person does it on the school's record). An area that covers whole LAs takes their
establishments that have no area, as the admin action does.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.actors import current_actor, takes_actor
from core.spreadsheets import UploadError, decode_upload, normalise_header, sniff_delimiter
from schools.models import Establishment, LocalAuthority, MHSTArea, MHSTeam
from schools.services.areas import mhst_area_assign_establishments

MAX_FILE_BYTES = 2 * 1024 * 1024
CHANGE_REASON = "MHST areas and teams imported from CSV"

AREA_COLUMNS = {
    "area": {"area", "name", "area name", "mhst area", "trailblazer area"},
    "nhs_region": {"nhs region", "region"},
    "wave": {"wave"},
    "local_authorities": {"local authorities", "las", "la codes", "local authority"},
    "covers_whole_las": {"covers whole las", "whole las", "covers whole la"},
}
AREA_OPTIONAL = {"four_week_waiting_time_pilot": {"four week waiting time pilot", "pilot"}}
TEAM_COLUMNS = {
    "team": {"team", "team name", "mhst", "mhst team"},
    "area": {"area", "area name", "mhst area"},
    "urns": {"urns", "schools", "urns served", "schools served"},
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class MhstImportError(ValueError):
    """A file as a whole cannot be read (not a CSV, no header, neither kind); nothing saved."""


class RowOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class MhstImportRow:
    """One data row: its file, its row in a spreadsheet (the header is 1), what it names."""

    file: str
    number: int
    kind: str  # "area" or "team"
    name: str
    outcome: RowOutcome
    reason: str = ""


@dataclass
class MhstImportReport:
    dry_run: bool
    rows: list[MhstImportRow] = field(default_factory=list)
    written: bool = False
    establishments_placed: int = 0

    def count(self, kind: str, outcome: RowOutcome) -> int:
        return sum(1 for row in self.rows if row.kind == kind and row.outcome == outcome)

    @property
    def error_rows(self) -> list[MhstImportRow]:
        return [row for row in self.rows if row.outcome == RowOutcome.ERROR]

    def summary(self) -> str:
        parts = []
        for kind, label in (("area", "MHST areas"), ("team", "MHST teams")):
            parts.append(
                f"{label}: {self.count(kind, RowOutcome.CREATED)} new, "
                f"{self.count(kind, RowOutcome.UPDATED)} changed, "
                f"{self.count(kind, RowOutcome.UNCHANGED)} unchanged"
            )
        text = "; ".join(parts) + "."
        if self.written and self.establishments_placed:
            text += f" {self.establishments_placed} establishments put in their MHST area."
        return text


@dataclass
class _AreaRow:
    file: str
    number: int
    name: str
    values: dict
    la_ids: set[int]


@dataclass
class _TeamRow:
    file: str
    number: int
    name: str
    area: str
    urns: list[int]


def _columns(header: list[str], wanted: dict[str, set[str]]) -> dict[str, int] | None:
    normalised = [normalise_header(cell) for cell in header]
    found = {}
    for key, names in wanted.items():
        matches = [i for i, cell in enumerate(normalised) if cell in names]
        if not matches:
            return None
        found[key] = matches[0]
    return found


def _read(name: str, data: bytes) -> tuple[str, dict[str, int], list[tuple[int, list[str]]]]:
    """(kind, columns, [(row number, cells)]) of one file."""
    if len(data) > MAX_FILE_BYTES:
        raise MhstImportError(f"{name}: the file is larger than 2 MB; split it and try again.")
    try:
        text = decode_upload(data)
    except UploadError as error:
        raise MhstImportError(f"{name}: {error}") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text[:2000]))
    header = next(reader, None) or []
    if not any(cell.strip() for cell in header):
        raise MhstImportError(f"{name}: the file is empty.")
    rows = [
        (number, cells)
        for number, cells in enumerate(reader, start=2)
        if any(cell.strip() for cell in cells)
    ]
    # Teams first: a teams file also has an "area" column.
    if (columns := _columns(header, TEAM_COLUMNS)) is not None:
        return "team", columns, rows
    if (columns := _columns(header, AREA_COLUMNS)) is not None:
        optional = _columns(header, AREA_OPTIONAL)
        return "area", {**columns, **(optional or {})}, rows
    raise MhstImportError(
        f"{name}: the first row names neither an areas file (area, nhs_region, wave, "
        "local_authorities, covers_whole_las) nor a teams file (team, area, urns)."
    )


def _cell(cells: list[str], column: int | None) -> str:
    if column is None or column >= len(cells):
        return ""
    return " ".join(cells[column].split())


def _yes_no(value: str, what: str) -> bool:
    if value.lower() in _YES:
        return True
    if value.lower() in _NO:
        return False
    raise ValueError(f"{what} must be yes or no, not {value!r}.")


def _local_authorities() -> tuple[dict[str, int], dict[str, int]]:
    by_code, by_name = {}, {}
    for pk, code, name in LocalAuthority.objects.values_list("pk", "code", "name"):
        by_code[code] = pk
        by_name[name.lower()] = pk
    return by_code, by_name


def _parse_area(file, number, columns, cells, las) -> _AreaRow:
    name = _cell(cells, columns["area"])
    if not name:
        raise ValueError("The area has no name.")
    values = {
        "nhs_region": _cell(cells, columns["nhs_region"]),
        "wave": _cell(cells, columns["wave"]),
        "covers_whole_las": _yes_no(_cell(cells, columns["covers_whole_las"]), "covers_whole_las"),
    }
    if "four_week_waiting_time_pilot" in columns:
        pilot = _cell(cells, columns["four_week_waiting_time_pilot"]) or "no"
        values["four_week_waiting_time_pilot"] = _yes_no(pilot, "four_week_waiting_time_pilot")
    for key, limit in (("nhs_region", 60), ("wave", 60)):
        if not values[key]:
            raise ValueError(f"The {key.replace('_', ' ')} is missing.")
        if len(values[key]) > limit:
            raise ValueError(f"The {key.replace('_', ' ')} is longer than {limit} characters.")
    if len(name) > 120:
        raise ValueError("The area's name is longer than 120 characters.")
    by_code, by_name = las
    la_ids, unknown = set(), []
    for item in filter(
        None, (p.strip() for p in _cell(cells, columns["local_authorities"]).split(";"))
    ):
        pk = by_code.get(item) or by_name.get(item.lower())
        if pk is None:
            unknown.append(item)
        else:
            la_ids.add(pk)
    if unknown:
        raise ValueError(f"No local authority is called or numbered {', '.join(unknown)}.")
    if not la_ids:
        raise ValueError("The area names no local authority.")
    return _AreaRow(file, number, name, values, la_ids)


def _parse_team(file, number, columns, cells) -> _TeamRow:
    name, area = _cell(cells, columns["team"]), _cell(cells, columns["area"])
    if not name or not area:
        raise ValueError("A team needs its name and its area.")
    if len(name) > 120:
        raise ValueError("The team's name is longer than 120 characters.")
    urns, bad = [], []
    for item in re.split(r"[;\s,]+", _cell(cells, columns["urns"])):
        if item:
            (urns if item.isdigit() else bad).append(int(item) if item.isdigit() else item)
    if bad:
        raise ValueError(f"Not a URN: {', '.join(bad)}.")
    return _TeamRow(file, number, name, area, urns)


@takes_actor
def mhst_import(files: list[tuple[str, bytes]], *, dry_run: bool = False) -> MhstImportReport:
    """Read areas and teams files (``[(file name, bytes)]``) and, unless ``dry_run`` or a row
    is wrong, save them all in one transaction. Raises MhstImportError for an unreadable file.
    """
    report = MhstImportReport(dry_run=dry_run)
    las = _local_authorities()
    areas: dict[str, _AreaRow] = {}
    teams: dict[tuple[str, str], _TeamRow] = {}

    def error(file, number, kind, name, reason):
        report.rows.append(MhstImportRow(file, number, kind, name, RowOutcome.ERROR, reason))

    parsed = [(name, *_read(name, data)) for name, data in files]
    for file, kind, columns, rows in parsed:
        for number, cells in rows:
            try:
                if kind == "area":
                    row = _parse_area(file, number, columns, cells, las)
                    if row.name.lower() in areas:
                        raise ValueError(f"The area {row.name} is listed twice.")
                    areas[row.name.lower()] = row
                else:
                    row = _parse_team(file, number, columns, cells)
                    key = (row.area.lower(), row.name.lower())
                    if key in teams:
                        raise ValueError(f"The team {row.name} of {row.area} is listed twice.")
                    teams[key] = row
            except ValueError as problem:
                error(file, number, kind, _cell(cells, columns.get(kind)), str(problem))

    existing_areas = {area.name.lower(): area for area in MHSTArea.objects.all()}
    all_urns = {urn for team in teams.values() for urn in team.urns}
    schools = {
        school.urn: school
        for school in Establishment.objects.filter(urn__in=all_urns).select_related("mhst_area")
    }
    served_elsewhere: dict[int, str] = {}
    for team in teams.values():
        problems = []
        area = areas.get(team.area.lower()) or existing_areas.get(team.area.lower())
        if area is None:
            problems.append(f"No MHST area is called {team.area}, in Link or in this import.")
        missing = [str(urn) for urn in team.urns if urn not in schools]
        if missing:
            problems.append(f"These URNs are not in the register: {', '.join(missing)}.")
        for urn in team.urns:
            school = schools.get(urn)
            if school and school.mhst_area and school.mhst_area.name.lower() != team.area.lower():
                problems.append(
                    f"{school.name} ({urn}) is in {school.mhst_area.name}: move it on its "
                    "record first."
                )
            other = served_elsewhere.setdefault(urn, team.area)
            if other.lower() != team.area.lower():
                problems.append(f"URN {urn} is listed for teams in {other} and {team.area}.")
        if problems:
            error(team.file, team.number, "team", team.name, " ".join(problems))

    if report.error_rows or dry_run:
        _preview(report, areas, teams, existing_areas)
        report.rows.sort(key=lambda row: (row.file, row.number))
        return report
    with transaction.atomic():
        _save(report, areas, teams, existing_areas, schools)
    report.rows.sort(key=lambda row: (row.file, row.number))
    report.written = True
    return report


def _area_outcome(row: _AreaRow, area: MHSTArea | None, current_las: set[int]) -> RowOutcome:
    if area is None:
        return RowOutcome.CREATED
    changed = any(getattr(area, key) != value for key, value in row.values.items())
    changed = changed or area.name != row.name or current_las != row.la_ids
    return RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED


def _current_las(existing: dict[str, MHSTArea]) -> dict[int, set[int]]:
    through = MHSTArea.local_authorities.through.objects.filter(
        mhstarea_id__in=[area.pk for area in existing.values()]
    )
    current: dict[int, set[int]] = {}
    for area_id, la_id in through.values_list("mhstarea_id", "localauthority_id"):
        current.setdefault(area_id, set()).add(la_id)
    return current


def _preview(report, areas, teams, existing_areas) -> None:
    """What a dry run (or a file with errors) would do for the rows that are right."""
    current = _current_las(existing_areas)
    failed = {(row.file, row.number) for row in report.error_rows}
    for row in areas.values():
        area = existing_areas.get(row.name.lower())
        outcome = _area_outcome(row, area, current.get(area.pk, set()) if area else set())
        report.rows.append(MhstImportRow(row.file, row.number, "area", row.name, outcome))
    known = {
        (area.lower(), name.lower())
        for area, name in MHSTeam.objects.values_list("area__name", "name")
    }
    for key, team in teams.items():
        if (team.file, team.number) in failed:
            continue
        outcome = RowOutcome.UPDATED if key in known else RowOutcome.CREATED
        report.rows.append(MhstImportRow(team.file, team.number, "team", team.name, outcome))


def _save(report, areas, teams, existing_areas, schools) -> None:
    current = _current_las(existing_areas)
    saved: dict[str, MHSTArea] = dict(existing_areas)
    for key, row in areas.items():
        area = existing_areas.get(key)
        outcome = _area_outcome(row, area, current.get(area.pk, set()) if area else set())
        if area is None:
            area = MHSTArea(name=row.name, **row.values)
        if outcome != RowOutcome.UNCHANGED:
            area.name = row.name
            for field_name, value in row.values.items():
                setattr(area, field_name, value)
            area._change_reason = CHANGE_REASON
            area.save()
            area.local_authorities.set(row.la_ids)
        saved[key] = area
        report.rows.append(MhstImportRow(row.file, row.number, "area", row.name, outcome))

    placing: dict[int, Establishment] = {}
    for (area_key, _), row in teams.items():
        area = saved[area_key]
        team = MHSTeam.objects.filter(area=area, name__iexact=row.name).first()
        wanted = {schools[urn].pk for urn in row.urns}
        if team is None:
            team, outcome = MHSTeam(area=area, name=row.name), RowOutcome.CREATED
            team._change_reason = CHANGE_REASON
            team.save()
        else:
            served = set(team.schools_served.values_list("pk", flat=True))
            changed = team.name != row.name or served != wanted
            outcome = RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED
            if team.name != row.name:
                team.name = row.name
                team._change_reason = CHANGE_REASON
                team.save()
        team.schools_served.set(wanted)
        report.rows.append(MhstImportRow(row.file, row.number, "team", row.name, outcome))
        for urn in row.urns:
            school = schools[urn]
            if school.mhst_area_id is None:
                school.mhst_area = area
                placing[school.pk] = school

    # Audited like any other change (bulk_update sends no signals).
    bulk_update_with_history(
        list(placing.values()),
        Establishment,
        ["mhst_area"],
        batch_size=2000,
        default_user=current_actor(),
        default_change_reason=CHANGE_REASON,
    )
    report.establishments_placed = len(placing)
    for key in areas:
        report.establishments_placed += mhst_area_assign_establishments(area=saved[key])
