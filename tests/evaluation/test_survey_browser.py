"""A member of school staff answers the seeded questionnaire in Chromium: link → submit with
an answer missing → error summary → answers by keyboard → save → reload → submit → thank
you, with axe-core on every page (and on the invalid, expired and closed link pages)."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.links import survey_link_token
from evaluation.models import QuestionKind, Response
from evaluation.seed import seed_questionnaires
from evaluation.services import questionnaire_published_for
from evaluation.services.responses import questionnaire_questions
from tests.evaluation.factories import SurveyInvitationFactory
from tests.test_browser import assert_no_serious_accessibility_violations as assert_accessible
from tests.test_browser import page  # noqa: F401 - the Chromium page fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_questionnaire():
    """The published school-staff questionnaire that migrations seed (seeded again here if an
    earlier live-server test flushed it)."""
    seed_questionnaires(apps)
    return questionnaire_published_for(audience="school_staff")


def link_for(live_server, invitation) -> str:
    token = survey_link_token(invitation=invitation)
    return live_server.url + reverse("survey:answer", kwargs={"token": token})


def choose_by_keyboard(browser_page, question_text: str, label: str) -> None:
    """Choose a radio button as a keyboard user does: focus the option, press Space."""
    group = browser_page.get_by_role("group", name=question_text, exact=True)
    group.get_by_role("radio", name=label, exact=True).focus()
    browser_page.keyboard.press("Space")


def test_a_member_of_staff_answers_saves_comes_back_and_submits(
    live_server,
    page,  # noqa: F811 - the fixture imported above
    staff_questionnaire,
):
    invitation = SurveyInvitationFactory(questionnaire=staff_questionnaire)
    questions = questionnaire_questions(
        questionnaire_id=staff_questionnaire.pk, time_point=invitation.time_point
    )
    required = [q for q in questions if q.required]
    first, *rest = required
    assert first.kind == QuestionKind.SINGLE_CHOICE and all(
        q.kind == QuestionKind.LIKERT for q in rest
    )
    link = link_for(live_server, invitation)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your survey")
    expect(page.get_by_text("Baseline (before workshop 1)")).to_be_visible()
    expect(page.get_by_text("only ever reported in groups of 5 or more")).to_be_visible()
    assert_accessible(page)

    # Everything but the first question, then submit: one required answer is missing.
    for question in rest:
        choose_by_keyboard(page, question.text, "4")
    page.get_by_label("Is there anything else you would like to tell us? (optional)").fill(
        "Joint meetings helped."
    )
    page.get_by_role("button", name="Submit answers").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_text(
        "In the last school term, how often were you in contact with… — "
        "Choose an answer to this question: it is required."
    )
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_role("radio", name="Not at all")).to_be_focused()
    # The answers given are still on the page.
    expect(
        page.get_by_role("group", name=rest[-1].text, exact=True).get_by_role("radio", name="4")
    ).to_be_checked()

    page.keyboard.press("ArrowDown")  # arrows move to, and choose, the next option
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="A few times in the term")).to_be_checked()
    page.get_by_role("button", name="Save and finish later").click()

    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    assert_accessible(page)
    page.reload()
    expect(page.get_by_role("radio", name="A few times in the term")).to_be_checked()
    expect(
        page.get_by_label("Is there anything else you would like to tell us? (optional)")
    ).to_have_value("Joint meetings helped.")
    assert Response.objects.get(invitation=invitation).submitted_at is None

    page.get_by_role("button", name="Submit answers").focus()
    page.keyboard.press("Enter")

    today = timezone.localdate()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Thank you — your answers were submitted on {today.day} {today:%B %Y}"
    )
    assert_accessible(page)
    page.reload()
    expect(page.get_by_text("has already been submitted")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)
    response = Response.objects.get(invitation=invitation)
    assert response.is_submitted and response.answers.count() == len(required) + 1


def test_the_invalid_expired_and_closed_link_pages_pass_axe(
    live_server,
    page,  # noqa: F811 - the fixture imported above
    staff_questionnaire,
):
    invitation = SurveyInvitationFactory(questionnaire=staff_questionnaire)
    with time_machine.travel(timezone.now() - dt.timedelta(days=29)):
        expired = link_for(live_server, invitation)

    page.goto(expired)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    assert_accessible(page)
    page.get_by_role("button", name="Email me a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We've sent a new link")
    assert_accessible(page)

    page.goto(expired[:-5] + "XXXX/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not recognised")
    assert_accessible(page)

    closed = SurveyInvitationFactory(
        questionnaire=staff_questionnaire,
        due_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=2),
    )
    page.goto(link_for(live_server, closed))
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey has closed")
    assert_accessible(page)


COMMENTS = "Is there anything else you would like to tell us? (optional)"


def test_answers_are_saved_as_they_are_given_and_a_reload_keeps_them(
    live_server,
    page,  # noqa: F811 - the fixture imported above
    staff_questionnaire,
):
    invitation = SurveyInvitationFactory(questionnaire=staff_questionnaire)
    page.goto(link_for(live_server, invitation))
    expect(page.get_by_text("Each answer is saved as you give it.")).to_be_visible()
    status = page.locator("#autosave-status")
    expect(status).to_have_attribute("aria-live", "polite")

    with page.expect_response(lambda r: r.url.endswith("/save/")) as chosen:
        page.get_by_role("radio", name="A few times in the term").check()
    assert chosen.value.status == 200
    expect(status).to_have_text("Saved.")
    with page.expect_response(lambda r: r.url.endswith("/save/")) as typed:
        page.get_by_label(COMMENTS).fill("Joint meetings helped.")  # saved after a pause
    assert typed.value.status == 200
    assert_accessible(page)

    page.reload()  # no button pressed

    expect(page.get_by_role("radio", name="A few times in the term")).to_be_checked()
    expect(page.get_by_label(COMMENTS)).to_have_value("Joint meetings helped.")
    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is None and response.answers.count() == 2


def test_without_javascript_the_page_promises_nothing_more_and_its_button_saves(
    live_server,
    page,  # noqa: F811 - the fixture imported above
    staff_questionnaire,
):
    invitation = SurveyInvitationFactory(questionnaire=staff_questionnaire)
    no_script = page.context.browser.new_context(locale="en-GB", java_script_enabled=False)
    page = no_script.new_page()
    page.goto(link_for(live_server, invitation))
    expect(page.get_by_text("Each answer is saved as you give it.")).to_be_hidden()

    page.get_by_role("radio", name="A few times in the term").check()
    page.get_by_role("button", name="Save and finish later").click()

    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    page.reload()
    expect(page.get_by_role("radio", name="A few times in the term")).to_be_checked()
    no_script.close()
