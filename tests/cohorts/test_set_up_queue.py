"""A large set-up file is checked or saved by a worker, while its page follows it."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus, SetUpImport, SetUpImportStatus
from cohorts.tasks import run_set_up_import
from tests.accounts.factories import user_with_role
from tests.cohorts import test_set_up_pages as pages
from tests.outbox import test_outbox_worker as real_worker
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

# The set-up pages' fixtures and helpers, and the outbox's real worker.
admin, camden, phase, worker = pages.admin, pages.camden, pages.phase, real_worker.worker
IMPORT, cohorts, csv_file, line = pages.IMPORT, pages.cohorts, pages.csv_file, pages.line
wait_until = real_worker.wait_until


@pytest.fixture
def small_inline(monkeypatch):
    """Files of more than 2 rows go to the worker (100 in use)."""
    monkeypatch.setattr("cohorts.views.setup_import.INLINE_ROWS", 2)


def test_a_large_file_is_queued_then_run_once_all_or_nothing(
    client, clock, admin, phase, camden, small_inline, django_capture_on_commit_callbacks
):
    four = cohorts(phase, camden, 4)
    lines = [line(c) for c in four]

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(IMPORT, {"file": csv_file(lines), "import": ""})
    job = SetUpImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cohorts:set-up-import-status", args=[job.pk])
    assert (job.status, job.rows, job.dry_run, job.created_by) == ("queued", 4, False, admin)
    assert len(queued) == 1  # the hand-off to the worker waits for the commit
    assert not Workshop.objects.exists()

    waiting = client.get(response.url)
    assert "Waiting for a worker" in waiting.content.decode()
    assert client.get(reverse("cohorts:set-up-import-progress", args=[job.pk])).json() == {
        "status": "queued",
        "label": "Waiting for a worker",
        "finished": False,
    }

    run_set_up_import(job.pk)
    run_set_up_import(job.pk)  # delivered twice: the second does nothing
    job.refresh_from_db()
    assert (job.status, job.saved, job.opened, job.errors) == ("done", 4, 4, [])
    assert Cohort.objects.filter(status=CohortStatus.OPEN).count() == 4
    assert Workshop.objects.count() == 8
    page = client.get(response.url).content.decode()
    assert "Import complete" in page and "<strong>4</strong> cohorts set up" in page


def test_a_large_file_with_a_wrong_row_saves_nothing_and_lists_it(
    client, clock, admin, phase, camden, small_inline
):
    four = cohorts(phase, camden, 4)
    lines = [line(four[0]), line(four[1], day_1="2026-13-01"), line(four[2]), line(four[3])]
    client.post(IMPORT, {"file": csv_file(lines), "import": ""})
    job = SetUpImport.objects.get()

    run_set_up_import(job.pk)
    job.refresh_from_db()
    assert job.status == SetUpImportStatus.DONE and job.saved == 0
    assert [row for row, _ in job.errors] == [3]
    assert not Workshop.objects.exists()
    page = client.get(reverse("cohorts:set-up-import-status", args=[job.pk])).content.decode()
    assert "Nothing was imported" in page and "1 row(s) with errors" in page


def test_only_the_uploader_sees_a_queued_file(client, clock, admin, phase, camden, small_inline):
    client.post(IMPORT, {"file": csv_file([line(c) for c in cohorts(phase, camden, 3)])})
    job = SetUpImport.objects.get()
    assert job.dry_run  # "Preview" (no "import" button pressed) saves nothing
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, username="another"))
    assert client.get(reverse("cohorts:set-up-import-status", args=[job.pk])).status_code == 404
    url = reverse("cohorts:set-up-import-progress", args=[job.pk])
    assert client.get(url).status_code == 404


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sets_up_a_queued_file(
    client, clock, admin, phase, camden, small_inline, worker
):
    four = cohorts(phase, camden, 4)
    client.post(IMPORT, {"file": csv_file([line(c) for c in four]), "import": ""})
    job = SetUpImport.objects.get()

    assert wait_until(lambda: SetUpImport.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert (job.status, job.saved, job.opened) == ("done", 4, 4)
    assert Cohort.objects.filter(status=CohortStatus.OPEN).count() == 4
