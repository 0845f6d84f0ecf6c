"""The schools survey in Chromium: a coordinator starts it from the engagement's page, and a
school's member of staff answers it on a phone (390 px wide) from the emailed link, first
missing a question; axe-core finds nothing serious on any page."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilitation.models import Stage
from facilitation.services.survey import schools_survey_answer
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.conftest import assert_accessible
from tests.facilitation.factories import EngagementFactory
from tests.facilitation.test_pages_browser import SHOTS, look, signed_in  # noqa: F401
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"facilitation-{name}.png"), full_page=True)


def test_a_coordinator_starts_the_survey_and_a_school_answers_on_a_phone(signed_in):  # noqa: F811
    page, url, wiltshire = signed_in
    engagement = EngagementFactory(
        name="Wiltshire 2021", local_authority=wiltshire, stage=Stage.SURVEY
    )
    schools = [
        EstablishmentFactory(
            la=wiltshire, name=f"Avon Vale School {n}", contact_email=f"h{n}@s.example"
        )
        for n in range(6)
    ]
    EstablishmentFactory(la=wiltshire, contact_email="")

    page.goto(f"{url}/facilitation/{engagement.pk}/")
    expect(page.locator("#schools-survey-card")).to_contain_text("6 of the area's schools")
    page.get_by_role("link", name="Start the schools survey").click()
    look(page, "schools-survey-start", "Schools survey: Wiltshire 2021")
    closes = timezone.localdate() + dt.timedelta(days=21)
    page.get_by_label("Open until").fill(closes.isoformat())
    page.get_by_role("button", name=re.compile("Send the survey to 6")).click()
    expect(page.get_by_text("6 schools and colleges sent their link")).to_be_visible()
    look(page, "schools-survey", "Schools survey: Wiltshire 2021")

    email = OutgoingEmail.objects.get(
        kind=EmailKind.SURVEY_INVITATION, recipient=schools[0].contact_email
    )
    link = re.search(r"https?://\S+/facilitation/schools-survey/\S+/", email.body_text).group(0)
    path = link[link.index("/facilitation/") :]

    coordinator = page.context.cookies()
    page.context.clear_cookies()  # a school's member of staff has no login
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avon Vale School 0")
    assert_accessible(page)
    shot(page, "schools-survey-answer-390")
    page.locator("#id_joint_working_1").check()  # Well
    page.locator("#id_referral_routes_1").check()  # Some of them
    page.locator("#id_shared_planning_0").check()  # Regularly
    page.locator("#id_mental_health_lead_0").check()  # Yes
    page.get_by_label(re.compile("biggest barrier")).fill("Waiting times for CYPMHS")
    page.get_by_role("button", name="Send our answers").click()  # the named contact is missing
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("named contact")
    expect(page.get_by_label(re.compile("biggest barrier"))).to_have_value(
        "Waiting times for CYPMHS"
    )  # nothing typed is lost
    assert_accessible(page)
    shot(page, "schools-survey-answer-error-390")
    page.locator("#id_named_contact_0").check()
    page.get_by_role("button", name="Send our answers").click()
    expect(page.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the changes")).to_be_visible()
    assert_accessible(page)
    shot(page, "schools-survey-answered-390")
    no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_scroll, "the page scrolls sideways at 390 px"

    invite = engagement.schools_survey.invites.get(establishment=schools[0])
    assert invite.answers["named_contact"] == "yes"

    # Four more answer: the coordinator's page now shows the results, small counts hidden.
    for other in engagement.schools_survey.invites.exclude(pk=invite.pk)[:4]:
        schools_survey_answer(invite=other, answers=invite.answers)
    page.context.add_cookies(coordinator)
    page.goto(f"{url}/facilitation/{engagement.pk}/schools-survey/")
    expect(page.locator("#survey-rate")).to_contain_text("5 of 6")
    expect(page.locator("#survey-results")).to_contain_text("fewer than 5")
    look(page, "schools-survey-results", "Schools survey: Wiltshire 2021")
