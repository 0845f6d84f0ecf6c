"""Exports too large for a page request are built by a worker (issue 17, item 2): asked for
from the report's link, followed on their own page, downloaded by their owner only, emailed
as a link, recovered when a worker is lost, deleted when their time is up."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from cohorts.models import Cohort
from evaluation.selectors import ReportGroup, anonymised_responses
from linkprog import conf
from linkprog.exports.services import (
    export_job_queue,
    export_job_run,
    export_jobs_delete_expired,
    export_jobs_recover,
)
from linkprog.models import ExportJob, ExportStatus
from linkprog.tasks import build_export
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.evaluation.test_reports import make_questionnaire
from tests.evaluation.test_responses_export import _pairs
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

CSV = reverse("evaluation:export-responses-csv")
XLSX = reverse("evaluation:export-responses-xlsx")


@pytest.fixture(autouse=True)
def exports(settings, tmp_path):
    """Files go to a fresh folder; exports of more than 10 rows go to a worker."""
    settings.LINK_EXPORT_DIR = str(tmp_path / "exports")
    settings.LINK_EXPORT_INLINE_ROWS = settings.LINK_EXPORT_INLINE_XLSX_ROWS = 10
    return tmp_path / "exports"


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden", code="T01")


@pytest.fixture
def admin():
    return user_with_role(Role.NATIONAL_ADMIN, username="nat")


@pytest.fixture
def national(client, admin):
    client.force_login(admin)
    return client


def survey(camden, people=6):
    questionnaire, questions = make_questionnaire()
    _pairs(CohortFactory(local_authority=camden), people, questionnaire, questions)


def zip_rows(data: bytes, name="responses.csv") -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["data_dictionary.csv", "responses.csv"]
        return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def ask(client, url=CSV, query="") -> ExportJob:
    """Follow the report's link to the export's page and ask for it."""
    response = client.get(f"{url}?{query}")
    assert response.status_code == 302
    new = response.url
    assert client.get(new).status_code == 200
    asked = client.post(new)
    job = ExportJob.objects.latest("pk")
    assert asked.url == reverse("exports:job", args=[job.pk])
    return job


def test_a_small_export_is_built_at_once_and_streams(national, camden):
    survey(camden, people=5)  # 10 rows: not more than the limit
    response = national.get(CSV)
    assert response.status_code == 200 and response.streaming
    assert len(zip_rows(response.getvalue())) == 1 + 10
    assert not ExportJob.objects.exists()


def test_xlsx_goes_to_a_worker_sooner_than_csv(national, camden, settings):
    settings.LINK_EXPORT_INLINE_ROWS = 20
    survey(camden)  # 12 rows
    assert national.get(CSV).status_code == 200
    assert national.get(XLSX).url == reverse("exports:new", args=["responses-xlsx"]) + "?"


def test_a_large_export_is_asked_for_built_once_by_a_worker_and_emailed_as_a_link(
    national, admin, camden, django_capture_on_commit_callbacks
):
    survey(camden)  # 12 rows
    page = national.get(CSV)
    assert page.url == reverse("exports:new", args=["responses-csv"]) + "?"
    asking = national.get(page.url).content.decode()
    assert "<strong>12</strong> rows" in asking and "Build the export" in asking

    with django_capture_on_commit_callbacks() as queued:
        national.post(page.url)
    job = ExportJob.objects.get()
    assert len(queued) == 1  # the hand-off to a worker waits for the commit
    assert (job.status, job.rows, job.created_by, job.params) == ("queued", 12, admin, {})
    waiting = national.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Waiting for a worker" in waiting and 'id="export-bar"' in waiting
    progress = national.get(reverse("exports:progress", args=[job.pk])).json()
    assert progress == {
        "status": "queued",
        "label": "Waiting for a worker",
        "finished": False,
        "rows": 12,
        "progress": 0,
        "percent": 0,
    }

    with django_capture_on_commit_callbacks(execute=True):
        build_export(job.pk)
        build_export(job.pk)  # delivered twice: the second does nothing
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 12, 1)
    assert job.expires_at == job.finished_at + conf.keep_for()
    [email] = OutgoingEmail.objects.filter(kind=EmailKind.EXPORT_READY)
    link = f"/exports/{job.pk}/"
    assert email.recipient == "nat@link.example.org" and link in email.body_text
    assert "job" not in email.body_text.split(link)[1][:1]  # the link is to the page, not a file

    ready = national.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "Ready to download" in ready
    download = national.get(reverse("exports:download", args=[job.pk]))
    assert download["Cache-Control"] == "no-store, private"
    assert 'filename="evaluation-responses.zip"' in download["Content-Disposition"]
    rows = zip_rows(download.getvalue())
    assert len(rows) == 1 + 12 and len({row[0] for row in rows[1:]}) == 6
    assert rows[0][:3] == ["respondent_key", "cohort_key", "time_point"]
    assert list(export_jobs_dir_files(job)) == [job.file_name]


def test_the_list_shows_only_ones_own_exports_newest_first(national, admin, camden):
    survey(camden)
    mine = export_job_queue(kind="responses-csv", params={}, actor=admin)
    other = user_with_role(Role.NATIONAL_ADMIN, username="other")
    theirs = export_job_queue(kind="responses-xlsx", params={}, actor=other)
    page = national.get(reverse("exports:list"))
    assert list(page.context["jobs"]) == [mine]
    text = page.content.decode()
    assert reverse("exports:job", args=[mine.pk]) in text
    assert reverse("exports:job", args=[theirs.pk]) not in text
    report = national.get(reverse("evaluation:report")).content.decode()
    assert reverse("exports:list") in report


def export_jobs_dir_files(job):
    return sorted(path.name for path in conf.export_dir().iterdir())


def test_the_worker_built_xlsx_holds_the_same_columns_and_the_dictionary(national, camden):
    survey(camden)
    job = ask(national, XLSX)
    build_export(job.pk)
    download = national.get(reverse("exports:download", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(download.getvalue()))
    rows = [list(row) for row in workbook["Responses"].iter_rows(values_only=True)]
    dictionary = [list(r) for r in workbook["Data dictionary"].iter_rows(values_only=True)]
    assert len(rows) == 13
    assert [row[0] for row in dictionary[1:]] == rows[0]


def test_each_build_keys_people_afresh_and_keeps_no_key(national, camden):
    survey(camden)
    first, second = ask(national), None
    build_export(first.pk)
    first.refresh_from_db()
    first_rows = zip_rows(national.get(reverse("exports:download", args=[first.pk])).getvalue())
    national.post(reverse("exports:restart", args=[first.pk]))  # refused: it is ready
    assert ExportJob.objects.get(pk=first.pk).status == "done"
    second = ask(national, CSV, "audience=")
    build_export(second.pk)
    second_rows = zip_rows(national.get(reverse("exports:download", args=[second.pk])).getvalue())
    keys = lambda rows: {row[0] for row in rows[1:]} | {row[1] for row in rows[1:]}  # noqa: E731
    assert not keys(first_rows) & keys(second_rows)
    stored = " ".join(str(value) for value in ExportJob.objects.values_list())
    assert not any(key in stored for key in keys(first_rows))


def test_each_persons_rows_stay_together_in_an_order_new_in_each_export(admin):
    """The database shuffles people with a salt of its own (it never sees the key of the
    respondent keys): a person's rows stay together, the order changes every time."""
    for _ in range(4):
        survey(LocalAuthorityFactory(), people=6)
    group = ReportGroup(cohorts=Cohort.objects.all())

    def people_in_order():
        rows = list(anonymised_responses(group, include_free_text=False).body)
        assert len(rows) == 48
        runs = [key for n, (key, *_) in enumerate(rows) if n == 0 or rows[n - 1][0] != key]
        assert len(runs) == len(set(runs)) == 24  # each person's two rows side by side
        return [row[6] for row in rows]  # the LA: the same in every export, unlike the keys

    orders = [people_in_order() for _ in range(3)]
    assert len({tuple(order) for order in orders}) > 1


