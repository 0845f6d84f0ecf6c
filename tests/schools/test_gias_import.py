"""The GIAS import, on real extracts: both layouts, re-imports, later extracts, bad input."""

import csv
import gzip
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schools.models import Establishment, Status
from schools.services.gias import GiasFileError, gias_import

ROOT = Path(__file__).resolve().parents[2]


def run_import(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_gias", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rewrite(source: Path, target: Path, edit, encoding="utf-8") -> Path:
    """Copy a real extract, changing rows with ``edit(header, row)`` (None drops the row)."""
    with open(source, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    edited = [r for r in (edit(header, list(row)) for row in body) if r is not None]
    with open(target, "w", encoding=encoding, errors="replace", newline="") as f:
        csv.writer(f).writerows([header, *edited])
    return target


def partial_download(source: Path, target: Path, *, urn: int) -> tuple[Path, int]:
    """``source`` as a download that stopped in ``urn``'s row, halfway through its status
    name (column 11): the rows before it, then its row cut short. Returns the file and the
    cut row's number."""
    lines = source.read_bytes().splitlines(keepends=True)
    header, *rows = csv.reader(line.decode() for line in lines)
    index = next(i for i, row in enumerate(rows, start=1) if row[0] == str(urn))
    row = rows[index - 1]
    name = row[header.index("EstablishmentName")].encode()
    status = row[header.index("EstablishmentStatus (name)")].encode()
    after_name = lines[index].index(name) + len(name)
    found = re.compile(rb',"?(' + re.escape(status) + rb')"?,').search(lines[index], after_name)
    cut = found.start(1) + len(status) // 2
    target.write_bytes(b"".join(lines[:index]) + lines[index][:cut])
    return target, index + 1


def register() -> list[dict]:
    return list(Establishment.objects.order_by("urn").values())


def test_imports_the_2018_layout(areas, gias_2018):
    out, err = run_import(gias_2018)

    assert "20 rows: 20 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert err == ""
    school = Establishment.objects.get(urn=100000)
    assert school.name == "Sir John Cass's Foundation Primary School"
    assert school.la.code == "201"
    assert school.type_code == 2
    assert school.status == Status.OPEN
    closed = Establishment.objects.get(urn=100004)
    assert closed.status == Status.CLOSED
    assert closed.close_date == date(1992, 8, 31)


def test_imports_the_2025_layout_and_reports_the_eligible_count(areas, gias_2025_every_type):
    out, _ = run_import(gias_2025_every_type)

    rows = len(gias_2025_every_type.read_text().splitlines()) - 1
    assert f"{rows} rows: {rows} created" in out
    eligible = Establishment.objects.eligible().count()
    assert 0 < eligible < rows
    assert f"{eligible} establishments are eligible for the programme." in out


def test_a_second_run_of_the_same_file_changes_nothing(areas, gias_2025_every_type):
    run_import(gias_2025_every_type)
    before = dict(Establishment.objects.values_list("urn", "updated_at"))

    out, _ = run_import(gias_2025_every_type)

    assert " 0 created, 0 updated," in out
    assert "(0 changes)" in out
    assert dict(Establishment.objects.values_list("urn", "updated_at")) == before


def test_a_later_extract_renames_closes_and_keeps_links_own_fields(
    areas, gias_2018, gias_2025_same_urns
):
    run_import(gias_2018)
    Establishment.objects.filter(urn=100012).update(contact_email="senco@carlton.example.org")

    out, _ = run_import(gias_2025_same_urns)

    assert "0 created, " in out
    renamed = Establishment.objects.get(urn=100000)
    assert renamed.name == "The Aldgate School"
    closed = Establishment.objects.get(urn=100012)
    assert closed.status == Status.CLOSED
    assert closed.close_date == date(2021, 8, 31)
    assert closed.contact_email == "senco@carlton.example.org"
    assert not Establishment.objects.eligible().filter(urn=100012).exists()


def test_gzip_and_cp1252_files_are_read(areas, gias_2025_every_type, tmp_path):
    def curly_apostrophe(header, row):
        if row[0] == first_urn:
            row[header.index("EstablishmentName")] = "St Mary’s Church of England Primary School"
        return row

    with open(gias_2025_every_type, encoding="utf-8") as f:
        first_urn = list(csv.reader(f))[1][0]
    cp1252 = rewrite(gias_2025_every_type, tmp_path / "official.csv", curly_apostrophe, "cp1252")
    assert "’".encode("cp1252") in cp1252.read_bytes()  # the byte the official download uses
    gz = tmp_path / "official.csv.gz"
    gz.write_bytes(gzip.compress(cp1252.read_bytes()))

    run_import(gz)

    school = Establishment.objects.get(urn=int(first_urn))
    assert school.name == "St Mary’s Church of England Primary School"


def test_head_teacher_names_are_never_stored_or_printed(areas, gias_2018, tmp_path, caplog):
    def named_head(header, row):
        row[header.index("HeadFirstName")] = "Zebedee"
        row[header.index("HeadLastName")] = "Quimbleworth"
        return row

    src = rewrite(gias_2018, tmp_path / "with_heads.csv", named_head)

    out, err = run_import(src)

    assert "Quimbleworth" not in out + err + caplog.text
    for values in Establishment.objects.values():
        assert not any("Quimbleworth" in str(v) or "Zebedee" in str(v) for v in values.values())
    assert not [f.name for f in Establishment._meta.get_fields() if "head" in f.name.lower()]


def test_malformed_rows_are_reported_with_row_and_reason_and_skipped(areas, gias_2018, tmp_path):
    def break_some(header, row):
        urn = row[0]
        if urn == "100001":
            row[0] = "10000X"
        elif urn == "100002":
            row[header.index("LA (code)")] = "999"
        elif urn == "100003":
            row[header.index("OpenDate")] = "31-02-2019"
        elif urn == "100005":
            row[0] = "100000"  # a second row for URN 100000
        elif urn == "100006":
            row[header.index("EstablishmentName")] = "CCfL\nKey Stage 4 PRU"
        elif urn == "100007":
            row[header.index("TelephoneNum")] = "020 3772\r\n0370"
        return row

    src = rewrite(gias_2018, tmp_path / "broken.csv", break_some)

    out, err = run_import(src)

    assert "20 rows: 14 created, 0 updated, 0 unchanged, 6 skipped" in out
    assert "row 3: skipped: URN '10000X' is not a whole number" in err
    assert "row 4: skipped: LA code '999' is not a known local authority" in err
    assert "row 5: skipped: OpenDate '31-02-2019' is not a date (dd-mm-yyyy)" in err
    assert "row 7: skipped: URN 100000 appears again (first at row 2)" in err
    assert "row 8: skipped: EstablishmentName has a line break in it" in err
    assert "row 9: skipped: TelephoneNum has a line break in it" in err
    assert Establishment.objects.count() == 14


def test_establishments_outside_england_are_kept_but_not_eligible(areas, gias_2025_every_type):
    run_import(gias_2025_every_type)

    welsh = Establishment.objects.filter(type_code=30)
    overseas = Establishment.objects.filter(type_code=37)
    assert welsh.exists() and overseas.exists()
    assert not welsh.filter(la__isnull=False).exists()
    assert not (welsh | overseas).eligible().exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "it is a binary file"),
        (b"name,postcode\nSome School,NW1 1AA\n", "it has no URN column"),
        (b"URN,EstablishmentName\n100000,The Aldgate School\n", "GIAS columns are missing"),
        (b"\x1f\x8b\x08\x00garbage", "it is not a readable gzip file"),
    ],
    ids=["empty", "binary", "no-urn-column", "missing-columns", "broken-gzip"],
)
def test_a_file_that_is_not_an_extract_is_refused_clearly(areas, tmp_path, content, message):
    bad = tmp_path / "edubasealldata.csv"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match=message) as caught:
        run_import(bad)

    assert "\n" not in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert Establishment.objects.count() == 0


