"""A worker-built export's page in Chromium: the progress bar while it waits, then (the page
reloading itself) the download; axe-core finds no serious or critical violation."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from linkprog.exports.services import export_job_queue, export_job_run
from tests.linkprog import test_exports as base
from tests.schools.factories import LocalAuthorityFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

admin, exports, survey = base.admin, base.exports, base.survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_export_page_follows_the_worker_then_offers_the_file(
    live_server,
    page,  # noqa: F811
    client,
    admin,
):
    survey(LocalAuthorityFactory(name="Camden"))
    job = export_job_queue(kind="responses-csv", params={}, actor=admin)
    client.force_login(admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto(f"{live_server.url}/exports/{job.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    expect(page.get_by_label("Rows written")).to_have_attribute("value", "0")
    assert_no_serious_accessibility_violations(page)

    export_job_run(job_id=job.pk)  # what a worker does; the page's script sees it finish
    expect(page.get_by_role("heading", name="Ready to download")).to_be_visible()
    assert_no_serious_accessibility_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    assert download.value.suggested_filename == "evaluation-responses.zip"
