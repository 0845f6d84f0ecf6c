"""The evaluation report's XLSX goes to a worker when every cohort's response rates would
take more rows than ``LINK_EXPORT_INLINE_XLSX_ROWS`` (issue 17: the national report XLSX
took 2 to 3.5 s of openpyxl in the request at ten times the programme), with the report's
filters and the person's areas; the worker's file holds what the page's own download holds."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from evaluation.models import TimePoint
from linkprog.exports.kinds import ExportError
from linkprog.exports.services import export_job_queue, export_job_run
from linkprog.models import ExportJob
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.test_reports import answer, make_questionnaire
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

XLSX = reverse("evaluation:export-aggregates-xlsx")
NEW = reverse("exports:new", args=["report-xlsx"])


@pytest.fixture(autouse=True)
def exports(settings, tmp_path):
    """Files go to a fresh folder; an XLSX of more than 9 rows goes to a worker (three
    cohorts' rates at three time points)."""
    settings.LINK_EXPORT_DIR = str(tmp_path / "exports")
    settings.LINK_EXPORT_INLINE_XLSX_ROWS = 9


@pytest.fixture
def areas():
    camden = LocalAuthorityFactory(name="Camden", code="T01", region="E12000007")
    leeds = LocalAuthorityFactory(name="Leeds", code="T02", region="E12000003")
    questionnaire, questions = make_questionnaire()
    cohorts = [CohortFactory(local_authority=la) for la in (camden, camden, camden, leeds)]
    for cohort in cohorts:
        for _ in range(5):
            place = PlaceFactory(cohort=cohort)
            answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2)
    return {"camden": camden, "leeds": leeds, "cohorts": cohorts}


def workbook(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_a_report_of_few_cohorts_is_still_built_in_the_request(client, areas):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    response = client.get(XLSX, {"local_authority": areas["camden"].pk})
    assert response.status_code == 200
    assert "Response rates" in workbook(response.getvalue())
    assert not ExportJob.objects.exists()


def test_a_large_report_is_built_by_a_worker_with_the_filters_and_holds_what_the_page_gives(
    client, areas, settings, django_capture_on_commit_callbacks
):
    admin = user_with_role(Role.NATIONAL_ADMIN, username="nat")
    client.force_login(admin)
    settings.LINK_EXPORT_INLINE_XLSX_ROWS = 100
    inline = workbook(client.get(XLSX).getvalue())  # 4 cohorts: 12 rows, built here
    settings.LINK_EXPORT_INLINE_XLSX_ROWS = 9

    asked = client.get(XLSX)
    assert asked.status_code == 302 and asked.url == f"{NEW}?"
    page = client.get(asked.url).content.decode()
    assert "<strong>12</strong> rows" in page and "Back to the report" in page
    with django_capture_on_commit_callbacks() as queued:
        client.post(asked.url)
    job = ExportJob.objects.get()
    assert len(queued) == 1
    assert (job.kind, job.status, job.rows) == ("report-xlsx", "queued", 12)

    with django_capture_on_commit_callbacks(execute=True):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 12)
    [email] = OutgoingEmail.objects.filter(kind=EmailKind.EXPORT_READY)
    assert "Evaluation report, Excel workbook" in email.body_text
    assert "survey answers" not in email.body_text
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert 'filename="evaluation-report.xlsx"' in download["Content-Disposition"]
    built = workbook(b"".join(download.streaming_content))
    assert built == inline
    assert sum(1 for row in built["Response rates"] if row[0] == "Cohort") == 4 * 3


def test_a_coordinators_file_holds_only_their_areas_and_bad_filters_are_refused(client, areas):
    london = user_with_role(Role.REGIONAL_COORDINATOR, username="lon", regions=["E12000007"])
    client.force_login(london)
    assert client.get(XLSX).status_code == 200  # 3 cohorts in London: 9 rows, built here

    job = export_job_queue(kind="report-xlsx", params={}, actor=london)
    assert job.rows == 9
    export_job_run(job_id=job.pk)
    built = workbook(client.get(reverse("exports:download", args=[job.pk])).getvalue())
    groups = {row[1] for row in built["Response rates"][1:]}
    assert "Leeds" not in groups and "Camden" in groups

    leeds_only = {"local_authority": [str(areas["leeds"].pk)]}
    with pytest.raises(ExportError, match="not valid"):
        export_job_queue(kind="report-xlsx", params=leeds_only, actor=london)
