"""The register follows GIAS (issue 14, items 1 and 5): runs on record, older extracts
refused, changes that matter to the programme held for a person, a scheduled sync."""

import functools
import http.server
import io
import shutil
import threading

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from schools import interest
from schools.models import (
    ChangeKind,
    ChangeStatus,
    Establishment,
    EstablishmentLink,
    GiasImport,
    ImportStatus,
    RegisterChange,
    Status,
)
from schools.services.gias import GiasFileError
from schools.services.links import links_import
from schools.services.staging import (
    RegisterChangeError,
    register_change_apply,
    register_change_dismiss,
)
from schools.services.sync import extract_date_of, gias_sync, register_import

from .conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def holding(monkeypatch):
    """Make the programme hold the establishments with the URNs added to the returned set."""
    urns: set[int] = set()
    holders = dict(interest._holders)
    holders["an active place"] = lambda: Establishment.objects.filter(urn__in=urns).values_list(
        "pk", flat=True
    )
    monkeypatch.setattr(interest, "_holders", holders)
    return urns


@pytest.fixture
def extracts(tmp_path, gias_2018, gias_2025_same_urns):
    """The October 2018 and July 2025 rows of the same 20 URNs, named as GIAS names them."""
    old = shutil.copy(gias_2018, tmp_path / "edubasealldata20181029.csv")
    new = shutil.copy(gias_2025_same_urns, tmp_path / "edubasealldata20250718.csv")
    return tmp_path, old, new


def test_the_date_is_read_from_the_file_name():
    assert str(extract_date_of("edubasealldata20250718_open.csv.gz")) == "2025-07-18"
    assert extract_date_of("gias.csv") is None
    assert extract_date_of("edubasealldata20251340.csv") is None  # no 13th month


def test_a_closure_of_a_school_the_programme_holds_waits_for_a_person(areas, extracts, holding):
    _folder, old, new = extracts
    register_import(old)
    carlton = Establishment.objects.get(urn=100012)
    assert carlton.status == Status.OPEN and carlton.is_eligible
    holding.add(100012)

    run, report = register_import(new)

    carlton.refresh_from_db()
    assert carlton.status == Status.OPEN  # held back
    renamed = Establishment.objects.get(urn=100000)
    assert renamed.name == "The Aldgate School"  # minor changes applied at once
    change = RegisterChange.objects.get(establishment=carlton)
    assert change.kind == ChangeKind.CLOSING
    assert change.status == ChangeStatus.PENDING
    assert change.fields["status"] == [Status.OPEN, Status.CLOSED]
    assert change.fields["close_date"] == [None, "2021-08-31"]
    assert change.held_because == "It has an active place."
    assert change.gias_import == run
    assert (run.status, run.staged_count, report.staged) == (ImportStatus.SUCCEEDED, 1, 1)


def test_applying_a_held_change_makes_the_register_say_what_gias_said(
    areas, extracts, holding, admin_user
):
    _folder, old, new = extracts
    register_import(old)
    holding.add(100012)
    register_import(new)
    change = RegisterChange.objects.get()

    register_change_apply(change=change, actor=admin_user)

    carlton = Establishment.objects.get(urn=100012)
    assert carlton.status == Status.CLOSED
    assert str(carlton.close_date) == "2021-08-31"
    record = carlton.history.first()
    assert (record.history_user, record.history_change_reason) == (
        admin_user,
        "GIAS change applied after review",
    )
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeStatus.APPLIED, admin_user)
    with pytest.raises(RegisterChangeError, match="already decided"):
        register_change_dismiss(change=change, actor=admin_user)


def test_a_dismissed_change_is_not_staged_again_while_gias_says_the_same(
    areas, extracts, holding, admin_user
):
    _folder, old, new = extracts
    register_import(old)
    holding.add(100012)
    register_import(new)
    register_change_dismiss(change=RegisterChange.objects.get(), actor=admin_user)

    register_import(new)

    assert RegisterChange.objects.filter(status=ChangeStatus.PENDING).count() == 0
    assert Establishment.objects.get(urn=100012).status == Status.OPEN


def test_a_second_import_replaces_a_pending_change_rather_than_adding_one(areas, extracts, holding):
    _folder, old, new = extracts
    register_import(old)
    holding.add(100012)
    register_import(new)
    register_import(new)

    assert RegisterChange.objects.filter(status=ChangeStatus.PENDING).count() == 1


def test_without_a_holder_the_closure_applies_at_once(areas, extracts):
    _folder, old, new = extracts
    register_import(old)

    register_import(new)

    assert Establishment.objects.get(urn=100012).status == Status.CLOSED
    assert not RegisterChange.objects.exists()


def test_an_older_extract_is_refused_unless_forced_and_the_refusal_is_on_record(areas, extracts):
    _folder, old, new = extracts
    register_import(new)

    with pytest.raises(GiasFileError, match="older than the extract last imported"):
        register_import(old)
    refused = GiasImport.objects.order_by("-created_at").first()
    assert refused.status == ImportStatus.FAILED
    assert "29 October 2018" in refused.message
    assert Establishment.objects.get(urn=100012).status == Status.CLOSED  # unchanged

    register_import(old, force=True)
    assert Establishment.objects.get(urn=100012).status == Status.OPEN


