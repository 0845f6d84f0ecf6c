"""The establishment register's XLSX export goes to a worker when it has more rows than
``LINK_EXPORT_INLINE_XLSX_ROWS`` (issue 17, item 2: the whole register took seconds of
openpyxl in the request), with the list's filters and the person's areas; a small one, and
every CSV, is still built in the request."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from linkprog.exports.services import export_job_queue, export_job_run
from linkprog.models import ExportJob
from linkprog.tasks import build_export
from outbox.models import EmailKind, OutgoingEmail
from schools.models import TypeGroup
from tests.accounts.factories import user_with_role
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db

XLSX = reverse("schools:establishment-export-xlsx")
CSV = reverse("schools:establishment-export-csv")
NEW = reverse("exports:new", args=["establishments-xlsx"])


@pytest.fixture(autouse=True)
def exports(settings, tmp_path):
    """Files go to a fresh folder; an XLSX of more than 5 rows goes to a worker."""
    settings.LINK_EXPORT_DIR = str(tmp_path / "exports")
    settings.LINK_EXPORT_INLINE_XLSX_ROWS = 5


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden", code="T01", region="E12000007")


@pytest.fixture
def leeds():
    return LocalAuthorityFactory(name="Leeds", code="T02", region="E12000003")


@pytest.fixture
def admin():
    return user_with_role(Role.NATIONAL_ADMIN, username="nat")


def sheet_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_small_xlsx_is_still_built_in_the_request(client, admin, camden):
    EstablishmentFactory.create_batch(5, la=camden)
    client.force_login(admin)
    response = client.get(XLSX)
    assert response.status_code == 200
    assert len(sheet_rows(response.getvalue())) == 1 + 5
    assert not ExportJob.objects.exists()


def test_a_large_xlsx_is_built_by_a_worker_with_the_lists_filters_and_emailed_as_a_link(
    client, admin, camden, leeds, django_capture_on_commit_callbacks
):
    academies = [
        EstablishmentFactory(
            urn=600000 + n, la=camden, type_code=34, type_group=TypeGroup.ACADEMIES
        )
        for n in range(6)
    ]
    EstablishmentFactory.create_batch(3, la=leeds)
    client.force_login(admin)
    query = f"type_group={TypeGroup.ACADEMIES}"

    inline = client.get(XLSX)  # 9 rows, no filter
    assert inline.status_code == 302 and inline.url == f"{NEW}?"
    page = client.get(f"{XLSX}?{query}")
    assert page.url == f"{NEW}?{query}"
    asking = client.get(page.url).content.decode()
    assert "<strong>6</strong> rows" in asking and "Back to the establishment list" in asking
    with django_capture_on_commit_callbacks() as queued:
        client.post(page.url)
    job = ExportJob.objects.get()
    assert len(queued) == 1
    assert (job.kind, job.status, job.rows) == ("establishments-xlsx", "queued", 6)
    assert job.params == {"type_group": [str(TypeGroup.ACADEMIES.value)]}

    with django_capture_on_commit_callbacks(execute=True):
        build_export(job.pk)
        build_export(job.pk)  # delivered twice: built once
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 6, 1)
    [email] = OutgoingEmail.objects.filter(kind=EmailKind.EXPORT_READY)
    assert "Establishments, Excel workbook, 6 rows" in email.body_text
    assert "contact details" in email.body_text and "survey answers" not in email.body_text

    ready = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Ready to download" in ready and "contact details" in ready
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert 'filename="establishments.xlsx"' in download["Content-Disposition"]
    rows = sheet_rows(b"".join(download.streaming_content))
    assert rows[0][:3] == ("URN", "Name", "Type")
    assert sorted(row[0] for row in rows[1:]) == [school.urn for school in academies]


def test_the_worker_built_file_holds_what_the_inline_export_holds(client, admin, camden, settings):
    EstablishmentFactory.create_batch(4, la=camden)
    EstablishmentFactory(la=None, gias_la_name="Wales", gias_la_code="000")
    client.force_login(admin)
    inline = sheet_rows(client.get(XLSX).getvalue())

    job = export_job_queue(kind="establishments-xlsx", params={}, actor=admin)
    export_job_run(job_id=job.pk)
    built = sheet_rows(client.get(reverse("exports:download", args=[job.pk])).getvalue())
    assert sorted(built, key=str) == sorted(inline, key=str) and len(built) == 1 + 5


def test_a_regional_coordinators_file_holds_only_their_areas(client, camden, leeds):
    EstablishmentFactory.create_batch(6, la=camden)
    EstablishmentFactory.create_batch(4, la=leeds)
    london = user_with_role(Role.REGIONAL_COORDINATOR, username="lon", regions=["E12000007"])
    client.force_login(london)
    assert client.get(XLSX).url == f"{NEW}?"
    client.post(NEW)
    job = ExportJob.objects.get()
    assert job.rows == 6
    export_job_run(job_id=job.pk)
    rows = sheet_rows(client.get(reverse("exports:download", args=[job.pk])).getvalue())
    assert {row[8] for row in rows[1:]} == {"Camden"}


def test_the_csv_streams_in_the_request_whatever_its_size(client, admin, camden):
    EstablishmentFactory.create_batch(8, la=camden)
    client.force_login(admin)
    response = client.get(CSV)
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


def test_bad_filters_get_a_clear_message_and_no_job(client, admin, camden, leeds):
    EstablishmentFactory.create_batch(6, la=camden)
    client.force_login(admin)
    page = client.get(NEW, {"type_group": "no-such-group"})
    assert page.status_code == 400
    assert "The filters are not valid: type_group:" in page.content.decode()
    assert client.post(f"{NEW}?type_group=no-such-group").status_code == 400
    assert not ExportJob.objects.exists()
    # The export link with the same filters gives the list's answer: no rows, in the request.
    assert sheet_rows(client.get(XLSX, {"type_group": "no-such-group"}).getvalue())[1:] == []


def test_only_people_who_may_export_the_register_can_ask(client, camden):
    EstablishmentFactory.create_batch(6, la=camden)
    facilitator = user_with_role(Role.FACILITATOR, username="fac")
    client.force_login(facilitator)
    assert client.get(NEW).status_code in (403, 404)
    assert client.post(NEW).status_code in (403, 404)
    assert not ExportJob.objects.exists()


def test_a_worker_builds_in_a_fixed_number_of_queries_whatever_the_rows(
    admin, camden, django_assert_max_num_queries
):
    EstablishmentFactory.create_batch(6, la=camden)
    job = export_job_queue(kind="establishments-xlsx", params={}, actor=admin)
    with django_assert_max_num_queries(20) as small:
        export_job_run(job_id=job.pk)
    EstablishmentFactory.create_batch(60, la=LocalAuthorityFactory())
    job = export_job_queue(kind="establishments-xlsx", params={}, actor=admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        export_job_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).rows == 66
    assert not mail.outbox  # the link goes through the outbox, not straight out
