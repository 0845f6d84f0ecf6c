"""One engagement from opening to closing, in Chromium, as a regional coordinator, a school
and an action owner would run it (issue 15, "Done when"): opened, stakeholders imported from
a CSV, the area's schools surveyed (one answering from its emailed link on a phone), the
consultation scheduled, held with attendance and notes, priorities, goals and actions agreed,
stakeholders rating the CASCADE areas there and at the final review (the change shown in the
evaluation report), an owner updating progress from the link in their reminder email, a review
recording it, closed."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from facilitation.models import (
    CascadeArea,
    Engagement,
    Goal,
    GoalReview,
    RatingPoint,
    RatingRequest,
    Stage,
)
from facilitation.services.plan_reminders import plan_reminders_send
from facilitation.services.ratings import cascade_ratings_submit
from facilitation.services.survey import schools_survey_answer
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.conftest import assert_accessible
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from workshops.models import Attendance

pytestmark = pytest.mark.browser

STAKEHOLDERS = [
    ("Ann Head", "Head of service", "Wiltshire Council", "Local authority", "ann@wilts.example"),
    ("Ben Lead", "Clinical lead", "Oxford Health CAMHS", "NHS CYPMHS", "ben@nhs.example"),
    (
        "Cat Teach",
        "Headteacher or education leader",
        "Hill School",
        "Education",
        "cat@hill.example",
    ),
    ("Dan Vol", "Service lead", "Youth Action", "Voluntary and community sector", "dan@ya.example"),
    ("Eve Comm", "Commissioner", "BSW ICB", "ICB commissioning", "eve@icb.example"),
    ("Fay Sen", "Senior manager", "Wiltshire Council", "Local authority", "fay@wilts.example"),
]


def _move(page, label: str) -> None:
    page.get_by_role("button", name=label).click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()


def _rating_round(page, url, engagement, point, *, score: int) -> None:
    """Open the round from the ratings page; the first stakeholder rates from their emailed
    link on a phone, the others through the service (as their own links would)."""
    page.goto(f"{url}/facilitation/{engagement.pk}/ratings/")
    page.locator(f"#round-{point} button").first.click()
    expect(page.locator(f"#round-{point}")).to_contain_text("6")
    requests = list(RatingRequest.objects.filter(round__engagement=engagement, round__point=point))
    first = requests[0]
    email = OutgoingEmail.objects.filter(recipient=first.stakeholder.email).latest("pk")
    link = re.search(r"https?://\S+/facilitation/rate/\S+/", email.body_text).group(0)
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(url + urlparse(link).path)
    for _value, label in CascadeArea.choices:
        phone.get_by_role("group", name=str(label)).get_by_label(str(score)).check()
    phone.get_by_role("button", name="Send my ratings").click()
    expect(phone.get_by_role("button", name="Save my changes")).to_be_visible()
    assert_accessible(phone)
    for request in requests[1:]:
        cascade_ratings_submit(
            request=request, scores={value: score for value, _ in CascadeArea.choices}
        )


def test_one_engagement_from_opening_to_closing(live_server, page, client, tmp_path):
    wiltshire = LocalAuthorityFactory(name="Wiltshire")
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire])
    client.force_login(coordinator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    url = live_server.url
    today = timezone.localdate()

    # Opened for the area.
    page.goto(f"{url}/facilitation/new/")
    page.locator("#id_name").fill("Wiltshire joint working 2026")
    page.get_by_label("Local authority").select_option(str(wiltshire.pk))
    page.get_by_label("Usual joining link for the meetings").fill("https://meet.example/wilts")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wiltshire joint working 2026")
    engagement = Engagement.objects.get(name="Wiltshire joint working 2026")
    assert engagement.stage == Stage.REQUESTED

    # Stakeholders imported from a CSV (all good rows).
    csv = tmp_path / "stakeholders.csv"
    csv.write_text(
        "name,role,organisation,sector,email\n"
        + "".join(",".join(row) + "\n" for row in STAKEHOLDERS)
    )
    page.goto(f"{url}/facilitation/{engagement.pk}/stakeholders/import/")
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("6 stakeholders")).to_be_visible()
    assert engagement.stakeholders.count() == 6

    # Along the path to the consultation.
    page.goto(f"{url}/facilitation/{engagement.pk}/")
    _move(page, "Start scoping")
    _move(page, "Start the schools survey")

    # The area's schools surveyed: one answers from its emailed link, four more by theirs.
    schools = [
        EstablishmentFactory(la=wiltshire, name=f"Avon School {n}", contact_email=f"h{n}@s.example")
        for n in range(5)
    ]
    page.get_by_role("link", name="Start the schools survey").click()
    page.get_by_label("Open until").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name=re.compile("Send the survey to 5")).click()
    expect(page.get_by_text("5 schools and colleges sent their link")).to_be_visible()
    email = OutgoingEmail.objects.get(
        kind=EmailKind.SURVEY_INVITATION, recipient=schools[0].contact_email
    )
    link = re.search(r"https?://\S+/facilitation/schools-survey/\S+/", email.body_text).group(0)
    school_page = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    school = school_page.new_page()
    school.goto(url + urlparse(link).path)
    for question in ("joint_working", "referral_routes", "shared_planning"):
        school.locator(f"#id_{question}_1").check()
    school.locator("#id_mental_health_lead_0").check()
    school.locator("#id_named_contact_0").check()
    school.get_by_role("button", name="Send our answers").click()
    expect(school.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    survey = engagement.schools_survey
    answered = survey.invites.get(establishment=schools[0])
    for invite in survey.invites.exclude(pk=answered.pk):
        schools_survey_answer(invite=invite, answers=answered.answers)
    page.goto(f"{url}/facilitation/{engagement.pk}/")
    expect(page.locator("#schools-survey-card")).to_contain_text("5 of 5")

    _move(page, "Move to consultation")
    engagement.refresh_from_db()
    assert engagement.stage == Stage.CONSULTATION

    # The consultation: scheduled today, held, attendance and notes.
    page.goto(f"{url}/facilitation/{engagement.pk}/meetings/new/")
    page.get_by_label("Meeting").select_option(label="Strategic consultation")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Starts").fill("09:30")
    page.get_by_label("Ends").fill("11:30")
    page.get_by_label("Agenda").fill("1. What the schools said\n2. Priorities")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategic consultation")
    consultation_url = page.url
    assert (
        OutgoingEmail.objects.filter(kind=EmailKind.MEETING_INVITATION)
        .values("recipient")
        .distinct()
        .count()
        == 6
    )
    for name in ("Ann Head", "Ben Lead", "Cat Teach", "Dan Vol", "Eve Comm"):
        page.get_by_label(re.compile(f"^{name}")).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator("#attendance-counts")).to_contain_text("5 attended")
    assert Attendance.objects.filter(present=True).count() == 5
    expect(page.locator("#schools-survey-card")).to_contain_text("5 of 5")  # what schools said
    page.get_by_label("Notes", exact=True).fill("Agreed: one referral route; named contacts.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("The notes are saved.")).to_be_visible()
    assert_accessible(page)

    # The stakeholders rate the seven CASCADE areas: one from the emailed link on a phone.
    _rating_round(page, url, engagement, RatingPoint.CONSULTATION, score=2)

    # Priorities, goals and actions agreed at it.
    page.goto(f"{url}/facilitation/{engagement.pk}/goals/")
    page.locator("#id_title").fill("Clear referral routes")
    page.locator("#id_cascade_area").select_option("clarity")
    page.get_by_role("button", name="Add the priority").click()
    expect(page.get_by_text("Clear referral routes").first).to_be_visible()
    ben = engagement.stakeholders.get(name="Ben Lead")
    page.locator("#id_goal-title").fill("One referral form for the area")
    page.locator("#id_goal-owner").select_option(str(ben.pk))
    page.locator("#id_goal-to").select_option(str(engagement.priorities.get().pk))
    page.locator("#id_goal-due_date").fill((today + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_text("The goal is added.")).to_be_visible()
    goal = Goal.objects.get(title="One referral form for the area")
    page.locator("#id_action-title").fill("Draft the form with two schools")
    page.locator("#id_action-owner").select_option(str(ben.pk))
    page.locator("#id_action-to").select_option(str(goal.pk))
    page.locator("#id_action-due_date").fill((today + dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action is added.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{url}/facilitation/{engagement.pk}/")
    _move(page, "Move to support sessions")

    # The owner is reminded by email and updates progress from the link in it, on a phone.
    assert plan_reminders_send() == 2
    reminder = OutgoingEmail.objects.filter(
        kind=EmailKind.PLAN_REMINDER, recipient="ben@nhs.example"
    ).first()
    link = re.search(r"https?://\S+/facilitation/mine/\S+/", reminder.body_text).group(0)
    owner_page = page.context.browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    owner_page.goto(url + urlparse(link).path)  # the email's host is the site's, not the test's
    expect(owner_page.get_by_role("heading", level=1)).to_contain_text("Your goals and actions")
    prefix = f"#id_goal{goal.pk}"
    owner_page.locator(f"{prefix}-status").select_option("on_track")
    owner_page.locator(f"{prefix}-progress").select_option("2")
    owner_page.get_by_role("button", name="Save One referral form for the area").click()
    expect(owner_page.get_by_text("is saved.")).to_be_visible()
    assert_accessible(owner_page)
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("on_track", 2)

    # Review: a review meeting records each goal's progress.
    page.goto(f"{url}/facilitation/{engagement.pk}/")
    _move(page, "Move to review")
    page.goto(f"{url}/facilitation/{engagement.pk}/meetings/new/")
    page.get_by_label("Meeting").select_option(label="Review meeting")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Starts").fill("14:00")
    page.get_by_label("Ends").fill("15:00")
    page.get_by_role("button", name="Schedule").click()
    page.locator(f"#progress-{goal.pk}").select_option("3")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Each goal's progress is recorded.")).to_be_visible()
    assert GoalReview.objects.get(goal=goal).progress == 3

    # Rated again at the final review; the evaluation report shows the change.
    _rating_round(page, url, engagement, RatingPoint.FINAL_REVIEW, score=4)
    page.goto(f"{url}/evaluation/?delivery_model=facilitation")
    cascade = page.locator("#cascade")
    expect(cascade).to_contain_text("Did joint working improve?")
    clarity = cascade.get_by_role("row", name=re.compile("^Clarity on roles"))
    expect(clarity).to_contain_text("6")  # pairs
    expect(clarity).to_contain_text("2.00 to 2.00")  # from 2 to 4 for everyone: +2
    assert_accessible(page)
    assert consultation_url != page.url

    # Closed.
    page.goto(f"{url}/facilitation/{engagement.pk}/")
    _move(page, "Close the engagement")
    engagement.refresh_from_db()
    assert engagement.stage == Stage.CLOSED
    assert_accessible(page)
