"""Contact emails by CSV import: all or nothing, scoped, audited, row-by-row report."""

import csv
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from accounts.scoping import scope_for
from schools.models import Establishment, Region, Status
from schools.services.contacts import (
    IMPORT_CHANGE_REASON,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ContactImportError,
    RowOutcome,
    contacts_import_csv,
)
from tests.accounts.factories import user_with_role
from tests.test_browser import assert_no_serious_accessibility_violations, page  # noqa: F401

from .factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db
IMPORT = reverse("schools:contact-import")


@pytest.fixture
def camden():
    return LocalAuthorityFactory(code="T01", name="Camden", region=Region.LONDON)


@pytest.fixture
def leeds():
    return LocalAuthorityFactory(code="T02", name="Leeds", region=Region.YORKSHIRE)


@pytest.fixture
def regional(camden):
    return user_with_role(Role.REGIONAL_COORDINATOR, username="reg", local_authorities=[camden])


@pytest.fixture
def schools(camden, leeds):
    return {
        "argyle": EstablishmentFactory(urn=100008, name="Argyle Primary School", la=camden),
        "cass": EstablishmentFactory(
            urn=100000, name="Sir John Cass", la=camden, contact_email="head@cass.example.org"
        ),
        "leeds": EstablishmentFactory(urn=107000, name="Leeds Primary", la=leeds),
    }


