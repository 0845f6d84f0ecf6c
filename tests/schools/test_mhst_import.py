"""MHST areas and teams from a file (issue 14, item 4): the command, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from schools.models import Establishment, MHSTArea, MHSTeam
from schools.services.areas import mhst_area_assign_establishments
from schools.services.demo import DEMO_GIAS_SLICE
from schools.services.gias import gias_import
from schools.services.mhst import MhstImportError, RowOutcome, mhst_import

from .conftest import DATA

pytestmark = pytest.mark.django_db

AREAS = DATA / "mhst_2019_20_sample_areas.csv"
TEAMS = DATA / "mhst_2019_20_sample_teams.csv"


@pytest.fixture
def register(areas):
    """The LAs, the 25 trailblazers, and the real GIAS rows of the demo's four LAs, Camden's
    schools in the Camden trailblazer area."""
    gias_import(path=DEMO_GIAS_SLICE)
    mhst_area_assign_establishments(area=MHSTArea.objects.get(name="Camden"))


def files(*pairs):
    return [(name, text.encode()) for name, text in pairs]


def sample():
    return [(AREAS.name, AREAS.read_bytes()), (TEAMS.name, TEAMS.read_bytes())]


def test_the_sample_2019_20_wave_imports_its_areas_and_teams(register):
    report = mhst_import(sample())

    assert report.written and not report.error_rows
    rutland = MHSTArea.objects.get(name="Rutland")
    assert (rutland.nhs_region, rutland.wave, rutland.covers_whole_las) == (
        "Midlands",
        "2019/20 wave 1",
        True,
    )
    assert list(rutland.local_authorities.values_list("code", flat=True)) == ["857"]
    assert MHSTArea.objects.get(name="Leicester City").local_authorities.get().code == "856"
    assert not MHSTArea.objects.get(name="North West Leicestershire").covers_whole_las
    east = MHSTeam.objects.get(area=rutland, name="Rutland East MHST")
    assert set(east.schools_served.values_list("urn", flat=True)) == {
        136530,
        137340,
        141234,
        142401,
        146397,
        146425,
    }
    # Rutland covers its whole LA: every Rutland establishment is now in the area.
    in_rutland = Establishment.objects.filter(la__code="857")
    assert in_rutland.exists()
    assert not in_rutland.exclude(mhst_area=rutland).exists()
    assert report.count("area", RowOutcome.CREATED) == 3
    assert report.count("team", RowOutcome.CREATED) == 3
    # Audited, with why.
    record = rutland.history.first()
    assert record.history_change_reason == "MHST areas and teams imported from CSV"


def test_importing_the_same_files_again_changes_nothing(register):
    mhst_import(sample())
    again = mhst_import(sample())

    assert again.count("area", RowOutcome.UNCHANGED) == 3
    assert again.count("team", RowOutcome.UNCHANGED) == 3
    assert MHSTArea.objects.filter(wave="2019/20 wave 1").count() == 3


def test_a_changed_row_updates_its_area_and_a_team_gets_exactly_its_listed_schools(register):
    mhst_import(sample())
    report = mhst_import(
        files(
            (
                "areas.csv",
                "area,nhs_region,wave,local_authorities,covers_whole_las\n"
                "Rutland,East of England,2019/20 wave 1,857,yes\n",
            ),
            ("teams.csv", "team,area,urns\nRutland East MHST,Rutland,136530 137340\n"),
        )
    )

    assert report.count("area", RowOutcome.UPDATED) == 1
    assert report.count("team", RowOutcome.UPDATED) == 1
    assert MHSTArea.objects.get(name="Rutland").nhs_region == "East of England"
    east = MHSTeam.objects.get(name="Rutland East MHST")
    assert set(east.schools_served.values_list("urn", flat=True)) == {136530, 137340}


def test_one_wrong_row_saves_nothing_and_each_wrong_row_says_why(register):
    report = mhst_import(
        files(
            (
                "areas.csv",
                "area,nhs_region,wave,local_authorities,covers_whole_las\n"
                "Rutland,Midlands,2019/20 wave 1,857,yes\n"
                "Nowhere,Midlands,2019/20 wave 1,Atlantis;999,yes\n"
                "Half,Midlands,2019/20 wave 1,855,perhaps\n"
                "Rutland,Midlands,2019/20 wave 1,857,yes\n",
            ),
            (
                "teams.csv",
                "team,area,urns\n"
                "A team,Rutland,136530;12345678\n"
                "B team,Missing area,\n"
                "C team,Rutland,abc\n"
                # Camden is a trailblazer: its schools are already in the Camden area.
                "D team,Rutland,100008\n",
            ),
        )
    )

    assert not report.written
    reasons = {(row.file, row.number): row.reason for row in report.error_rows}
    assert "No local authority is called or numbered Atlantis, 999." in reasons[("areas.csv", 3)]
    assert "covers_whole_las must be yes or no, not 'perhaps'." in reasons[("areas.csv", 4)]
    assert "listed twice" in reasons[("areas.csv", 5)]
    assert "not in the register: 12345678" in reasons[("teams.csv", 2)]
    assert "No MHST area is called Missing area" in reasons[("teams.csv", 3)]
    assert "Not a URN: abc." in reasons[("teams.csv", 4)]
    assert "(100008) is in Camden: move it on its record first." in reasons[("teams.csv", 5)]
    assert not MHSTArea.objects.filter(name="Rutland").exists()
    assert not MHSTeam.objects.exists()


def test_a_dry_run_says_what_would_change_and_saves_nothing(register):
    report = mhst_import(sample(), dry_run=True)

    assert not report.written and not report.error_rows
    assert report.count("area", RowOutcome.CREATED) == 3
    assert report.count("team", RowOutcome.CREATED) == 3
    assert not MHSTArea.objects.filter(wave="2019/20 wave 1").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"", "empty"),
        (b"urn,contact_email\n1,a@example.org\n", "neither an areas file"),
    ],
)
def test_a_file_that_is_not_an_areas_or_teams_csv_is_refused(register, data, message):
    with pytest.raises(MhstImportError, match=message):
        mhst_import([("upload.csv", data)])


def test_the_command_imports_and_reports(register):
    out = io.StringIO()
    call_command("import_mhst", str(AREAS), str(TEAMS), stdout=out)

    assert "MHST areas: 3 new, 0 changed, 0 unchanged" in out.getvalue()
    assert MHSTeam.objects.count() == 3
    rutland = MHSTArea.objects.get(name="Rutland")
    assert rutland.history.first().history_user.get_full_name() == "Command: import_mhst"


def test_the_command_lists_wrong_rows_and_fails(register, tmp_path):
    bad = tmp_path / "teams.csv"
    bad.write_text("team,area,urns\nA team,Nowhere,\n")
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 rows are wrong; nothing was saved"):
        call_command("import_mhst", str(bad), stderr=err)
    assert "teams.csv row 2 (team A team): No MHST area is called Nowhere" in err.getvalue()


IMPORT = "/admin/schools/mhstarea/import/"


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")


def test_an_admin_uploads_the_files_and_sees_what_was_saved(register, admin_client):
    changelist = admin_client.get("/admin/schools/mhstarea/")
    assert IMPORT in changelist.content.decode()  # the way in, from the areas list

    response = admin_client.post(
        IMPORT, {"areas_file": upload(AREAS), "teams_file": upload(TEAMS)}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/admin/schools/mhstarea/"
    assert "MHST areas: 3 new, 0 changed, 0 unchanged" in response.content.decode()
    assert MHSTeam.objects.count() == 3


def test_an_admin_checks_first_then_sees_wrong_rows_and_nothing_is_saved(register, admin_client):
    checked = admin_client.post(IMPORT, {"areas_file": upload(AREAS), "dry_run": "on"})
    assert "Checked, nothing saved." in checked.content.decode()
    assert not MHSTArea.objects.filter(wave="2019/20 wave 1").exists()

    bad = SimpleUploadedFile("teams.csv", b"team,area,urns\nA team,Nowhere,\n")
    wrong = admin_client.post(IMPORT, {"teams_file": bad})
    page = wrong.content.decode()
    assert "1 row is wrong, so nothing was saved." in page
    assert "No MHST area is called Nowhere" in page
    assert not MHSTeam.objects.exists()

    empty = admin_client.post(IMPORT, {})
    assert "Choose an areas file, a teams file, or both." in empty.content.decode()


def test_only_those_who_may_add_areas_can_import(register, client, django_user_model):
    staff = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(staff)

    assert client.get(IMPORT).status_code == 403
