"""The Content-Security-Policy in Chromium: the main pages, on the demo data, with an invitation
wave under way, as a signed-in national admin and through a school's and a person's links,
the Django admin included. Chromium blocks nothing on any of them (the page fixture fails a
test on any "Refused to ..." it reports) and the charts and progress bars still draw."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Cohort, CohortStatus, Wave
from cohorts.selectors import wave_progress
from cohorts.services.links import booking_link_token
from cohorts.services.waves import wave_dispatch, wave_launch
from evaluation.links import survey_link_token
from evaluation.models import SurveyInvitation
from evaluation.seed import seed_questionnaires
from outbox.models import EmailKind, OutgoingEmail
from schools.models import Establishment
from tests.test_browser import (  # noqa: F401 - the Chromium page fixture
    assert_no_serious_accessibility_violations,
    page,
)

pytestmark = pytest.mark.browser

USERNAME, PASSWORD = "csp-admin", "a-browser-test-password"


@pytest.fixture
def demo(stub_outbox_broker):
    """`make run`'s demo data, and a wave that has queued its first invitations."""
    seed_questionnaires(apps)  # an earlier live-server test may have flushed the seeded ones
    call_command("seed_demo", force=True, stdout=io.StringIO())
    get_user_model().objects.create_superuser(USERNAME, password=PASSWORD)
    open_cohort = Cohort.objects.get(status=CohortStatus.OPEN)
    open_cohort.phase.local_authorities.add(open_cohort.local_authority)
    for n, school in enumerate(
        Establishment.objects.eligible().filter(la=open_cohort.local_authority, places=None)[:3]
    ):
        school.contact_email = f"head{n}@school.example"
        school.save(update_fields=["contact_email"])
    wave = Wave.objects.create(name="Demo wave", phase=open_cohort.phase, rate_per_minute=2)
    wave_launch(wave=wave)
    wave_dispatch(wave_id=wave.pk)
    return {"cohort": open_cohort, "wave": wave}


def sign_in(page, live_server):  # noqa: F811
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="National dashboard")).to_be_visible()


def visit(page, url: str) -> None:  # noqa: F811
    response = page.goto(url)
    assert response.ok, (url, response.status)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    page.wait_for_load_state("networkidle")


def test_the_main_pages_break_no_rule_of_the_policy(live_server, page, demo):  # noqa: F811
    base = live_server.url
    school = demo["cohort"].places.first().establishment  # booked on the open cohort
    invitation = SurveyInvitation.objects.filter(
        response=None, closes_at__gt=timezone.now()
    ).first()
    email = OutgoingEmail.objects.filter(kind=EmailKind.INVITATION).first()
    assert email is not None and "style=" in email.body_html  # an HTML email to preview

    # Without signing in: the sign-in and password-reset pages, a school's booking pages and
    # a survey.
    for url in (reverse("login"), reverse("password_reset")):
        visit(page, base + url)
    token = booking_link_token(establishment=school)
    visit(page, base + reverse("cohorts:book", kwargs={"token": token}))
    visit(
        page,
        base + reverse("survey:answer", kwargs={"token": survey_link_token(invitation=invitation)}),
    )

    sign_in(page, live_server)
    # The dashboard draws its charts and the wave's progress bar.
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    expect(page.locator("progress.link-progress")).to_have_count(1)
    assert_no_serious_accessibility_violations(page)
    cohort, wave = demo["cohort"], demo["wave"]
    for url in (
        reverse("schools:establishment-list"),
        reverse("schools:establishment-detail", args=[school.urn]),
        reverse("cohorts:list"),
        reverse("cohorts:detail", args=[cohort.pk]),
        reverse("cohorts:plan"),
        reverse("cohorts:wave-list"),
        reverse("cohorts:wave-detail", args=[wave.pk]),
        reverse("outbox:email-list"),
        reverse("outbox:email-detail", args=[email.pk]),
        reverse("evaluation:report"),
        reverse("admin:index"),
        reverse("admin:schools_establishment_changelist"),
        reverse("admin:schools_establishment_change", args=[school.pk]),
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
        reverse("admin:schools_mhstarea_history", args=[school.mhst_area_id or 1]),
    ):
        visit(page, base + url)

    # Scripts still work: the report's charts, the email's HTML in its frame, and the wave's
    # progress, which refreshes itself from its JSON.
    visit(page, base + reverse("evaluation:report"))
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    visit(page, base + reverse("outbox:email-detail", args=[email.pk]))
    preview = page.frame_locator("iframe.email-preview")
    expect(preview.get_by_role("link", name="Choose a cohort and book your place")).to_be_visible()
    visit(page, base + reverse("cohorts:wave-detail", args=[wave.pk]))
    assert_no_serious_accessibility_violations(page)  # the native <progress> bar
    bar = page.locator("progress[data-field=bar]")
    before = wave_progress(wave=wave)["percent"]
    expect(bar).to_have_js_property("value", before)
    wave_dispatch(wave_id=wave.pk)  # the next minute's invitations
    after = wave_progress(wave=wave)["percent"]
    assert after > before
    expect(bar).to_have_js_property("value", after, timeout=15_000)
    expect(page.locator("[data-field=summary]")).to_contain_text(f"{after}% invited")
