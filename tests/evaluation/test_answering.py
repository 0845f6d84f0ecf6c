"""Answering a survey through a personal link: saving, resuming, submitting once, the link's
failures, and what each costs in queries."""

import contextlib
import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from evaluation.errors import AnswersInvalid, SurveyAlreadySubmitted, SurveyClosed
from evaluation.links import survey_link_token
from evaluation.models import Answer, QuestionKind, Response
from evaluation.services.responses import response_save, survey_link_request_new
from outbox.models import EmailKind, OutgoingEmail
from tests.evaluation.factories import (
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    SurveyInvitationFactory,
)
from tests.workshops.factories import ProfessionalFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

VALID = {"rating": "4", "attended": "yes", "role": "lead", "pupils": "120", "comments": "Good."}


@pytest.fixture(autouse=True)
def _frozen(clock):
    """Every test here runs on the frozen clock of tests/evaluation/conftest.py."""


def make_questionnaire(*, extra_likerts: int = 0):
    """Two sections, one question of each kind (the last two optional), then ``extra``
    required scale questions."""
    questionnaire = QuestionnaireFactory(intro="About working together.")
    first = SectionFactory(questionnaire=questionnaire, order=1, title="About you")
    second = SectionFactory(questionnaire=questionnaire, order=2, title="More")
    QuestionFactory(section=first, order=1, code="rating", text="Communication works well.")
    QuestionFactory(section=first, order=2, code="attended", kind=QuestionKind.YES_NO)
    role = QuestionFactory(section=first, order=3, code="role", kind=QuestionKind.SINGLE_CHOICE)
    ChoiceFactory(question=role, order=1, value="lead", label="Mental health lead")
    ChoiceFactory(question=role, order=2, value="senco", label="SENCo")
    QuestionFactory(
        section=second,
        order=1,
        code="pupils",
        kind=QuestionKind.NUMBER,
        min_value=0,
        max_value=5000,
        required=False,
        help_text="Roughly is fine.",
    )
    QuestionFactory(
        section=second, order=2, code="comments", kind=QuestionKind.FREE_TEXT, required=False
    )
    for n in range(extra_likerts):
        QuestionFactory(section=second, order=3 + n, code=f"extra_{n}")
    return questionnaire


@pytest.fixture
def invitation():
    return SurveyInvitationFactory(
        questionnaire=make_questionnaire(), place__attendee_name="Robin Private"
    )


def url(invitation, name="answer"):
    return reverse(f"survey:{name}", kwargs={"token": survey_link_token(invitation=invitation)})


def saved(invitation) -> dict:
    return {
        a.question.code: a.value
        for a in Answer.objects.filter(response__invitation=invitation).select_related("question")
    }


# --- Saving and resuming ---------------------------------------------------------------------


