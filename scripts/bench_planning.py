"""Benchmark the planning helper's two methods on the real GIAS extract: mean and furthest
travel to a cohort's centre, by distance and by postcode district.

    python scripts/bench_planning.py ../shared/data/gias/edubasealldata20250718_open.csv.gz

Reads the eligible establishments (Link's rule) with their Easting and Northing straight
from the file (no database), groups them one local authority at a time into cohorts of at
most 20 by each method, and reports Camden, Northumberland, Cumberland and all of England,
with the number of cohorts the distance method proposes for England and their sizes.
Writes the figures to docs/benchmarks.md.
"""

import argparse
import csv
import gzip
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkprog.settings.local")

import django  # noqa: E402

django.setup()

from benchlib import write_section  # noqa: E402

from cohorts.services.planning import _by_district, _group, group_spread  # noqa: E402
from schools.models import ELIGIBLE_STATUSES, ELIGIBLE_TYPE_CODES  # noqa: E402

AREAS = ("Camden", "Northumberland", "Cumberland")


def _schools(path: Path) -> dict[str, list[SimpleNamespace]]:
    by_la: dict[str, list[SimpleNamespace]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if (
                int(row["TypeOfEstablishment (code)"] or 0) not in ELIGIBLE_TYPE_CODES
                or int(row["EstablishmentStatus (code)"] or 0) not in ELIGIBLE_STATUSES
                or row["LA (code)"] in ("", "000")
                or row.get("GOR (name)") in ("Wales (pseudo)", "Not Applicable")
            ):
                continue
            easting, northing = row.get("Easting", ""), row.get("Northing", "")
            by_la[row["LA (name)"]].append(
                SimpleNamespace(
                    pk=int(row["URN"]),
                    name=row["EstablishmentName"],
                    postcode=row["Postcode"],
                    easting=int(easting) if easting.isdigit() and int(easting) else None,
                    northing=int(northing) if northing.isdigit() and int(northing) else None,
                )
            )
    return by_la


def _travel(groups) -> tuple[float, float, int]:
    """(mean km to the cohort's centre over all located schools, furthest km, cohorts)."""
    total = count = 0
    furthest = 0.0
    for group in groups:
        located = [(s.pk, s.easting, s.northing) for s in group if s.easting and s.northing]
        spread = group_spread(located)
        if spread:
            total += spread.mean_km * len(located)
            count += len(located)
            furthest = max(furthest, spread.max_km)
    return (total / count if count else 0.0), furthest, len(groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="edubasealldata20250718_open.csv.gz")
    args = parser.parse_args()
    if not args.extract.is_file():
        sys.exit(
            f"{args.extract}: not found. The benchmark reads the real GIAS extract from "
            "../shared/data/gias/ (not shipped with Link); pass its path."
        )
    by_la = _schools(args.extract)
    results = {}
    england = {"distance": [], "postcode": []}
    unlocated = 0
    started = time.perf_counter()
    for la, schools in sorted(by_la.items()):
        distance, placed_by_postcode = _group(schools, 20)
        unlocated += len(placed_by_postcode)
        postcode = _by_district(schools, 20)
        england["distance"] += distance
        england["postcode"] += postcode
        if la in AREAS:
            results[la] = (len(schools), _travel(distance), _travel(postcode))
    seconds = time.perf_counter() - started
    total = sum(len(s) for s in by_la.values())
    results["England"] = (total, _travel(england["distance"]), _travel(england["postcode"]))
    sizes = Counter(len(g) for g in england["distance"])

    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python scripts/bench_planning.py "
        f"{args.extract.name}` on {platform.node()}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}.",
        "",
        f"The {total:,} eligible establishments of the extract, one local authority at a time "
        "into cohorts of at most 20, by the planning helper's distance method and by the "
        "postcode-district method it replaces. Travel is the straight line from a school to "
        "its cohort's centre (the mean of its schools' positions), over the schools with a "
        f"position ({unlocated:,} have none in GIAS: the helper places them by postcode "
        "district, and they are left out of the travel figures).",
        "",
        "| area | schools | by distance: mean / furthest km | by postcode district: "
        "mean / furthest km | cohorts |",
        "|---|---:|---:|---:|---:|",
    ]
    for area in (*AREAS, "England"):
        if area not in results:
            continue
        count, (d_mean, d_max, d_n), (p_mean, p_max, _p_n) = results[area]
        lines.append(
            f"| {area} | {count:,} | {d_mean:.2f} / {d_max:.1f} | {p_mean:.2f} / {p_max:.1f} | "
            f"{d_n:,} |"
        )
    lines += [
        "",
        f"For all of England the distance method proposes {len(england['distance']):,} "
        "cohorts, were every eligible school to take part (the programme plans just under "
        "1,000 sessions). Their sizes: "
        + ", ".join(f"{size}: {n}" for size, n in sorted(sizes.items(), reverse=True))
        + f". Grouping all of England by distance took {seconds:.0f} s in one process.",
        "",
    ]
    write_section("Planning by distance", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
