import pytest

from cohorts.services.places import Attendee
from tests.conftest import (
    NOW,  # noqa: F401 - the tests here import it from this module
    assert_no_csp_violations,
    watch_csp_violations,
)


@pytest.fixture(autouse=True)
def outbox_broker(stub_outbox_broker) -> list[int]:
    """Cohort tests never put a send task on a real broker."""
    return stub_outbox_broker


@pytest.fixture
def attendee() -> Attendee:
    return Attendee(
        name="Sam Lead",
        role="Senior mental health lead",
        email="sam.lead@school.example",
        phone="020 7946 0000",
        access_needs="Step-free access",
    )


# --- Browser tests: the pattern of tests/test_browser.py ------------------------------------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def page(chromium_path, monkeypatch):
    """A Playwright page in Debian's Chromium; DB connections opened meanwhile are closed."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-GB", accept_downloads=True)
            context.set_default_timeout(10_000)
            browser_page = context.new_page()
            violations = watch_csp_violations(browser_page)
            yield browser_page
            assert_no_csp_violations(violations)
        finally:
            browser.close()
            connections.close_all()


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['html']}" for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe-core found on {page.url}:\n{report}"