def test_a_failed_import_changes_nothing_and_stays_on_record(areas, tmp_path):
    broken = tmp_path / "edubasealldata20250801.csv"
    broken.write_text("URN,Name\n1,x\n")

    with pytest.raises(GiasFileError):
        register_import(broken)

    run = GiasImport.objects.get()
    assert run.status == ImportStatus.FAILED
    assert run.message  # says why
    assert not Establishment.objects.exists()


def test_the_command_refuses_an_older_extract_and_takes_force(areas, extracts):
    _folder, old, new = extracts
    call_command("import_gias", str(new), stdout=io.StringIO(), stderr=io.StringIO())

    with pytest.raises(CommandError, match="older than the extract last imported"):
        call_command("import_gias", str(old), stdout=io.StringIO(), stderr=io.StringIO())
    call_command("import_gias", str(old), "--force", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_sync_imports_the_newest_extract_in_the_folder_once(areas, extracts, settings):
    folder, _old, _new = extracts
    settings.GIAS_EXTRACT_PATH = str(folder)

    first = gias_sync()
    second = gias_sync()

    assert first.startswith("edubasealldata20250718.csv: ")
    assert second.startswith("Up to date")
    assert list(GiasImport.objects.values_list("file_name", flat=True)) == [
        "edubasealldata20250718.csv"
    ]


def test_the_sync_says_why_it_did_nothing(areas, tmp_path, settings):
    settings.GIAS_EXTRACT_PATH = ""
    assert "not set" in gias_sync()
    settings.GIAS_EXTRACT_PATH = str(tmp_path / "missing")
    assert "is not a folder" in gias_sync()
    settings.GIAS_EXTRACT_PATH = str(tmp_path)
    assert "No GIAS extract" in gias_sync()


def test_a_links_file_keeps_links_between_known_urns_and_reports_the_rest(areas, gias_2018):
    register_import(gias_2018)
    report = links_import(DATA / "links_20250422_conversions.csv")

    assert report.rows == 34
    assert report.unknown_urns  # reported, not kept
    assert EstablishmentLink.objects.count() == report.kept
    assert all(
        Establishment.objects.filter(urn=link.urn).exists()
        and Establishment.objects.filter(urn=link.linked_urn).exists()
        for link in EstablishmentLink.objects.all()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("URN,Name\n1,x\n", "not a GIAS links file"),
        ('"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n', "no links"),
        (
            '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n'
            + "x,y,z,Successor,\n" * 5,
            "cannot be read",
        ),
    ],
)
def test_a_bad_links_file_is_refused_and_changes_nothing(areas, tmp_path, content, message):
    EstablishmentLink.objects.create(urn=1, linked_urn=2, link_type="Successor")
    bad = tmp_path / "links.csv"
    bad.write_text(content)

    with pytest.raises(GiasFileError, match=message):
        links_import(bad)
    assert EstablishmentLink.objects.count() == 1


@pytest.fixture
def gias_site(tmp_path):
    """A real HTTP server standing in for GIAS's download address."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_sync_downloads_the_days_files_when_addresses_are_set(
    areas, gias_2025_same_urns, gias_site, tmp_path, settings
):
    site, base = gias_site
    today = timezone.localdate()
    shutil.copy(gias_2025_same_urns, site / f"edubasealldata{today:%Y%m%d}.csv")
    shutil.copy(
        DATA / "links_20250422_conversions.csv", site / f"links_edubasealldata{today:%Y%m%d}.csv"
    )
    folder = tmp_path / "drop"
    folder.mkdir()
    settings.GIAS_EXTRACT_PATH = str(folder)
    settings.GIAS_EXTRACT_URL = base + "/edubasealldata{date:%Y%m%d}.csv"
    settings.GIAS_LINKS_URL = base + "/links_edubasealldata{date:%Y%m%d}.csv"

    said = gias_sync()

    assert said.startswith(f"edubasealldata{today:%Y%m%d}.csv: 20 new")
    assert "links: " in said
    assert Establishment.objects.count() == 20
    assert not list(folder.glob(".*.part"))


def test_a_file_not_published_yet_is_waited_for_and_a_failed_download_is_on_record(
    areas, gias_site, tmp_path, settings
):
    _site, base = gias_site
    settings.GIAS_EXTRACT_PATH = str(tmp_path)
    settings.GIAS_EXTRACT_URL = base + "/edubasealldata{date:%Y%m%d}.csv"
    settings.GIAS_LINKS_URL = ""

    assert "No GIAS extract" in gias_sync()  # 404: not published yet, nothing recorded
    assert not GiasImport.objects.exists()

    settings.GIAS_EXTRACT_URL = "http://127.0.0.1:9/edubasealldata{date:%Y%m%d}.csv"  # nobody
    said = gias_sync()

    assert said.startswith("Nothing imported: the day's file could not be downloaded")
    failed = GiasImport.objects.get()
    assert failed.status == ImportStatus.FAILED
