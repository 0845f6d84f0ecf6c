"""Cut the small real GIAS slices that Link ships, from the extracts in ../shared/data/gias.

    python scripts/make_gias_slices.py [SHARED_GIAS_DIR]

Writes schools/data/demo/gias_demo_slice.csv.gz (a few LAs, for seed_demo) and
tests/schools/data/*.csv (for the import tests). Values are as published, except that the
head teacher's name columns are blanked: Link never needs them.
"""

import csv
import gzip
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD_NAME_COLUMNS = ("HeadTitle (name)", "HeadFirstName", "HeadLastName")
DEMO_LA_CODES = {"202", "211", "393", "857"}  # Camden, Tower Hamlets, South Tyneside, Rutland


def _blank_head_names(header, rows):
    idx = [header.index(c) for c in HEAD_NAME_COLUMNS if c in header]
    for row in rows:
        for i in idx:
            row[i] = ""
    return rows


def _write(path: Path, header, rows, quoting=csv.QUOTE_MINIMAL, opener=open):
    path.parent.mkdir(parents=True, exist_ok=True)
    with opener(path, "wt", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=quoting)
        writer.writerow(header)
        writer.writerows(_blank_head_names(header, rows))
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main(gias: Path) -> None:
    if not (gias / "edubasealldata20250718_open.csv.gz").is_file():
        sys.exit(f"{gias}: the shared GIAS extracts are not there; pass their folder")
    with open(gias / "edubasealldata20181029_20.csv", encoding="cp1252", newline="") as f:
        old = list(csv.reader(f))
    _write(ROOT / "tests/schools/data/gias_2018_20.csv", old[0], old[1:], csv.QUOTE_ALL)
    old_urns = {row[0] for row in old[1:]}

    with gzip.open(gias / "edubasealldata20250718_all.csv.gz", "rt", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        later = [row for row in reader if row[0] in old_urns]
    _write(ROOT / "tests/schools/data/gias_2025_same_urns.csv", header, later)

    per_type: Counter = Counter()
    sample, demo = [], []
    type_col = header.index("TypeOfEstablishment (code)")
    status_col = header.index("EstablishmentStatus (code)")
    la_col = header.index("LA (code)")
    with gzip.open(gias / "edubasealldata20250718_open.csv.gz", "rt", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            key = (row[type_col], row[status_col])
            if per_type[key] < 2:
                per_type[key] += 1
                sample.append(row)
            if row[la_col] in DEMO_LA_CODES:
                demo.append(row)
    _write(ROOT / "tests/schools/data/gias_2025_every_type.csv", header, sample)
    _write(ROOT / "schools/data/demo/gias_demo_slice.csv.gz", header, demo, opener=gzip.open)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared/data/gias"))
