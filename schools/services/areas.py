"""Local authorities and Mental Health Support Team areas, loaded from the shipped data."""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.actors import current_actor, takes_actor
from schools.models import Establishment, IntegratedCareBoard, LocalAuthority, MHSTArea, Region

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRAILBLAZER_WAVE = "2018/19 trailblazer"
_REGION_CODES = {choice.value for choice in Region}


@dataclass
class AreasReport:
    local_authorities_created: int = 0
    local_authorities_updated: int = 0
    mhst_areas_created: int = 0
    mhst_areas_updated: int = 0
    icbs_created: int = 0
    #: Current LAs the ICB file does not place in any ICB (by name).
    las_without_icb: list[str] = field(default_factory=list)


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
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return "updated"


# How the ICB file names a council, where taking off "... Council" does not give the DfE name.
_COUNCIL_ALIASES = {
    "bcp": "Bournemouth, Christchurch and Poole",
    "bristol": "Bristol, City of",
    "cumbria": "Cumbria",
    "durham": "County Durham",
    "herefordshire": "Herefordshire, County of",
    "hull": "Kingston upon Hull, City of",
    "middlesborough": "Middlesbrough",
    "newcastle upon tyne": "Newcastle upon Tyne",
    "kingston upon thames": "Kingston upon Thames",
    "st helens": "St. Helens",
}
_COUNCIL_AFFIXES = (
    r"^(london borough of|royal borough of|city of|corporation of the|council of the) ",
    r" (metropolitan borough|metropolitan district|county|borough|city|district)? ?council$",
)
_LOWER_WORDS = {"and", "of", "the", "upon", "on", "in"}


def _la_key(name: str) -> str:
    """A council's or an LA's name, compared: lower case, "&" as "and", "-" as a space."""
    return " ".join(name.lower().replace("&", "and").replace("-", " ").split())


def _council_la_key(council: str) -> str:
    key = _la_key(council)
    for affix in _COUNCIL_AFFIXES:
        key = re.sub(affix, "", key).strip()
    return _la_key(_COUNCIL_ALIASES.get(key, key))


def _icb_name(upper: str) -> str:
    """ "NHS STAFFORDSHIRE AND STOKE-ON-TRENT INTEGRATED CARE BOARD" as it is usually written:
    "NHS Staffordshire and Stoke-on-Trent Integrated Care Board"."""

    def word(text: str, first: bool) -> str:
        if text == "NHS":
            return text
        parts = text.lower().split("-")
        return "-".join(
            part if part in _LOWER_WORDS and not (first and j == 0) else part.capitalize()
            for j, part in enumerate(parts)
        )

    return " ".join(word(text, i == 0) for i, text in enumerate(upper.split()))


def _load_icbs(report: AreasReport) -> None:
    """The 42 ICBs, and the LAs each covers: an LA is in every ICB the file places it in."""
    for row in _read_csv("icb_list_derived_from_rcpch.csv"):
        _, created = IntegratedCareBoard.objects.update_or_create(
            ods_code=row["ods_code"].strip(),
            defaults={"gss_code": row["gss_code"].strip(), "name": _icb_name(row["name"])},
        )
        report.icbs_created += created
    icb_ids = dict(IntegratedCareBoard.objects.values_list("ods_code", "id"))
    la_ids = {_la_key(name): pk for pk, name in LocalAuthority.objects.values_list("pk", "name")}
    links: set[tuple[int, int]] = set()
    for row in _read_csv("icb_subicb_la_trust_derived_from_rcpch.csv"):
        la_id = la_ids.get(_council_la_key(row["Local Authority"]))
        if la_id and row["ODS ICB Code"] in icb_ids:
            links.add((la_id, icb_ids[row["ODS ICB Code"]]))
    # Link's own additions: LAs the file leaves out (schools/data/README.md).
    la_by_code = dict(LocalAuthority.objects.values_list("code", "pk"))
    for row in _read_csv("icb_las_link_additions.csv"):
        links.add((la_by_code[row["la_code"]], icb_ids[row["icb_ods_code"]]))
    through = LocalAuthority.icbs.through
    existing = set(through.objects.values_list("localauthority_id", "integratedcareboard_id"))
    through.objects.bulk_create(
        [through(localauthority_id=la, integratedcareboard_id=icb) for la, icb in links - existing]
    )
    report.las_without_icb = list(
        LocalAuthority.objects.filter(is_current=True, icbs__isnull=True).values_list(
            "name", flat=True
        )
    )


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
    _load_icbs(report)
    return report


@takes_actor
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
