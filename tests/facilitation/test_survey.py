"""The schools survey: started in the survey stage for the area's eligible schools with a
contact email (one email each, through the outbox, with a signed link), answered once per
school (again: replaced), reminded once before it closes, closed; the response rate and the
results with small numbers hidden as the evaluation hides them, on the engagement's and the
consultation's pages."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from facilitation.errors import FacilitationError
from facilitation.links import SURVEY_LINKS, survey_link_path
from facilitation.models import Engagement, Meeting, MeetingKind, SchoolsSurveyInvite, Stage
from facilitation.selectors_survey import schools_survey_summary
from facilitation.services.survey import (
    schools_survey_answer,
    schools_survey_close,
    schools_survey_invite_more,
    schools_survey_reminders_send,
    schools_survey_start,
)
from linkprog.privacy import retention_preview, retention_run
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.relevance import no_longer_wanted
from schools.models import IntegratedCareBoard, Status, TypeGroup
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

GOOD = {
    "joint_working": "well",
    "referral_routes": "some",
    "named_contact": "yes",
    "shared_planning": "sometimes",
    "mental_health_lead": "yes",
    "barrier": "  Waiting times  ",
}


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def area():
    """An engagement in the survey stage for an LA with 6 eligible schools with an email,
    one without, one independent school and one closed, and a school of another LA."""
    la = LocalAuthorityFactory(name="Wiltshire")
    engagement = EngagementFactory(name="Wiltshire 2021", local_authority=la, stage=Stage.SURVEY)
    schools = [
        EstablishmentFactory(la=la, contact_email=f"head{n}@school.example", phase=phase)
        for n, phase in enumerate(["Primary"] * 4 + ["Secondary"] * 2)
    ]
    EstablishmentFactory(la=la, contact_email="")
    EstablishmentFactory(
        la=la, contact_email="indie@x.example", type_code=11, type_group=TypeGroup.INDEPENDENT
    )
    EstablishmentFactory(la=la, contact_email="gone@x.example", status=Status.CLOSED)
    EstablishmentFactory(contact_email="elsewhere@x.example")
    return engagement, schools


def invitations():
    return OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION)


def token_of(invite) -> str:
    return survey_link_path(invite=invite).rstrip("/").rsplit("/", 1)[-1]


def test_starting_sends_one_email_per_eligible_school_with_an_email(area):
    engagement, schools = area
    survey, invited = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    assert invited == 6
    emails = invitations()
    assert sorted(e.recipient for e in emails) == sorted(s.contact_email for s in schools)
    email = emails.get(recipient="head0@school.example")
    assert "/facilitation/schools-survey/" in email.body_text
    assert email.establishment_id == schools[0].pk
    assert email.local_authority_id == engagement.local_authority_id  # scoped to the area
    assert email.campaign == engagement.campaign
    # The address is the outbox's; the survey keeps the school only.
    assert not any(
        f.name in ("email", "recipient", "contact_email")
        for f in SchoolsSurveyInvite._meta.get_fields()
    )
    with pytest.raises(FacilitationError, match="started already"):
        schools_survey_start(engagement=engagement, closes_on=in_days(21))
    assert invitations().count() == 6


def test_starting_is_refused_with_reasons_and_changes_nothing(area):
    engagement, _ = area
    with pytest.raises(FacilitationError, match="after today"):
        schools_survey_start(engagement=engagement, closes_on=timezone.localdate())
    with pytest.raises(FacilitationError, match="120 days at most"):
        schools_survey_start(engagement=engagement, closes_on=in_days(200))
    engagement.stage = Stage.SCOPING
    with pytest.raises(FacilitationError, match="schools survey stage"):
        schools_survey_start(engagement=engagement, closes_on=in_days(21))
    empty = EngagementFactory(stage=Stage.SURVEY)
    EstablishmentFactory(la=empty.local_authority, contact_email="")
    with pytest.raises(FacilitationError, match="has a contact email"):
        schools_survey_start(engagement=empty, closes_on=in_days(21))
    assert not OutgoingEmail.objects.exists() and not SchoolsSurveyInvite.objects.exists()


def test_an_mhst_area_or_an_icb_defines_the_area():  # the LA's case: every other test
    mhst = MHSTAreaFactory()
    inside = EstablishmentFactory(mhst_area=mhst, contact_email="a@x.example")
    EstablishmentFactory(la=inside.la, contact_email="b@x.example")  # same LA, not the area
    engagement = EngagementFactory(local_authority=None, mhst_area=mhst, stage=Stage.SURVEY)
    _, invited = schools_survey_start(engagement=engagement, closes_on=in_days(10))
    assert invited == 1
    assert engagement.schools_survey.invites.get().establishment == inside

    icb = IntegratedCareBoard.objects.create(ods_code="QOX", name="NHS Test Integrated Care Board")
    covered, also = LocalAuthorityFactory(), LocalAuthorityFactory()
    covered.icbs.add(icb)
    also.icbs.add(icb)
    EstablishmentFactory(la=covered, contact_email="c@x.example")
    EstablishmentFactory(la=also, contact_email="d@x.example")
    across = EngagementFactory(local_authority=None, icb=icb, stage=Stage.SURVEY)
    assert schools_survey_start(engagement=across, closes_on=in_days(10))[1] == 2
    assert schools_survey_invite_more(survey=across.schools_survey) == 0


def test_schools_given_an_email_later_are_asked_once_and_a_second_send_sends_nothing(area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    assert schools_survey_invite_more(survey=survey) == 0
    late = EstablishmentFactory(la=engagement.local_authority, contact_email="late@x.example")
    assert schools_survey_invite_more(survey=survey) == 1
    assert schools_survey_invite_more(survey=survey) == 0
    assert invitations().filter(recipient="late@x.example").count() == 1
    assert survey.invites.filter(establishment=late).count() == 1


def test_a_school_answers_once_and_answering_again_replaces_its_answers(client, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    invite = survey.invites.order_by("pk").first()
    url = survey_link_path(invite=invite)
    page = client.get(url)
    assert page.status_code == 200
    assert invite.establishment.name in page.content.decode()

    response = client.post(url, GOOD, follow=True)
    assert "Thank you: your answers are saved." in response.content.decode()
    invite.refresh_from_db()
    assert invite.answers["barrier"] == "Waiting times"
    first = invite.answered_at
    assert first is not None

    again = client.post(url, {**GOOD, "joint_working": "not_well", "barrier": ""}, follow=True)
    assert "your answers are updated" in again.content.decode()
    invite.refresh_from_db()
    assert invite.answers["joint_working"] == "not_well" and "barrier" not in invite.answers
    assert invite.answered_at == first and invite.changed_at >= first
    assert survey.invites.filter(answered_at__isnull=False).count() == 1


def test_incomplete_or_unknown_answers_are_refused_and_nothing_is_lost(client, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    invite = survey.invites.first()
    url = survey_link_path(invite=invite)
    response = client.post(url, {**GOOD, "named_contact": "", "joint_working": "brilliant"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Pick one answer." in body
    assert "Waiting times" in body  # what was typed is still there
    invite.refresh_from_db()
    assert invite.answered_at is None and invite.answers == {}
    with pytest.raises(FacilitationError, match="at most 1000"):
        schools_survey_answer(invite=invite, answers={**GOOD, "barrier": "x" * 1001})


def test_an_altered_an_old_and_a_removed_link_open_nothing_and_change_nothing(client, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(120))
    invite = survey.invites.first()
    token = token_of(invite)
    altered = reverse("facilitation:schools-survey-answer", args=[token[:-2] + "xy"])
    for response in (client.get(altered), client.post(altered, GOOD)):
        assert response.status_code == 404
        assert "This link does not open a survey" in response.content.decode()
    owner_kind = reverse("facilitation:schools-survey-answer", args=[SURVEY_LINKS.token(0)])
    assert client.get(owner_kind).status_code == 404

    url = survey_link_path(invite=invite)
    with time_machine.travel(timezone.now() + dt.timedelta(days=121)):
        response = client.post(url, GOOD)
    assert "This link has expired" in response.content.decode()
    invite.refresh_from_db()
    assert invite.answered_at is None

    invite.delete()
    response = client.post(url, GOOD)
    assert response.status_code == 404
    assert "no longer there" in response.content.decode()


def test_a_closed_survey_takes_no_answers_and_says_so(client, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    invite = survey.invites.first()
    url = survey_link_path(invite=invite)
    schools_survey_close(survey=survey)
    response = client.post(url, GOOD)
    assert "The survey has closed" in response.content.decode()
    invite.refresh_from_db()
    assert invite.answered_at is None
    with pytest.raises(FacilitationError, match="closed"):
        schools_survey_answer(invite=invite, answers=GOOD)
    with pytest.raises(FacilitationError, match="closed"):
        schools_survey_close(survey=survey)


def test_the_reminder_goes_once_a_week_before_closing_to_those_who_have_not_answered(clock, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(20))
    answered = survey.invites.order_by("pk").first()
    schools_survey_answer(invite=answered, answers=GOOD)
    assert schools_survey_reminders_send() == 0  # three weeks before: not yet
    clock.shift(dt.timedelta(days=13))
    assert schools_survey_reminders_send() == 5
    assert schools_survey_reminders_send() == 0
    reminders = OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_REMINDER)
    assert reminders.count() == 5
    assert answered.establishment.contact_email not in {e.recipient for e in reminders}
    assert all("/facilitation/schools-survey/" in e.body_text for e in reminders)
    clock.shift(dt.timedelta(days=10))  # closed
    assert schools_survey_reminders_send() == 0


def test_emails_no_longer_wanted_are_not_sent(area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    rows = list(invitations().order_by("pk"))
    first = SchoolsSurveyInvite.objects.get(pk=rows[0].subject_id)
    schools_survey_answer(invite=first, answers=GOOD)
    assert no_longer_wanted(rows, timezone.now()) == {rows[0].pk: "the school has answered already"}
    schools_survey_close(survey=survey)
    assert set(no_longer_wanted(rows, timezone.now()).values()) == {"the schools survey has closed"}
    assert all(row.status == EmailStatus.QUEUED for row in rows)


def answered_by(survey, n: int, **overrides):
    for invite in survey.invites.order_by("pk")[:n]:
        schools_survey_answer(invite=invite, answers={**GOOD, **overrides})


def test_results_are_hidden_under_5_answers_and_small_counts_hidden_after(area):
    engagement, schools = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    answered_by(survey, 4)
    summary = schools_survey_summary(engagement=engagement)
    assert (summary["rate"].answered, summary["rate"].invited, summary["rate"].percent) == (
        4,
        6,
        67,
    )
    assert [(r.label, r.invited, r.answered) for r in summary["by_phase"]] == [
        ("Primary", 4, 4),
        ("Secondary", 2, 0),
    ]
    assert summary["results_hidden"] and "choices" not in summary

    answered_by(survey, 6)  # 6 answered alike: "well" 6, the rest 0
    summary = schools_survey_summary(engagement=engagement)
    assert not summary["results_hidden"]
    joint = summary["choices"][0]
    shown = [str(cell) for _, cell in joint.rows]
    # "Well" (6) is the total less three counts of fewer than 5: it is hidden too, or the
    # zeros could be worked out; the total of 6 answering is shown.
    assert shown == ["fewer than 5", "hidden", "fewer than 5", "fewer than 5"]
    assert str(joint.total) == "6"
    assert summary["free_text"]["count"] == 6
    assert summary["free_text"]["answers"] == ["Waiting times"] * 6


def test_free_text_is_shown_only_from_5_answers_in_words(area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    answered_by(survey, 6, barrier="")
    invite = survey.invites.order_by("pk").first()
    schools_survey_answer(invite=invite, answers={**GOOD, "barrier": "Zebra crossings"})
    summary = schools_survey_summary(engagement=engagement)
    assert summary["free_text"]["count"] == 1 and summary["free_text"]["answers"] == []


def signed_in(client, engagement, role=Role.REGIONAL_COORDINATOR):
    client.force_login(user_with_role(role, local_authorities=[engagement.local_authority]))


def test_a_coordinator_starts_closes_and_reads_it_from_the_pages(client, area):
    engagement, _ = area
    signed_in(client, engagement)
    detail = client.get(reverse("facilitation:detail", args=[engagement.pk])).content.decode()
    assert "6 of the area's schools and colleges would be asked" in detail
    page = reverse("facilitation:schools-survey", args=[engagement.pk])
    assert "1 have no contact email" in client.get(page).content.decode()

    start = reverse("facilitation:schools-survey-start", args=[engagement.pk])
    refused = client.post(start, {"closes_on": "not a date"})
    assert "Enter the closing date as a date" in refused.content.decode()
    refused = client.post(start, {"closes_on": timezone.localdate().isoformat()})
    assert "must close after today" in refused.content.decode()
    assert not invitations().exists()

    response = client.post(start, {"closes_on": in_days(21).isoformat()}, follow=True)
    assert "6 schools and colleges sent their link" in response.content.decode()
    survey = engagement.schools_survey
    answered_by(survey, 5)
    detail = client.get(reverse("facilitation:detail", args=[engagement.pk])).content.decode()
    assert "5 of 6" in detail and "(83%)" in detail

    more = client.post(reverse("facilitation:schools-survey-send", args=[engagement.pk]))
    assert more.status_code == 302
    closed = client.post(reverse("facilitation:schools-survey-close", args=[engagement.pk]))
    assert closed.status_code == 302
    survey.refresh_from_db()
    assert survey.closed_at is not None
    assert "Closed on" in client.get(page).content.decode()


def test_the_consultation_page_summarises_the_results(client, area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    answered_by(survey, 5)
    engagement.stage = Stage.CONSULTATION
    engagement.save()
    session = Workshop.objects.create(
        delivery=engagement.delivery, day=1, date=in_days(3), start_time=dt.time(10),
        end_time=dt.time(12),
    )  # fmt: skip
    meeting = Meeting.objects.create(
        engagement=engagement, workshop=session, kind=MeetingKind.CONSULTATION
    )
    signed_in(client, engagement)
    body = client.get(reverse("facilitation:meeting", args=[meeting.pk])).content.decode()
    assert "Schools survey" in body and 'id="survey-results"' in body
    assert "Waiting times" in body


def test_pages_are_scoped_and_a_viewer_cannot_start_it(client, area):
    engagement, _ = area
    client.force_login(
        user_with_role(
            Role.REGIONAL_COORDINATOR, "elsewhere", local_authorities=[LocalAuthorityFactory()]
        )
    )
    url = reverse("facilitation:schools-survey", args=[engagement.pk])
    assert client.get(url).status_code == 404
    start = reverse("facilitation:schools-survey-start", args=[engagement.pk])
    assert client.post(start, {"closes_on": in_days(21).isoformat()}).status_code == 404
    client.force_login(user_with_role(Role.VIEWER))
    assert client.post(start, {"closes_on": in_days(21).isoformat()}).status_code == 403
    assert not invitations().exists()


def test_free_text_is_emptied_24_months_after_the_engagement_closes_and_choices_stay(area):
    engagement, _ = area
    survey, _ = schools_survey_start(engagement=engagement, closes_on=in_days(21))
    answered_by(survey, 2)
    engagement.stage, engagement.stage_since = Stage.CLOSED, timezone.localdate()
    engagement.save()
    key = "facilitation.schools_survey_text"
    before = timezone.now() + dt.timedelta(days=700)
    after = timezone.now() + dt.timedelta(days=740)
    assert {r.key: r.due for r in retention_preview(now=before)}[key] == 0
    assert {r.key: r.due for r in retention_preview(now=after)}[key] == 2
    assert retention_run(now=after).counts[key] == 2
    assert retention_run(now=after).counts[key] == 0
    answers = survey.invites.filter(answered_at__isnull=False).first().answers
    assert "barrier" not in answers and answers["joint_working"] == "well"


def test_the_demo_has_an_open_survey_and_a_closed_one_with_results():
    from facilitation.services.demo import demo_engagements_seed

    for name in ("Wiltshire", "Swindon"):
        la = LocalAuthorityFactory(name=name)
        EstablishmentFactory.create_batch(12, la=la)
    demo_engagements_seed()
    surveying = schools_survey_summary(engagement=Engagement.objects.get(stage=Stage.SURVEY))
    assert surveying["open"] and 0 < surveying["rate"].answered < surveying["rate"].invited
    consulting = schools_survey_summary(engagement=Engagement.objects.get(stage=Stage.CONSULTATION))
    assert not consulting["open"] and not consulting["results_hidden"]


def test_the_engagements_facilitator_starts_it_too(client, area):
    engagement, _ = area
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    client.force_login(facilitator)
    start = reverse("facilitation:schools-survey-start", args=[engagement.pk])
    assert client.post(start, {"closes_on": in_days(14).isoformat()}).status_code == 302
    assert invitations().count() == 6


def test_beat_runs_the_reminder_task_and_the_task_calls_the_service(clock, area):
    from facilitation.tasks import send_schools_survey_reminders
    from linkprog.celery import app as celery_app

    name = "facilitation.tasks.send_schools_survey_reminders"
    assert name in {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert name in celery_app.tasks
    engagement, _ = area
    schools_survey_start(engagement=engagement, closes_on=in_days(5))
    assert send_schools_survey_reminders() == 6
    assert send_schools_survey_reminders() == 0
