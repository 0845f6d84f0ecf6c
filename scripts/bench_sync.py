"""Benchmark the GIAS sync on the real files: what it applies, stages and leaves for a person,
and its time against a raw COPY of the same extract.

    python scripts/bench_sync.py ../shared/data/gias/edubasealldata20250718_all.csv.gz \\
        ../shared/data/gias/links_edubasealldata20250422.csv

The register is first loaded from the extract, then set back to how it stood a year
earlier for the schools that have since converted: every establishment the extract shows
closed since 1 August 2024 with a "Successor" link (or several, or a merger) is reopened and
given a booked place, as if the programme held it. Then the sync (``manage.py import_gias
EXTRACT --links LINKS``, one process, timed from start to exit) brings the register up to
date. Uses a scratch database (``link_bench_sync`` on BENCH_DATABASE_URL's server), dropped
and recreated each run. Writes the figures to docs/benchmarks.md.
"""

import argparse
import io
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from bench_import import _copy_seconds
from benchlib import connect, fresh_database, manage, write_section

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/link_bench_sync"
SINCE = "2024-08-01"

# Run by ``manage.py shell``: a cohort per LA and a booked place for each reopened school.
HOLD = """
from datetime import date
from cohorts.models import Cohort, CohortStatus, Phase, Place, PlaceStatus
from schools.models import Establishment
phase = Phase.objects.create(name="Bench", start_date=date(2024, 9, 1), end_date=date(2025, 7, 31))
schools = Establishment.objects.filter(pk__in={ids}).select_related("la")
cohorts = {{}}
places = []
for school in schools:
    if school.la_id is None:
        continue
    if school.la_id not in cohorts:
        cohorts[school.la_id] = Cohort.objects.create(
            name=f"Bench {{school.la.name}}", phase=phase, local_authority=school.la,
            status=CohortStatus.OPEN, venue_name="Bench", venue_address="Bench")
    places.append(Place(cohort=cohorts[school.la_id], establishment=school,
                        attendee_name="Bench", attendee_email="bench@example.org",
                        status=PlaceStatus.BOOKED))
Place.objects.bulk_create(places)
print(len(places))
"""


def _reopen(url: str, links: Path) -> list[int]:
    """Reopen the establishments closed since SINCE that the links file gives a successor."""
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE links (urn int, linked int, name text, type text, d text)")
        # The links file is cp1252 in places, as GIAS publishes it.
        text = links.read_bytes().decode("utf-8", errors="replace")
        cur.copy_expert("COPY links FROM STDIN WITH (FORMAT csv, HEADER true)", io.StringIO(text))
        cur.execute(
            """
            UPDATE schools_establishment e SET status = 1, close_date = NULL
             WHERE e.status = 2 AND e.close_date >= %s AND e.la_id IS NOT NULL
               AND e.urn IN (SELECT urn FROM links
                              WHERE type LIKE 'Successor%%' OR type = 'Result of Amalgamation')
            RETURNING e.id
            """,
            [SINCE],
        )
        ids = [row[0] for row in cur.fetchall()]
    conn.close()
    return ids


def _counts(url: str) -> dict[str, int]:
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT kind, status, count(*) FROM schools_registerchange GROUP BY kind, status"
        )
        counts = {f"{kind}/{status}": n for kind, status, n in cur.fetchall()}
    conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="edubasealldata20250718_all.csv.gz")
    parser.add_argument("links", type=Path, help="links_edubasealldata20250422.csv")
    args = parser.parse_args()
    for path in (args.extract, args.links):
        if not path.is_file():
            sys.exit(
                f"{path}: not found. The benchmark reads the real GIAS files from "
                "../shared/data/gias/ (not shipped with Link); pass their paths."
            )
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"scratch database: {url}")
    fresh_database(url)
    manage(url, "migrate", "-v0")
    manage(url, "load_areas")
    manage(url, "import_gias", str(args.extract), "--no-progress", "--force")
    ids = _reopen(url, args.links)
    _, _, output = manage(url, "shell", "-c", HOLD.format(ids=ids))
    held = output.strip().splitlines()[-1]  # the snippet prints the count last
    print(f"reopened {len(ids)}, places {held}")

    seconds, memory, out = manage(
        url, "import_gias", str(args.extract), "--links", str(args.links), "--no-progress"
    )
    again, _, _ = manage(
        url, "import_gias", str(args.extract), "--links", str(args.links), "--no-progress"
    )
    copy_s, copy_rows = _copy_seconds(url, args.extract)
    counts = _counts(url)
    print(out.strip())
    print(counts)
    moved = counts.get("closing/applied", 0)
    choose = counts.get("successor/pending", 0)
    closing_left = counts.get("closing/pending", 0) - choose
    other = {
        key: value
        for key, value in counts.items()
        if not key.startswith(("closing/", "successor/"))
    }
    run_line = next((line for line in out.splitlines() if line.startswith("Run: ")), "")
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python scripts/bench_sync.py "
        f"{args.extract.name} {args.links.name}` on {platform.node()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL at {urlparse(url).hostname}.",
        "",
        f"The register is loaded from `{args.extract.name}` ({copy_rows:,} rows), then the "
        f"{len(ids):,} establishments it shows closed since {SINCE} with a successor in the "
        f"links file are reopened, each with a booked place ({held} places). The "
        "sync then imports the same extract with the links file, as one `manage.py "
        "import_gias --links` process.",
        "",
        "| what | count |",
        "|---|---:|",
        f"| closures applied, programme moved to the one simple successor | {moved:,} |",
        f"| successor to choose (merger, amalgamation, split, or both holding a place) | "
        f"{choose:,} |",
        f"| closures left for a person with no successor to move to | {max(closing_left, 0):,} |",
        *[f"| other staged changes: {key} | {value:,} |" for key, value in other.items()],
        "",
        "| what | seconds | against COPY |",
        "|---|---:|---:|",
        f"| the sync (`import_gias EXTRACT --links LINKS`), peak {memory} MiB | {seconds:.1f} | "
        f"{seconds / copy_s:.1f}x |",
        f"| the same sync again: nothing changed, nothing to move | {again:.1f} | "
        f"{again / copy_s:.1f}x |",
        f"| raw `COPY` of the same rows into a scratch table of text columns | {copy_s:.1f} | 1x |",
        "",
        f"The run: {run_line.removeprefix('Run: ')}",
        "",
    ]
    write_section("GIAS sync with successors", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