def test_bad_filters_get_a_clear_message_and_no_job(national, camden):
    survey(camden)
    url = reverse("exports:new", args=["responses-csv"]) + "?region=nowhere"
    page = national.get(url)
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text and "The filters are not valid: Region:" in text
    assert national.post(url).status_code == 400
    assert not ExportJob.objects.exists()
    assert national.get(reverse("exports:new", args=["payroll"])).status_code == 404


def test_only_the_person_who_asked_sees_and_downloads_it(client, national, camden):
    survey(camden)
    job = ask(national)
    build_export(job.pk)
    other = user_with_role(Role.NATIONAL_ADMIN, username="other")
    client.force_login(other)
    for name in ("exports:job", "exports:progress", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 302  # login


def test_a_file_built_for_other_areas_is_not_handed_out(national, admin, camden):
    survey(camden)
    job = ask(national)
    build_export(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(scope_key="areas of another time")
    download = national.get(reverse("exports:download", args=[job.pk]), follow=True)
    assert download.redirect_chain[-1][0] == reverse("exports:job", args=[job.pk])
    assert "Your areas have changed" in download.content.decode()


def test_a_worker_lost_mid_way_leaves_a_job_that_is_handed_on_then_failed_for_a_restart(
    national, camden, clock, monkeypatch, django_capture_on_commit_callbacks
):
    survey(camden)
    job = ask(national)

    def killed(request, file, progress):
        file.write(b"half a file")
        raise KeyboardInterrupt  # as a killed worker stops: nothing after this line runs

    monkeypatch.setattr("linkprog.exports.services.KINDS", _with_write(killed))
    with pytest.raises(KeyboardInterrupt):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    assert export_jobs_recover() == 0  # within its lease: its worker may still be at it
    assert export_job_run(job_id=job.pk) is None  # nor may another worker take it

    clock.shift(conf.lease() + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as handed_on:
        assert export_jobs_recover() == 1
    assert len(handed_on) == 1
    assert ExportJob.objects.get(pk=job.pk).status == "queued"
    monkeypatch.undo()
    export_job_run(job_id=job.pk)  # the next worker builds it from the start
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("done", 2, 12)
    assert [p.name for p in conf.export_dir().iterdir()] == [job.file_name]  # no part left


def _with_write(write):
    from dataclasses import replace

    from linkprog.exports.kinds import KINDS

    return {key: replace(kind, write=write) for key, kind in KINDS.items()}


def test_a_job_lost_every_time_fails_with_a_message_and_can_be_started_again(
    national, camden, clock, monkeypatch
):
    survey(camden)
    job = ask(national)

    def killed(request, file, progress):
        raise KeyboardInterrupt

    monkeypatch.setattr("linkprog.exports.services.KINDS", _with_write(killed))
    for _ in range(conf.MAX_ATTEMPTS):
        with pytest.raises(KeyboardInterrupt):
            export_job_run(job_id=job.pk)
        clock.shift(conf.lease() + dt.timedelta(seconds=1))
        export_jobs_recover()
    job.refresh_from_db()
    assert job.status == "failed" and "stopped 3 times" in job.error
    page = national.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "There is a problem" in page and "Start it again" in page
    assert OutgoingEmail.objects.filter(kind=EmailKind.EXPORT_READY).count() == 1

    monkeypatch.undo()
    national.post(reverse("exports:restart", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("queued", 0, "")
    export_job_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_an_unexpected_error_fails_the_job_with_a_message_and_no_file(
    national, camden, monkeypatch
):
    survey(camden)
    job = ask(national)

    def broken(request, file, progress):
        file.write(b"half")
        raise ValueError("a bug")

    monkeypatch.setattr("linkprog.exports.services.KINDS", _with_write(broken))
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "unexpected error" in job.error
    assert list(conf.export_dir().iterdir()) == []


def test_a_file_is_deleted_when_its_time_is_up(national, camden, clock):
    survey(camden)
    job = ask(national)
    build_export(job.pk)
    job.refresh_from_db()
    path = conf.export_dir() / job.file_name
    assert path.exists()
    assert export_jobs_delete_expired() == 0
    clock.shift(conf.keep_for() + dt.timedelta(minutes=1))
    assert export_jobs_delete_expired() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert (job.status, job.file_name) == ("expired", "")
    assert national.get(reverse("exports:download", args=[job.pk])).status_code == 302
    assert (
        "has been deleted" in national.get(reverse("exports:job", args=[job.pk])).content.decode()
    )


def test_a_worker_builds_in_a_fixed_number_of_queries_whatever_the_rows(
    admin, camden, django_assert_max_num_queries, settings
):
    settings.LINK_EXPORT_INLINE_ROWS = 0
    survey(camden, people=5)
    job = export_job_queue(kind="responses-csv", params={}, actor=admin)
    with django_assert_max_num_queries(30) as small:
        export_job_run(job_id=job.pk)
    for _ in range(6):
        survey(LocalAuthorityFactory(), people=10)
    job = export_job_queue(kind="responses-csv", params={}, actor=admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        export_job_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).rows == 10 + 120


def test_asking_twice_while_it_is_built_gives_the_same_job(admin, camden):
    survey(camden)
    first = export_job_queue(kind="responses-csv", params={}, actor=admin)
    again = export_job_queue(kind="responses-csv", params={}, actor=admin)
    assert first == again and ExportJob.objects.count() == 1


def test_the_streamed_export_holds_what_the_worker_built(national, admin, camden):
    """The same rows, whoever builds them: the page's stream and the worker's file have the
    same header and, apart from the respondent and cohort keys (new in each export), the
    same rows."""
    survey(camden)
    group = ReportGroup(cohorts=Cohort.objects.all())
    export = anonymised_responses(group, include_free_text=True)  # as a national admin
    streamed = [[str(value) for value in row] for row in export.rows]
    assert len(streamed) == 13 and streamed[0] == export.header

    job = export_job_queue(kind="responses-csv", params={}, actor=admin)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    built = zip_rows(national.get(reverse("exports:download", args=[job.pk])).getvalue())
    assert built[0] == streamed[0]
    assert sorted(row[2:] for row in built[1:]) == sorted(row[2:] for row in streamed[1:])