def upload(text: str | bytes, name: str = "contacts.csv", encoding: str = "utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run(user, text, *, dry_run=False, **kwargs):
    return contacts_import_csv(file=upload(text, **kwargs), scope=scope_for(user), dry_run=dry_run)


def email_of(urn: int) -> str:
    return Establishment.objects.get(urn=urn).contact_email


def test_an_import_saves_the_changes_and_the_history_names_the_uploader(client, regional, schools):
    client.force_login(regional)
    text = (
        "URN,Name,contact_email\n"
        "100008,Argyle,lead@argyle.example.org\n"
        "100000,Cass,head@cass.example.org\n"  # the same as now
    )

    response = client.post(IMPORT, {"file": upload(text), "action": "import"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.written
    assert [(r.number, r.outcome) for r in report.rows] == [
        (2, RowOutcome.UPDATED),
        (3, RowOutcome.UNCHANGED),
    ]
    assert email_of(100008) == "lead@argyle.example.org"
    record = schools["argyle"].history.latest()
    assert record.history_user == regional
    assert record.history_change_reason == IMPORT_CHANGE_REASON
    assert schools["cass"].history.count() == 1  # created only: an unchanged row writes nothing
    html = response.content.decode()
    assert "Import complete" in html
    assert "(none) → lead@argyle.example.org" in html
    assert "1 contact email saved." in html


def test_any_error_row_means_nothing_is_written_and_the_report_names_row_and_reason(
    client, regional, schools
):
    client.force_login(regional)
    text = (
        "URN,contact_email\n"
        "100008,lead@argyle.example.org\n"  # fine on its own
        "100000,not an email\n"
        "abc,x@example.org\n"
        "\n"  # blank rows are skipped but still counted in the numbering
        ",y@example.org\n"
        "100008,other@argyle.example.org\n"
    )

    response = client.post(IMPORT, {"file": upload(text), "action": "import"})

    report = response.context["report"]
    assert not report.written
    assert [(r.number, r.reason) for r in report.error_rows] == [
        (3, "'not an email' is not an email address."),
        (4, "The URN 'abc' is not a whole number."),
        (6, "The URN is missing."),
        (7, "URN 100008 is also on row 2: give each URN once."),
    ]
    assert (report.updated, report.errors) == (1, 4)
    assert email_of(100008) == ""
    assert email_of(100000) == "head@cass.example.org"
    assert schools["argyle"].history.count() == 1
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert 'href="#report"' in html and 'id="report"' in html
    assert "is also on row 2" in html
    preview = client.post(IMPORT, {"file": upload(text), "action": "preview"})
    assert "Preview: the file has errors" in preview.content.decode()
    assert preview.context["report"].errors == 4


def test_an_urn_outside_the_users_areas_is_not_found_like_one_that_does_not_exist(
    regional, schools
):
    report = run(
        regional,
        "URN,Email\n107000,lead@leeds.example.org\n999999,x@example.org\n"
        "100008,lead@argyle.example.org\n",
    )

    assert [(r.number, r.reason) for r in report.error_rows] == [
        (2, "URN 107000 is not found in your areas."),
        (3, "URN 999999 is not found in your areas."),
    ]
    assert "Leeds" not in str(report.rows)
    assert email_of(107000) == "" and email_of(100008) == ""

    national = user_with_role(Role.NATIONAL_ADMIN, username="nat")
    assert run(national, "URN,Email\n107000,lead@leeds.example.org\n").written
    assert email_of(107000) == "lead@leeds.example.org"


def test_a_cp1252_file_from_excel_with_other_column_names(regional, schools):
    text = (
        "Name;School URN;Contact Email\r\n"
        "École Saint-Étienne – Argyle;100008;lead@argyle.example.org\r\n"
    )

    report = run(regional, text, encoding="cp1252")

    assert report.written and report.updated == 1
    assert email_of(100008) == "lead@argyle.example.org"


def test_a_utf8_file_with_a_byte_order_mark(regional, schools):
    report = run(regional, "\ufeffurn,E-mail address\n100008,lead@argyle.example.org\n")

    assert report.written and report.updated == 1
    assert email_of(100008) == "lead@argyle.example.org"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is an Excel workbook"),
        (b"\x01\x02\x03garbage\x04", "not a CSV file"),
        (b"Name,Town\nArgyle,London\n", "URN and contact_email are missing"),
        (b"URN,Name\n100008,Argyle\n", "contact_email is missing"),
        (b"URN,Email,Contact email\n", "more than one email column"),
    ],
)
def test_a_file_that_cannot_be_used_gets_one_clear_message(regional, schools, data, message):
    with pytest.raises(ContactImportError, match=message):
        run(regional, data)
    assert not Establishment.objects.exclude(urn=100000).exclude(contact_email="").exists()


def test_a_file_too_large_or_with_too_many_rows_is_refused(regional, schools):
    too_big = b"URN,contact_email\n" + b"100008,lead@argyle.example.org\n" * (
        MAX_IMPORT_BYTES // 31 + 1
    )
    assert len(too_big) > MAX_IMPORT_BYTES
    with pytest.raises(ContactImportError, match="larger than 2 MB"):
        run(regional, too_big)

    too_many = "URN,contact_email\n" + "1,a@b.example.org\n" * (MAX_IMPORT_ROWS + 1)
    assert len(too_many.encode()) < MAX_IMPORT_BYTES
    with pytest.raises(ContactImportError, match="more than 25,000 rows"):
        run(regional, too_many)


def test_the_page_shows_a_file_problem_in_the_error_summary_linked_to_the_field(
    client, regional, schools
):
    client.force_login(regional)

    for data, message in [
        (b"", "The submitted file is empty."),  # Django's own check, before the service
        (b"\x00\x01binary", "The file is not a CSV file."),
    ]:
        response = client.post(IMPORT, {"file": upload(data, name="x.csv"), "action": "import"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert f'<a class="alert-link" href="#id_file">{message}' in html
        assert "report" not in response.context

    response = client.post(IMPORT, {"action": "import"})
    assert (
        '<a class="alert-link" href="#id_file">This field is required.' in response.content.decode()
    )


def test_a_preview_writes_nothing_and_says_what_would_change(client, regional, schools):
    client.force_login(regional)
    text = "URN,contact_email\n100008,lead@argyle.example.org\n100000,new@cass.example.org\n"

    response = client.post(IMPORT, {"file": upload(text), "action": "preview"})

    report = response.context["report"]
    assert report.dry_run and not report.written
    assert [(r.urn, r.old, r.new) for r in report.updated_rows] == [
        ("100008", "", "lead@argyle.example.org"),
        ("100000", "head@cass.example.org", "new@cass.example.org"),
    ]
    assert email_of(100008) == "" and email_of(100000) == "head@cass.example.org"
    assert schools["cass"].history.count() == 1
    html = response.content.decode()
    assert "Preview: nothing has been saved yet" in html
    assert "head@cass.example.org → new@cass.example.org" in html
    # Without a button named (Enter in the field), the page previews.
    client.post(IMPORT, {"file": upload(text)})
    assert email_of(100008) == ""


def test_a_blank_email_leaves_the_establishment_as_it_is(regional, schools):
    report = run(regional, "URN,contact_email\n100000,\n")

    assert [(r.outcome, r.reason) for r in report.rows] == [
        (RowOutcome.UNCHANGED, "No email given: left as it is.")
    ]
    assert email_of(100000) == "head@cass.example.org"


def csv_of(establishments) -> str:
    lines = ["URN,contact_email"]
    lines += [f"{e.urn},lead{e.urn}@school.example.org" for e in establishments]
    return "\n".join(lines) + "\n"


def test_reads_cost_the_same_at_20_and_200_rows_and_writes_two_queries_per_change(
    regional, camden, django_assert_max_num_queries
):
    schools = EstablishmentFactory.create_batch(200, la=camden)
    scope = scope_for(regional)

    def queries(rows, *, dry_run):
        with django_assert_max_num_queries(1000) as captured:
            report = contacts_import_csv(file=upload(csv_of(rows)), scope=scope, dry_run=dry_run)
        assert report.errors == 0
        return len(captured.captured_queries)

    reads = queries(schools[:20], dry_run=True)
    assert queries(schools, dry_run=True) == reads

    # Each changed row is one UPDATE and one history INSERT (save(), so it is audited);
    # the first 20 are changed by the first import, the other 180 by the second.
    assert queries(schools[:20], dry_run=False) == reads + 2 * 20
    assert queries(schools, dry_run=False) == reads + 2 * 180
    # The same file again changes nothing: the cost of the reads alone.
    assert queries(schools, dry_run=False) == reads


def test_lookups_are_batched(regional, camden, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("schools.services.contacts.LOOKUP_BATCH_SIZE", 50)
    schools = EstablishmentFactory.create_batch(120, la=camden)
    scope = scope_for(regional)

    with django_assert_num_queries(3 + 2) as captured:  # 3 lookups, a savepoint and release
        report = contacts_import_csv(file=upload(csv_of(schools)), scope=scope, dry_run=True)

    assert report.updated == 120
    assert sum("SELECT" in q["sql"] for q in captured.captured_queries) == 3


def test_the_template_lists_eligible_establishments_in_scope_without_an_email(
    client, regional, schools, camden
):
    EstablishmentFactory(urn=100099, name="=Closed School", la=camden, status=Status.CLOSED)
    EstablishmentFactory(urn=100100, name="=Formula Academy", la=camden)
    client.force_login(regional)

    response = client.get(reverse("schools:contact-import-template"))

    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="contact-emails.csv"'
    assert body.startswith("\ufeffURN,Name,contact_email\r\n")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert sorted(rows[1:]) == [
        ["100008", "Argyle Primary School", ""],
        ["100100", "'=Formula Academy", ""],  # never a formula in a spreadsheet
    ]

    filled = body.replace(",Argyle Primary School,", ",Argyle Primary School,a@argyle.example.org")
    report = contacts_import_csv(file=upload(filled), scope=scope_for(regional), dry_run=False)
    assert (report.updated, report.unchanged, report.errors) == (1, 1, 0)
    assert email_of(100008) == "a@argyle.example.org"


def test_the_list_links_to_the_import_only_for_users_who_may_edit_contacts(
    client, regional, schools
):
    client.force_login(regional)
    link = f'href="{IMPORT}"'
    assert link in client.get(reverse("schools:establishment-list")).content.decode()

    group = Group.objects.get(name=str(Role.REGIONAL_COORDINATOR.label))
    group.permissions.remove(Permission.objects.get(codename="edit_contacts"))

    assert link not in client.get(reverse("schools:establishment-list")).content.decode()
    assert client.get(IMPORT).status_code == 403


@pytest.mark.browser
def test_a_coordinator_previews_and_imports_a_file_in_the_browser(
    live_server,
    page,  # noqa: F811 (the fixture imported from tests.test_browser)
    client,
    regional,
    schools,
    tmp_path,
):
    client.force_login(regional)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": session_cookie.key, "value": session_cookie.value, "url": live_server.url}]
    )
    good = tmp_path / "contacts.csv"
    good.write_text("URN,contact_email\n100008,lead@argyle.example.org\n")
    bad = tmp_path / "with-errors.csv"
    bad.write_text(
        "URN,contact_email\n100008,lead@argyle.example.org\n107000,x@leeds.example.org\n"
    )

    page.goto(f"{live_server.url}{reverse('schools:establishment-list')}")
    page.get_by_role("link", name="Import contact emails from a CSV file").click()
    expect(page.get_by_role("heading", level=1, name="Import contact emails")).to_be_visible()
    assert_no_serious_accessibility_violations(page)

    page.get_by_role("button", name="Import").click()  # no file chosen
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="This field is required.").click()
    expect(page.get_by_label("CSV file")).to_be_focused()
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("URN 107000 is not found in your areas.")
    assert_no_serious_accessibility_violations(page)
    assert email_of(100008) == ""

    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: nothing has been saved yet")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("(none) → lead@argyle.example.org")
    assert_no_serious_accessibility_violations(page)

    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    expect(page.get_by_text("1 contact email saved.")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    assert email_of(100008) == "lead@argyle.example.org"