def test_the_page_shows_the_questionnaire_and_no_one_s_details(client, invitation):
    response = client.get(url(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Baseline (before workshop 1)" in page
    assert "only ever reported in groups of 5 or more" in page
    assert "Save and finish later" in page and "Submit answers" in page
    assert "1 – Strongly disagree" in page and "5 – Strongly agree" in page
    assert 'aria-describedby="id_pupils_help"' in page  # help text tied to its input
    assert page.count("<fieldset") == 2 + 3  # two sections, three radio questions
    place = invitation.participant.person
    for personal in (place.attendee_name, place.attendee_email, place.establishment.name):
        assert personal not in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_saving_part_way_then_coming_back_shows_the_saved_answers(client, invitation):
    response = client.post(
        url(invitation), {"_action": "save", "rating": "2", "comments": "Half done"}
    )

    assert response.status_code == 302
    assert saved(invitation) == {"rating": 2, "comments": "Half done"}
    assert not Response.objects.get(invitation=invitation).is_submitted
    page = client.get(response["Location"]).content.decode()
    assert "Your answers are saved" in page
    assert 'value="2" class="form-check-input" id="id_rating_1" checked' in page
    assert "Half done</textarea>" in page


def test_saving_keeps_the_valid_answers_and_shows_errors_for_the_rest(client, invitation):
    client.post(url(invitation), {"_action": "save", "pupils": "30"})

    response = client.post(
        url(invitation),
        {"_action": "save", "rating": "9", "attended": "yes", "pupils": "-3", "comments": "x"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "2 answers need correcting" in page
    assert (
        '<a class="alert-link" href="#id_rating_0">Communication works well. — Choose a point'
    ) in page
    assert '<a class="alert-link" href="#id_pupils">Question ' in page
    assert "— Enter a number from 0 to 5000.</a>" in page
    assert 'value="-3"' in page  # what was typed stays on the page
    assert 'aria-invalid="true"' in page and "id_pupils_help id_pupils_error" in page
    # The valid answers are saved; the earlier number is kept rather than lost.
    assert saved(invitation) == {"attended": "yes", "pupils": 30, "comments": "x"}


def test_clearing_an_answer_and_saving_removes_it(client, invitation):
    client.post(url(invitation), {"_action": "save", "comments": "Changed my mind"})
    client.post(url(invitation), {"_action": "save", "comments": "  "})

    assert saved(invitation) == {}


# --- Submitting once -------------------------------------------------------------------------


def test_a_submission_missing_a_required_answer_is_refused_field_by_field(client, invitation):
    response = client.post(url(invitation), {"_action": "submit", "rating": "5", "pupils": "7"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your answers are not submitted yet: 2 answers need attention" in page
    assert page.index('href="#id_attended_0"') < page.index('href="#id_role_0"')
    assert 'id="id_attended_error"' in page and 'aria-describedby="id_attended_error"' in page
    assert 'value="7"' in page
    assert not Response.objects.get(invitation=invitation).is_submitted
    assert saved(invitation) == {"rating": 5, "pupils": 7}


def test_a_submission_is_accepted_once_then_the_page_says_so(client, invitation):
    response = client.post(url(invitation), {"_action": "submit", **VALID})

    assert response.status_code == 302
    assert Response.objects.get(invitation=invitation).submitted_at == NOW
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    page = thanks.content.decode()
    assert "Thank you — your answers were submitted on 5 January 2026" in page
    assert "already been submitted" in page
    assert "<form" not in page.split('id="main"')[1]  # no answering form on the page

    again = client.post(url(invitation), {"_action": "submit", **VALID, "rating": "1"})

    assert again.status_code == 409
    assert "already submitted, on 5 January 2026" in again.content.decode()
    assert saved(invitation)["rating"] == 4
    assert Response.objects.filter(invitation=invitation).count() == 1


def test_one_response_per_invitation_whatever_happens(invitation):
    for answers, submit in [
        ({"rating": "3"}, False),
        ({"rating": "x"}, False),
        ({"rating": "3"}, True),
        (VALID, False),
        (VALID, True),
    ]:
        with contextlib.suppress(AnswersInvalid):
            response_save(invitation=invitation, answers=answers, submit=submit)
    with pytest.raises(SurveyAlreadySubmitted):
        response_save(invitation=invitation, answers=VALID, submit=True)

    response = Response.objects.get(invitation=invitation)
    assert response.is_submitted
    assert (response.questionnaire, response.time_point, response.cohort) == (
        invitation.questionnaire,
        invitation.time_point,
        invitation.cohort,
    )
    assert response.answers.count() == 5


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("rating", "6", "Choose a point on the scale, from 1 to 5."),
        ("rating", "0", "Choose a point on the scale, from 1 to 5."),
        ("rating", "3.5", "Choose a point on the scale, from 1 to 5."),
        ("attended", "maybe", "Choose one of the answers listed."),
        ("role", "head", "Choose one of the answers listed."),
        ("pupils", "5001", "Enter a number from 0 to 5000."),
        ("pupils", "-1", "Enter a number from 0 to 5000."),
        ("pupils", "twelve", "Enter a whole number, such as 12."),
        ("comments", "x" * 10_001, "Shorten this answer to 10,000 characters or fewer"),
    ],
)
def test_each_kind_of_answer_is_checked(invitation, code, value, message):
    with pytest.raises(AnswersInvalid) as refused:
        response_save(invitation=invitation, answers={**VALID, code: value}, submit=True)

    assert list(refused.value.errors) == [code]
    assert refused.value.errors[code].startswith(message)
    assert not Response.objects.get(invitation=invitation).is_submitted


def test_errors_come_in_the_questionnaire_s_order(invitation):
    with pytest.raises(AnswersInvalid) as refused:
        response_save(
            invitation=invitation, answers={"pupils": "x", "role": "?", "rating": ""}, submit=True
        )

    assert list(refused.value.errors) == ["rating", "attended", "role", "pupils"]


def test_a_number_question_with_one_bound_says_which(invitation):
    question = QuestionFactory(
        section=invitation.questionnaire.sections.first(),
        code="years",
        kind=QuestionKind.NUMBER,
        min_value=1,
        required=False,
    )

    with pytest.raises(AnswersInvalid) as refused:
        response_save(invitation=invitation, answers={question.code: "0"}, submit=False)

    assert refused.value.errors == {"years": "Enter a number of 1 or more."}


def test_a_section_asked_at_other_time_points_is_neither_shown_nor_required(client, invitation):
    later = SectionFactory(
        questionnaire=invitation.questionnaire, order=3, title="Since the workshops"
    )
    QuestionFactory(section=later, order=1, code="since", text="Has anything changed?")
    later.time_points = ["post", "follow_up"]
    later.save()

    assert "Has anything changed?" not in client.get(url(invitation)).content.decode()
    response = response_save(invitation=invitation, answers={**VALID, "since": "5"}, submit=True)
    assert response.is_submitted and "since" not in saved(invitation)


# --- Closed, not yet open --------------------------------------------------------------------


def test_a_closed_survey_says_when_it_closed_and_takes_nothing(client, invitation, clock):
    link = url(invitation)
    clock.move_to(invitation.closes_at)

    response = client.get(link)

    assert response.status_code == 410
    page = response.content.decode()
    assert "This survey closed on 4 February 2026" in page
    assert "<textarea" not in page and "new link" not in page.lower()
    assert client.post(link, {"_action": "submit", **VALID}).status_code == 410
    with pytest.raises(SurveyClosed):
        response_save(invitation=invitation, answers=VALID, submit=False)
    assert not Response.objects.filter(invitation=invitation).exists()


def test_a_survey_not_yet_open_says_when_it_opens(client, invitation, clock):
    invitation.due_at = NOW + dt.timedelta(days=3)
    invitation.save()

    response = client.get(url(invitation))

    assert response.status_code == 200
    assert "it opens on 8 January 2026" in response.content.decode()
    assert "<textarea" not in response.content.decode()


# --- Links that do not work ------------------------------------------------------------------


def test_a_tampered_link_gets_a_clear_404(client, invitation, settings):
    token = survey_link_token(invitation=invitation)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    response = client.get(reverse("survey:answer", kwargs={"token": tampered}))

    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not a valid survey link" in page
    assert settings.LINK_CONTACT_EMAIL in page
    assert response["Referrer-Policy"] == "same-origin"


def test_a_link_to_an_invitation_that_is_gone_gets_the_same_404(client, invitation):
    link = url(invitation)
    invitation.delete()

    assert client.get(link).status_code == 404


def expired_link(invitation, clock) -> str:
    link = url(invitation)
    clock.shift(dt.timedelta(days=28, hours=1))  # links work for 28 days; the survey 30
    return link


def test_an_expired_link_offers_a_new_one_sent_once_a_day(
    client, invitation, clock, settings, django_capture_on_commit_callbacks
):
    link = expired_link(invitation, clock)

    response = client.get(link)

    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page
    new_link = reverse("survey:new-link", kwargs={"token": link.split("/")[2]})
    assert f'action="{new_link}"' in page and "csrfmiddlewaretoken" in page

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(new_link)
        assert asked.status_code == 200
        assert "sent a new survey link to the address we have" in asked.content.decode()
        assert invitation.participant.person.attendee_email not in asked.content.decode()

    email = OutgoingEmail.objects.get()
    assert (email.kind, email.recipient) == (
        EmailKind.NEW_LINK,
        invitation.participant.person.attendee_email,
    )
    assert email.establishment == invitation.participant.person.establishment
    fresh = email.body_text.split("Here it is:\n")[1].split()[0]
    assert fresh.startswith(f"{settings.LINK_BASE_URL}/survey/")
    assert client.get(fresh.removeprefix(settings.LINK_BASE_URL)).status_code == 200
    assert "closes on 4 February 2026" in email.body_text

    clock.shift(dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(new_link)
    assert OutgoingEmail.objects.count() == 2  # a new day, a new link


def test_a_new_link_goes_to_a_professional_s_own_address(
    invitation, django_capture_on_commit_callbacks
):
    professional = ProfessionalFactory()
    invitation = SurveyInvitationFactory(
        place=None, professional=professional, questionnaire=invitation.questionnaire
    )

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            survey_link_request_new(invitation=invitation)

    email = OutgoingEmail.objects.get()
    assert email.recipient == professional.email and email.establishment is None


def test_an_expired_link_to_a_closed_survey_offers_no_new_link(client, invitation, clock):
    link = url(invitation)
    clock.move_to(invitation.closes_at + dt.timedelta(days=1))

    response = client.get(link)

    assert response.status_code == 410
    assert "closed on 4 February 2026" in response.content.decode()
    assert "Email me a new link" not in response.content.decode()
    client.post(reverse("survey:new-link", kwargs={"token": link.split("/")[2]}))
    assert not OutgoingEmail.objects.exists()
    with pytest.raises(SurveyClosed):
        survey_link_request_new(invitation=invitation)


def test_an_expired_link_to_submitted_answers_says_they_were_submitted(client, invitation, clock):
    response_save(invitation=invitation, answers=VALID, submit=True)
    link = expired_link(invitation, clock)

    response = client.get(link)

    assert response.status_code == 200
    assert "your answers were submitted on 5 January 2026" in response.content.decode()
    with pytest.raises(SurveyAlreadySubmitted):
        survey_link_request_new(invitation=invitation)
    assert not OutgoingEmail.objects.exists()


def test_a_working_link_has_no_new_link_to_ask_for(client, invitation):
    link = url(invitation)
    response = client.post(reverse("survey:new-link", kwargs={"token": link.split("/")[2]}))

    assert response.status_code == 302 and response["Location"] == link
    assert not OutgoingEmail.objects.exists()


# --- Saving in the background (static/js/survey-autosave.js) ----------------------------------


def test_the_page_saves_in_the_background_through_a_static_script(client, invitation):
    page = client.get(url(invitation)).content.decode()

    assert f'data-autosave-url="{url(invitation, "autosave")}"' in page
    assert 'aria-live="polite"' in page
    assert '<script src="/static/js/survey-autosave.js" defer></script>' in page
    assert "<script>" not in page  # no inline script (Content-Security-Policy)


def test_a_background_save_keeps_the_answers_given_so_far_and_submits_nothing(client, invitation):
    response = client.post(
        url(invitation, "autosave"), {"rating": "2", "comments": "Half done", "_action": "submit"}
    )

    assert response.status_code == 200
    assert response.json() == {"outcome": "saved", "message": "Saved."}
    assert saved(invitation) == {"rating": 2, "comments": "Half done"}
    assert not Response.objects.get(invitation=invitation).is_submitted
    assert "no-store" in response["Cache-Control"]
    # The page shows them when opened again, with no "saved" banner left over.
    page = client.get(url(invitation)).content.decode()
    assert "Half done</textarea>" in page and "Your answers are saved." not in page

    client.post(url(invitation, "autosave"), {"rating": "2"})  # the text cleared: removed
    assert saved(invitation) == {"rating": 2}


def test_a_background_save_keeps_valid_answers_and_says_what_needs_correcting(client, invitation):
    client.post(url(invitation, "autosave"), {"pupils": "30"})

    response = client.post(url(invitation, "autosave"), {"rating": "9", "attended": "yes"})

    assert response.status_code == 422
    assert response.json() == {
        "outcome": "invalid",
        "message": "Your other answers are saved, but 1 answer needs correcting.",
        "errors": {"rating": "Choose a point on the scale, from 1 to 5."},
    }
    assert saved(invitation) == {"attended": "yes"}  # the number was cleared, as the page does


def test_a_background_save_follows_the_page_s_rules_for_links_and_surveys(
    client, invitation, clock
):
    token = survey_link_token(invitation=invitation)
    tampered = reverse("survey:autosave", kwargs={"token": token[:-3] + "abc"})
    assert client.post(tampered, VALID).status_code == 404
    assert client.get(url(invitation, "autosave")).status_code == 405

    client.post(url(invitation), {"_action": "submit", **VALID})
    refused = client.post(url(invitation, "autosave"), {**VALID, "rating": "1"})
    assert refused.status_code == 409
    assert "already submitted" in refused.json()["message"]
    assert saved(invitation)["rating"] == 4

    other = SurveyInvitationFactory(questionnaire=invitation.questionnaire)
    link = url(other, "autosave")
    other.due_at = NOW + dt.timedelta(days=1)
    other.save()
    assert client.post(link, VALID).status_code == 409  # not open yet
    other.due_at = NOW
    other.save()
    clock.shift(dt.timedelta(days=28, hours=1))  # the link has expired
    assert client.post(link, VALID).status_code == 410
    clock.move_to(other.closes_at)
    closed = client.post(url(other, "autosave"), VALID)  # a fresh link: the survey closed
    assert closed.status_code == 410
    assert closed.json()["message"].startswith("This survey closed on")
    assert not Response.objects.filter(invitation=other).exists()


def test_a_background_save_needs_the_page_s_csrf_token(invitation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(url(invitation))
    token = page.context["csrf_token"]

    assert strict.post(url(invitation, "autosave"), {"rating": "2"}).status_code == 403
    allowed = strict.post(
        url(invitation, "autosave"), {"rating": "2", "csrfmiddlewaretoken": token}
    )
    assert allowed.status_code == 200
    assert saved(invitation) == {"rating": 2}


# --- What a page costs -----------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 55])
def test_the_page_and_a_save_cost_the_same_at_5_and_60_questions(
    client, django_assert_max_num_queries, extra
):
    invitation = SurveyInvitationFactory(questionnaire=make_questionnaire(extra_likerts=extra))
    link = url(invitation)
    answers = {**VALID, **{f"extra_{n}": "3" for n in range(extra)}}
    client.post(link, {"_action": "save", **answers})

    with django_assert_max_num_queries(5):
        assert client.get(link).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.post(url(invitation, "autosave"), answers).status_code == 200
    # and one more to work out the cohort's report cells (evaluation.cells)
    with django_assert_max_num_queries(13):
        assert client.post(link, {"_action": "submit", **answers}).status_code == 302
    assert Answer.objects.filter(response__invitation=invitation).count() == 5 + extra


# --- Two submissions at once -----------------------------------------------------------------

THREADS = 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_submissions_at_once_make_one_submitted_response():
    invitation = SurveyInvitationFactory(questionnaire=make_questionnaire())
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def submit(index):
        try:
            connection.ensure_connection()  # connect first, so the submissions themselves race
            barrier.wait(timeout=30)
            outcomes[index] = response_save(invitation=invitation, answers=VALID, submit=True)
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    submitted = [o for o in outcomes if isinstance(o, Response)]
    refused = [o for o in outcomes if isinstance(o, SurveyAlreadySubmitted)]
    assert len(submitted) == 1, outcomes
    assert len(refused) == THREADS - 1, outcomes
    response = Response.objects.get(invitation=invitation)
    assert response.is_submitted and response.answers.count() == 5
