"""Local authorities and Mental Health Support Team areas, loaded from the shipped data."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.actors import current_actor
from schools.models import Establishment, LocalAuthority, MHSTArea, Region

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRAILBLAZER_WAVE = "2018/19 trailblazer"
_REGION_CODES = {choice.value for choice in Region}


@dataclass
class AreasReport:
    local_authorities_created: int = 0
    local_authorities_updated: int = 0
    mhst_areas_created: int = 0
    mhst_areas_updated: int = 0


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _local_authority_rows() -> list[dict]:
    """Join the DfE LA list (code, GSS, name) with dfeR's region and live/terminated status."""
    regions: dict[str, str] = {}
    live: dict[str, bool] = {}
    for row in _read_csv("dfeR_las.csv"):
        if " / " in row["old_la_code"] or not row["old_la_code"].isdigit():
            continue  # combined "314 / 318" rows and overseas pseudo-LAs
        code = row["old_la_code"]
        if row["parent_geography_code"] in _REGION_CODES:
            regions.setdefault(code, row["parent_geography_code"])
        live[code] = live.get(code, False) or row["status"] == "live"
    rows = []
    for row in _read_csv("EnglishLaNameCodes.csv"):
        values = list(row.values())
        name, code, gss = (v.strip() for v in values[:3])
        rows.append(
            {
                "code": code,
                "name": name,
                "gss_code": gss,
                "region": regions.get(code, ""),
                "is_current": live.get(code, False),
            }
        )
    return rows


def _upsert(model, lookup: dict, values: dict) -> str:
    """Create or update one row; returns "created", "updated" or "unchanged"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return "unchanged"
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed)
    return "updated"


@transaction.atomic
def areas_load_reference() -> AreasReport:
    """Load or refresh the English local authorities and the 25 trailblazer MHST areas.

    Idempotent: a second run changes nothing. Coordinators' own MHST areas are untouched.
    """
    report = AreasReport()
    for row in _local_authority_rows():
        outcome = _upsert(LocalAuthority, {"code": row.pop("code")}, row)
        if outcome == "created":
            report.local_authorities_created += 1
        elif outcome == "updated":
            report.local_authorities_updated += 1

    la_by_code = {la.code: la for la in LocalAuthority.objects.all()}
    las_of_area = {row["trailblazer_area"]: row for row in _read_csv("mhst_trailblazer_las.csv")}
    for row in _read_csv("mhst_trailblazers_2018_19_transcribed.csv"):
        name = row["trailblazer_area"].strip()
        coverage = las_of_area[name]
        outcome = _upsert(
            MHSTArea,
            {"name": name},
            {
                "nhs_region": row["nhs_region"].strip(),
                "wave": TRAILBLAZER_WAVE,
                "covers_whole_las": coverage["covers_whole_las"] == "yes",
                "four_week_waiting_time_pilot": row["four_week_waiting_time_pilot"].startswith(
                    "yes"
                ),
            },
        )
        area = MHSTArea.objects.get(name=name)
        area.local_authorities.add(*(la_by_code[code] for code in coverage["la_codes"].split()))
        if outcome == "created":
            report.mhst_areas_created += 1
        elif outcome == "updated":
            report.mhst_areas_updated += 1
    return report


def mhst_area_assign_establishments(*, area: MHSTArea) -> int:
    """Put the establishments of an area's LAs that have no MHST area into this one.

    Only for areas that cover whole LAs: where an area is part of an LA, which schools it
    serves is a coordinator's decision, one establishment at a time. Returns how many moved.
    """
    if not area.covers_whole_las:
        return 0
    moving = list(
        Establishment.objects.filter(la__in=area.local_authorities.all(), mhst_area__isnull=True)
    )
    for establishment in moving:
        establishment.mhst_area = area
    # Audited like any other change (bulk_update sends no signals).
    bulk_update_with_history(
        moving, Establishment, ["mhst_area"], batch_size=2000, default_user=current_actor()
    )
    return len(moving)