def test_header_only_file_is_refused(areas, gias_2018, tmp_path):
    src = rewrite(gias_2018, tmp_path / "header.csv", lambda header, row: None)

    with pytest.raises(CommandError, match="no establishment rows"):
        run_import(src)


def test_a_file_that_breaks_midway_writes_nothing(areas, gias_2025_every_type, tmp_path):
    data = gias_2025_every_type.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"".join(data[:60]) + b"\x00\x00binary tail\n" + b"".join(data[60:]))

    with pytest.raises(GiasFileError):
        gias_import(path=broken, batch_size=10)  # several batches are written before row 61

    assert Establishment.objects.count() == 0


def test_missing_file_is_a_clear_error(areas, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "nope.csv")


@pytest.fixture(scope="module")
def command_line(tmp_path_factory):
    """Runs ``manage.py import_gias FILE`` as its own process, on a migrated SQLite database."""
    env = {"PATH": "/usr/bin:/bin", "LINK_VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)

    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*manage, "import_gias", str(path), "--no-progress"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    return run


def test_command_exits_non_zero_with_one_line_on_the_command_line(command_line, tmp_path):
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    done = command_line(bad)

    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "is a binary file" in lines[0]


def test_close_missing_closes_open_establishments_a_complete_file_omits(
    areas, gias_2025_every_type, tmp_path
):
    run_import(gias_2025_every_type)
    open_before = Establishment.objects.exclude(status=Status.CLOSED).count()
    with open(gias_2025_every_type, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    # Drop one row and break another's LA: the broken one is still in the file, so stays.
    dropped_urn, broken_urn = int(rows[5][0]), int(rows[6][0])

    def drop_one(header, row):
        if int(row[0]) == dropped_urn:
            return None
        if int(row[0]) == broken_urn:
            row[header.index("LA (code)")] = "999"
        return row

    later = rewrite(gias_2025_every_type, tmp_path / "later.csv", drop_one)

    out = io.StringIO()
    call_command("import_gias", str(later), "--close-missing", stdout=out, stderr=io.StringIO())

    assert "1 open establishments not in the file closed." in out.getvalue()
    assert Establishment.objects.get(urn=dropped_urn).status == Status.CLOSED
    assert Establishment.objects.get(urn=broken_urn).status != Status.CLOSED
    assert Establishment.objects.exclude(status=Status.CLOSED).count() == open_before - 1


def test_without_close_missing_an_omitted_establishment_is_left_alone(
    areas, gias_2025_every_type, tmp_path
):
    run_import(gias_2025_every_type)
    first = Establishment.objects.order_by("urn").first()
    later = rewrite(
        gias_2025_every_type,
        tmp_path / "later.csv",
        lambda header, row: None if int(row[0]) == first.urn else row,
    )

    run_import(later)

    assert Establishment.objects.get(urn=first.urn).status == first.status


def test_close_missing_refuses_a_partial_file_and_changes_nothing(
    areas, gias_2025_every_type, gias_2018
):
    run_import(gias_2025_every_type)
    before = list(Establishment.objects.order_by("urn").values_list("urn", "status"))

    with pytest.raises(CommandError, match="looks like a partial file"):
        call_command("import_gias", str(gias_2018), "--close-missing", stdout=io.StringIO())

    assert list(Establishment.objects.order_by("urn").values_list("urn", "status")) == before


FULL_ROW = (
    "PhaseOfEducation (name)",
    "NumberOfPupils",
    "Postcode",
    "TelephoneNum",
    "SchoolWebsite",
)


def test_a_row_cut_short_by_a_partial_download_is_skipped_and_reported(
    areas, gias_2025_every_type, tmp_path
):
    with open(gias_2025_every_type, encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    # An open school with every one of these filled in (what a cut row used to blank), moved
    # to the end of the file, where a download stops: 1 row in 111 is under the 1% refused.
    full = next(
        row
        for row in rows
        if row[header.index("EstablishmentStatus (code)")] == "1"
        and all(row[header.index(column)] for column in FULL_ROW)
    )
    reordered = tmp_path / "reordered.csv"
    with open(reordered, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *(row for row in rows if row is not full), full])
    run_import(gias_2025_every_type)
    before = register()
    partial, row_number = partial_download(reordered, tmp_path / "part.csv", urn=int(full[0]))

    out, err = run_import(partial)

    assert row_number == len(rows) + 1
    assert f"{len(rows)} rows: 0 created, 0 updated, {len(rows) - 1} unchanged, 1 skipped" in out
    assert f"row {row_number}: skipped: it has 11 fields where the header has {len(header)}" in err
    assert register() == before
    school = Establishment.objects.get(urn=int(full[0]))
    assert school.postcode and school.phase and school.telephone and school.website
    assert school.pupil_count is not None


def test_a_file_with_over_1_percent_of_rows_cut_short_is_refused_and_changes_nothing(
    areas, gias_2025_every_type, tmp_path
):
    run_import(gias_2025_every_type)
    before = register()
    with open(gias_2025_every_type, encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    short_urn, long_urn, renamed_urn = rows[3][0], rows[7][0], rows[9][0]

    def damage(header, row):
        if row[0] == short_urn:
            return row[:40]  # cut short
        if row[0] == long_urn:
            return [*row, "a stray field"]  # a field too many: the rest sit one column over
        if row[0] == renamed_urn:
            row[header.index("EstablishmentName")] = "A Renamed School"
        return row

    damaged = rewrite(gias_2025_every_type, tmp_path / "damaged.csv", damage)

    with pytest.raises(CommandError) as caught:
        run_import(damaged)

    message = str(caught.value)
    assert f"2 of its {len(rows)} data rows are cut short or damaged" in message
    assert "the first is row 5" in message
    assert "Nothing was changed" in message
    assert register() == before


def test_close_missing_refuses_a_file_with_a_row_cut_short(areas, gias_2025_every_type, tmp_path):
    run_import(gias_2025_every_type)
    before = register()
    with open(gias_2025_every_type, encoding="utf-8") as f:
        last_urn = int(list(csv.reader(f))[-1][0])
    # Cut in the last row: on its own well under 1%, but the file is not complete.
    partial, row_number = partial_download(
        gias_2025_every_type, tmp_path / "part.csv", urn=last_urn
    )

    with pytest.raises(CommandError, match=f"row {row_number} was cut short or damaged"):
        call_command(
            "import_gias",
            str(partial),
            "--close-missing",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert register() == before


def test_command_exits_non_zero_on_a_file_with_too_many_rows_cut_short(
    command_line, gias_2018, tmp_path
):
    # 1 of 20 rows cut short is 5%, over the 1% a file may have.
    with open(gias_2018, encoding="utf-8") as f:
        urn = int(list(csv.reader(f))[-1][0])
    partial, row_number = partial_download(gias_2018, tmp_path / "part.csv", urn=urn)

    done = command_line(partial)

    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "1 of its 20 data rows are cut short or damaged" in lines[0]
    assert "Nothing was changed" in lines[0]
