"""The outbox pages in Chromium: axe-core finds nothing serious, retry works by keyboard."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.schools.factories import EstablishmentFactory
from tests.test_browser import (  # noqa: F401  (the page fixture)
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser


def test_outbox_list_and_preview_pass_axe_and_retry_by_keyboard(live_server, page):  # noqa: F811
    from accounts.services import user_assign_role

    user = UserFactory(username="nat", password="browser-pass-1")
    user_assign_role(user=user, role=Role.NATIONAL_ADMIN)
    school = EstablishmentFactory(name="Argyle Primary School", contact_email="a@argyle.example")
    OutgoingEmail.objects.create(
        kind=EmailKind.INVITATION,
        recipient=school.contact_email,
        establishment=school,
        idempotency_key="k1",
        subject="Argyle Primary School: join the Link Programme workshops",
        body_text="Hello",
        body_html="<p>Hello</p>",
        status=EmailStatus.FAILED,
        last_error="ConnectionRefusedError",
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nat")
    page.get_by_label("Password").fill("browser-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1, name="Outbox")).to_be_visible()
    assert_no_serious_accessibility_violations(page)

    page.get_by_role("link", name="a@argyle.example").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Argyle Primary School")
    assert_no_serious_accessibility_violations(page)
    page.get_by_role("button", name="Send again").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("queued to be sent again")).to_be_visible()
