"""Sending survey invitations and reminders: once each, to the right people, in bulk."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from cohorts.models import PlaceStatus
from evaluation.links import survey_link_invitation, survey_link_url
from evaluation.models import Audience, Questionnaire, SurveyInvitation, TimePoint
from evaluation.services import questionnaire_publish
from evaluation.services.surveys import surveys_invite_due, surveys_remind
from evaluation.tasks import invite_due, send_reminders
from linkprog.celery import app as celery_app
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.factories import PlaceFactory
from tests.conftest import at_scale
from tests.evaluation.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
)
from tests.workshops.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)
MINUTE = dt.timedelta(minutes=1)


def invitations_sent():
    return list(OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION))


def reminders_sent():
    return list(OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_REMINDER))


@pytest.fixture
def booked(clock, survey_cohort):
    """A place booked now, on a cohort whose workshop 1 is eight weeks away."""
    return PlaceFactory(cohort=survey_cohort(), booked_at=timezone.now())


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_run_twice_sends_one_email(booked):
    assert surveys_invite_due() == 1
    assert surveys_invite_due() == 0

    assert len(invitations_sent()) == 1
    assert SurveyInvitation.objects.count() == 1


def test_a_crash_before_sent_at_was_stamped_sends_nothing_twice(booked):
    surveys_invite_due()
    SurveyInvitation.objects.update(sent_at=None)  # as if the stamp was lost

    surveys_invite_due()

    assert len(invitations_sent()) == 1
    assert SurveyInvitation.objects.get().sent_at is not None


def test_the_invitation_email_says_what_why_when_and_how(booked, settings):
    surveys_invite_due()

    invitation = SurveyInvitation.objects.get()
    [email] = invitations_sent()
    link = survey_link_url(invitation=invitation)  # the clock is frozen: the same token
    assert survey_link_invitation(token=link.rstrip("/").rsplit("/", 1)[-1]) == invitation
    for body in (email.body_text, email.body_html):
        assert link in body
        assert booked.attendee_name in body
        assert settings.LINK_PROGRAMME_NAME in body
        assert settings.LINK_CONTACT_EMAIL in body
        assert "before workshop 1" in body
        assert "9:30 a.m. on Monday 2 March 2026" in body.replace("<strong>", "")
        assert "groups of 5 people or more" in body
        assert "never show who said what" in body
        assert "saved as you go" in body
        assert "minutes" in body
    assert "before workshop 1" in email.subject
    assert email.body_html.lstrip().startswith("<!doctype html>")


def test_how_long_it_takes_comes_from_the_number_of_questions(survey_cohort, clock):
    Questionnaire.objects.filter(audience=Audience.PROFESSIONALS).update(is_published=False)
    questionnaire = QuestionnaireFactory(audience=Audience.PROFESSIONALS)
    QuestionFactory.create_batch(16, section__questionnaire=questionnaire)
    after = SectionFactory(questionnaire=questionnaire, time_points=[TimePoint.POST])
    QuestionFactory.create_batch(20, section=after)  # not asked at baseline
    questionnaire_publish(questionnaire=questionnaire)
    cohort = survey_cohort()
    ProfessionalFactory(cohort=cohort)
    PlaceFactory(cohort=cohort, booked_at=timezone.now())

    surveys_invite_due()

    by_audience = {
        i.audience: i.questionnaire
        for i in SurveyInvitation.objects.select_related("questionnaire")
    }
    assert by_audience[Audience.PROFESSIONALS] == questionnaire
    pro_email = OutgoingEmail.objects.get(establishment__isnull=True)
    assert "about 10 minutes" in pro_email.subject  # 16 questions, 5⅓ minutes: rounded up


def test_an_invitation_goes_to_the_attendee_at_the_time_of_sending(clock, booked):
    surveys_invite_due()
    booked.attendee_email = "new.lead@school.example"
    booked.save()
    clock.shift(WEEK)

    surveys_remind()

    [reminder] = reminders_sent()
    assert reminder.recipient == "new.lead@school.example"


def test_a_place_cancelled_before_its_invitation_went_out_gets_nothing(booked):
    SurveyInvitation.objects.create(
        time_point=TimePoint.BASELINE,
        cohort=booked.cohort,
        participant=booked.participant,
        questionnaire=Questionnaire.objects.get(is_published=True, audience="school_staff"),
        due_at=timezone.now(),
        closes_at=timezone.now() + WEEK,
    )
    booked.status, booked.cancelled_at = PlaceStatus.CANCELLED, timezone.now()
    booked.save()

    assert surveys_invite_due() == 0
    assert invitations_sent() == []


def test_no_published_questionnaire_no_invitation_and_a_warning(booked, caplog):
    Questionnaire.objects.update(is_published=False)
    ProfessionalFactory(cohort=booked.cohort)

    with caplog.at_level(logging.INFO, logger="evaluation"):
        assert surveys_invite_due() == 0

    assert not SurveyInvitation.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # one per audience
    assert any("school_staff" in w and "baseline" in w for w in warnings)


def test_logs_name_no_one(clock, booked, caplog):
    professional = ProfessionalFactory(cohort=booked.cohort)
    with caplog.at_level(logging.DEBUG):
        surveys_invite_due()
        clock.shift(WEEK)
        surveys_remind()

    assert reminders_sent()
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    for personal in (booked.attendee_name, booked.attendee_email, professional.email):
        assert personal not in logged


# --- Reminders --------------------------------------------------------------------------------


def test_one_reminder_after_the_reminder_days(clock, booked):
    surveys_invite_due()
    clock.shift(WEEK - MINUTE)
    assert surveys_remind() == 0

    clock.shift(MINUTE)
    assert surveys_remind() == 1
    assert surveys_remind() == 0
    clock.shift(WEEK)
    assert surveys_remind() == 0

    [reminder] = reminders_sent()
    invitation = SurveyInvitation.objects.get()
    assert invitation.reminded_at == timezone.now() - WEEK
    assert reminder.recipient == booked.attendee_email
    assert reminder.establishment == booked.establishment
    assert survey_link_url(invitation=invitation).rsplit("/", 2)[0] in reminder.body_text
    assert "Monday 2 March 2026" in reminder.body_text
    assert "2 March" in reminder.subject


def test_reminder_days_come_from_the_settings(clock, booked, settings):
    settings.LINK_SURVEY_REMINDER_DAYS = 3
    surveys_invite_due()
    clock.shift(dt.timedelta(days=3))

    assert surveys_remind() == 1


def test_no_reminder_once_submitted(clock, booked):
    surveys_invite_due()
    ResponseFactory(invitation=SurveyInvitation.objects.get())
    clock.shift(WEEK)

    assert surveys_remind() == 0
    assert reminders_sent() == []


def test_a_response_in_progress_is_still_reminded(clock, booked):
    surveys_invite_due()
    ResponseFactory(invitation=SurveyInvitation.objects.get(), submitted_at=None)
    clock.shift(WEEK)

    assert surveys_remind() == 1


def test_no_reminder_once_the_survey_has_closed(clock, survey_cohort):
    cohort = survey_cohort()
    clock.move_to(dt.datetime(2026, 2, 26, 12, 0, tzinfo=dt.UTC))  # 4 days before workshop 1
    PlaceFactory(cohort=cohort, booked_at=timezone.now())
    surveys_invite_due()
    clock.shift(WEEK)

    assert surveys_remind() == 0
    assert reminders_sent() == []


def test_a_place_cancelled_after_its_invitation_is_not_reminded(clock, booked):
    surveys_invite_due()
    booked.status, booked.cancelled_at = PlaceStatus.CANCELLED, timezone.now()
    booked.save()
    clock.shift(WEEK)

    assert surveys_remind() == 0


def test_professionals_are_reminded_too(clock, survey_cohort):
    professional = ProfessionalFactory(cohort=survey_cohort())
    surveys_invite_due()
    clock.shift(WEEK)

    assert surveys_remind() == 1
    [reminder] = reminders_sent()
    assert reminder.recipient == professional.email
    assert reminder.establishment is None


# --- Cost and wiring --------------------------------------------------------------------------


@pytest.mark.parametrize("people", [5, at_scale(50)])
def test_the_scans_cost_the_same_for_5_and_50_people(
    clock, survey_cohort, django_assert_max_num_queries, people
):
    cohorts = [survey_cohort(), survey_cohort()]
    for index in range(people):
        cohort = cohorts[index % 2]
        PlaceFactory(cohort=cohort, booked_at=timezone.now())
        ProfessionalFactory(cohort=cohort)

    # The same bound for 5 and 50: on SQLite a bulk INSERT of many rows is split to keep
    # under its limit of variables (2 of the invitations, 3 of the emails, at 100 people).
    with django_assert_max_num_queries(17):
        assert surveys_invite_due() == 2 * people
    clock.shift(WEEK)
    with django_assert_max_num_queries(9):
        assert surveys_remind() == 2 * people
    with django_assert_max_num_queries(8):
        assert surveys_invite_due() == 0


def test_the_tasks_call_the_services(clock, booked):
    assert invite_due() == 1
    clock.shift(WEEK)
    assert send_reminders() == 1


def test_beat_runs_both_tasks():
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"evaluation.tasks.invite_due", "evaluation.tasks.send_reminders"} <= scheduled
    assert {"evaluation.tasks.invite_due", "evaluation.tasks.send_reminders"} <= set(
        celery_app.tasks.keys()
    )
