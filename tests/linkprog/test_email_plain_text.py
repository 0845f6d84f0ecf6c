"""Every kind of email Link sends, about a school whose name has an apostrophe and an
ampersand: the subject and the text part say it as it is, the HTML part escapes it.

One journey through the real services queues every ``EmailKind`` (and the password reset,
which Django sends itself); each email then goes through the real send path to an SMTP
server (aiosmtpd), and what arrived is read back.
"""

import datetime as dt
import re
from dataclasses import replace

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts import notifications
from cohorts.models import Wave
from cohorts.services.cohorts import cohort_cancel
from cohorts.services.places import (
    Attendee,
    offer_decline,
    offers_expire,
    place_book,
    place_cancel,
    place_move,
    waiting_lists_close_due,
)
from cohorts.services.reminders import nudges_send, reminders_send
from cohorts.services.sessions import professional_add, workshop_days_save
from cohorts.services.waves import wave_dispatch, wave_launch, wave_preview
from evaluation.models import SurveyInvitation
from evaluation.seed import seed_questionnaires
from evaluation.services.responses import survey_link_request_new
from evaluation.services.surveys import surveys_invite_due, surveys_remind
from linkprog import urls as linkprog_urls
from linkprog.digest import digests_send
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send
from tests.accounts.factories import UserFactory, user_with_role
from tests.cohorts.factories import PhaseFactory, make_open_cohort
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db

SCHOOL = "St Alban's Church of England & Research Primary School"
PROGRAMME = "Schools & Colleges' Mental Health Link Programme"
#: What an HTML-escaped apostrophe, ampersand, quote or angle bracket looks like.
ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|amp|quot|apos|lt|gt);")
#: The kinds whose subject names the school.
NAMED_IN_SUBJECT = {
    EmailKind.INVITATION,
    EmailKind.NUDGE,
    EmailKind.BOOKING_CONFIRMATION,
    EmailKind.WORKSHOP_REMINDER,
    EmailKind.WAITLIST_JOINED,
    EmailKind.WAITLIST_OFFER,
    EmailKind.OFFER_DECLINED,
    EmailKind.OFFER_EXPIRED,
    EmailKind.MOVE,
}


def person(name: str, email: str) -> Attendee:
    return Attendee(name=name, role="Senior mental health lead", email=email)


def deliver() -> None:
    """Send what is queued, as a worker does seconds later (an email whose reason has gone
    by the time it is sent would be withdrawn)."""
    queued = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).order_by("pk")
    for pk in queued.values_list("pk", flat=True):
        assert email_send(email_id=pk).status == EmailStatus.SENT


@pytest.fixture
def journey(
    clock,
    settings,
    django_capture_on_commit_callbacks,
    stub_outbox_broker,
    smtp,  # noqa: F811
    tmp_path,
):
    """Every kind of email, sent by the real services to schools named like ``SCHOOL``."""
    settings.LINK_PROGRAMME_NAME = PROGRAMME
    seed_questionnaires(apps)  # a live-server test may have flushed them
    la = LocalAuthorityFactory(name="Camden & Islington")
    phase = PhaseFactory(name="Autumn & winter")
    phase.local_authorities.add(la)
    school = EstablishmentFactory(la=la, name=SCHOOL, contact_email="office@stalbans.example")
    other = EstablishmentFactory(la=la, name="St Bede's & St Joseph's College", contact_email="")
    third = EstablishmentFactory(la=la, name="O'Connell & Partners' Academy", contact_email="")
    cohort = make_open_cohort(
        capacity=1,
        local_authority=la,
        phase=phase,
        name="Camden & Islington's spring",
        venue_name="Development & Research Centre",
    )
    elsewhere = make_open_cohort(local_authority=la, phase=phase, name="Camden & Islington 2")
    ProfessionalFactory(cohort=cohort, name="Pat O'Brien", email="pat@nhs.example")

    def step(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        deliver()
        return result

    # A professional added to the open cohort is invited (Pat, above, was there before).
    step(
        lambda: professional_add(
            cohort=cohort,
            name="Mo O'Hare",
            organisation="Camden & Islington CYPMHS",
            organisation_type="nhs_cypmhs",
            email="mo@nhs.example",
        )
    )

    # An invitation wave (and its preview); a fortnight after it was sent, the nudge.
    wave = Wave.objects.create(name="Camden & Islington's autumn", phase=phase)
    preview = wave_preview(wave=wave)
    step(lambda: wave_launch(wave=wave))
    step(lambda: wave_dispatch(wave_id=wave.pk))
    step(lambda: nudges_send(now=timezone.now() + dt.timedelta(days=15)))

    # Booking, the waiting list, an offer declined and one that lapses.
    sam = person("Sam O'Neil", "sam@stalbans.example")
    booked = step(lambda: place_book(establishment=school, cohort=cohort, attendee=sam))
    bo, cy = person("Bo D'Arcy", "bo@bede.example"), person("Cy & Di", "cy@oc.example")
    second = step(lambda: place_book(establishment=other, cohort=cohort, attendee=bo))
    step(lambda: place_book(establishment=third, cohort=cohort, attendee=cy))
    step(lambda: place_cancel(place=booked))
    step(lambda: offer_decline(place=second))
    clock.shift(dt.timedelta(hours=49))
    step(offers_expire)

    # Booked elsewhere, then moved back; workshop 2 moves; a reminder; a new booking link.
    rebooked = step(lambda: place_book(establishment=school, cohort=elsewhere, attendee=sam))
    step(lambda: place_move(place=rebooked, to_cohort=cohort))
    day_1, day_2 = cohort.workshops.order_by("day")
    times = {"start_time": dt.time(9, 30), "end_time": dt.time(16, 0)}
    step(
        lambda: workshop_days_save(
            cohort=cohort,
            day_1=WorkshopDetails(date=day_1.date, venue_name="Development & Research", **times),
            day_2=WorkshopDetails(date=day_2.date + dt.timedelta(days=1), **times),
        )
    )
    step(lambda: reminders_send(now=timezone.now() + dt.timedelta(days=55)))  # 7 days to go
    step(lambda: notifications.booking_link_requested(establishment_id=school.pk))

    # The surveys: the invitation on booking, a reminder a week on, a new link.
    step(surveys_invite_due)
    step(lambda: surveys_remind(now=timezone.now() + dt.timedelta(days=8)))
    invitation = SurveyInvitation.objects.filter(
        participant__school_attendee__establishment=school
    ).get()
    step(lambda: survey_link_request_new(invitation=invitation))

    step(lambda: cohort_cancel(cohort=cohort))

    # A waiting list closed with booking, and the school told when the area's next opens.
    summer = make_open_cohort(
        capacity=1,
        local_authority=la,
        phase=phase,
        name="Camden & Islington's summer",
        day_1=timezone.localdate() + dt.timedelta(days=20),
    )
    mary = EstablishmentFactory(la=la, name="St Mary's & St John's", contact_email="o@m.example")
    step(lambda: place_book(establishment=third, cohort=summer, attendee=cy))
    di = person("Di O'Hara", "di@mary.example")
    step(lambda: place_book(establishment=mary, cohort=summer, attendee=di))  # waiting
    clock.shift(dt.timedelta(days=14))  # booking closed 7 days before workshop 1
    step(waiting_lists_close_due)
    step(
        lambda: make_open_cohort(
            local_authority=la, phase=phase, name="Camden & Islington's autumn & winter"
        )
    )
    # The area's coordinator hears of the day's cancellations in their digest.
    coordinator = user_with_role(
        Role.REGIONAL_COORDINATOR, username="coordinator", local_authorities=[la]
    )
    coordinator.email = "coordinator@link.example"
    coordinator.save()
    step(digests_send)

    # Online facilitation: an invitation, a change, the reminder the day before, and the
    # facilitator's reminder of notes not written three days on.
    from facilitation.services.meetings import meeting_schedule, meeting_update
    from facilitation.services.reminders import meeting_reminders_send, notes_reminders_send
    from facilitation.services.stakeholders import StakeholderDetails, stakeholder_add
    from tests.facilitation.factories import EngagementFactory

    engagement = EngagementFactory(name="Camden & Islington's leaders", local_authority=la)
    facilitator = user_with_role(Role.FACILITATOR, username="facilitator")
    facilitator.email = "facilitator@link.example"
    facilitator.save()
    engagement.facilitators.add(facilitator)
    leader = StakeholderDetails(
        name="Jo O'Keefe",
        role="head_of_service",
        organisation="Camden & Co",
        sector="la",
        email="jo@la.example",
    )
    step(lambda: stakeholder_add(engagement=engagement, details=leader))
    on = timezone.localdate() + dt.timedelta(days=3)
    meeting = step(
        lambda: meeting_schedule(
            engagement=engagement,
            kind="consultation",
            details=WorkshopDetails(date=on, **times),
            agenda="Priorities & goals",
        )
    )
    later = WorkshopDetails(date=on + dt.timedelta(days=1), **times)
    step(lambda: meeting_update(meeting=meeting, kind="consultation", details=later))
    # A support session for two: one taken off the list, then the session cancelled.
    from facilitation.services.meetings import meeting_cancel, meeting_invites_set

    sam = replace(leader, name="Sam D'Arcy", sector="vcs", email="sam@vcs.example")
    other_leader = step(lambda: stakeholder_add(engagement=engagement, details=sam))
    pair = list(engagement.stakeholders.values_list("pk", flat=True))
    support = step(
        lambda: meeting_schedule(
            engagement=engagement,
            kind="support",
            details=WorkshopDetails(date=on + dt.timedelta(days=9), **times),
            invitees=pair,
        )
    )
    kept = [pk for pk in pair if pk != other_leader.pk]
    step(lambda: meeting_invites_set(meeting=support, everyone=False, invitees=kept))
    step(lambda: meeting_cancel(meeting=support, reason="Jo's team & the LA can't make it"))
    step(lambda: meeting_reminders_send(now=timezone.now() + dt.timedelta(days=3)))
    step(lambda: notes_reminders_send(now=timezone.now() + dt.timedelta(days=8)))
    # A goal's owner is reminded a week before it is due.
    from facilitation.models import Stakeholder
    from facilitation.services.plan_reminders import plan_reminders_send
    from facilitation.services.plans import goal_add, priority_add

    priority = priority_add(engagement=engagement, title="Routes & roles", cascade_area="clarity")
    goal_add(
        priority=priority,
        title="One referral form & guide",
        owner=Stakeholder.objects.get(email="jo@la.example"),
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    step(plan_reminders_send)
    # CASCADE ratings: each stakeholder's link when the round opens, one reminder a week on.
    from facilitation.services.ratings import rating_requests_send, rating_round_open

    step(lambda: rating_round_open(engagement=engagement, point="consultation"))
    step(lambda: rating_requests_send(now=timezone.now() + dt.timedelta(days=8)))

    # A large export, built by a worker: its owner is told it is ready.
    from linkprog.exports.services import export_job_queue, export_job_run

    settings.LINK_EXPORT_INLINE_ROWS, settings.LINK_EXPORT_DIR = 0, str(tmp_path)
    evaluator = user_with_role(Role.NATIONAL_ADMIN, username="evaluator")
    evaluator.first_name, evaluator.last_name = "Sam", "O'Neil & Co"
    evaluator.save()
    job = export_job_queue(kind="responses-csv", params={}, actor=evaluator)
    step(lambda: export_job_run(job_id=job.pk))
    return {"preview": preview, "smtp": smtp}


def test_every_email_says_names_as_they_are_in_its_subject_and_text_and_escapes_html(journey):
    rows = {row.message_id: row for row in OutgoingEmail.objects.select_related("establishment")}
    assert {row.kind for row in rows.values()} == set(EmailKind.values)  # every kind
    assert {row.status for row in rows.values()} == {EmailStatus.SENT}
    received = journey["smtp"].messages
    assert len(received) == len(rows)

    for rcpt_tos, message in received:
        row = rows[message["Message-ID"]]
        about = f"{row.kind} to {rcpt_tos}"
        subject = message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert not ENTITY.search(subject), f"{about}: {subject}"
        assert not ENTITY.search(text), f"{about}: {ENTITY.search(text)[0]} in the text"
        assert PROGRAMME in text, about
        if row.kind in NAMED_IN_SUBJECT and row.establishment_id:  # not a professional's
            assert row.establishment.name in subject, f"{about}: {subject}"
        # The HTML part is HTML: the same name, escaped.
        assert "Schools &amp; Colleges&#x27; Mental Health" in html, about
        assert PROGRAMME not in html, about

    invitation = next(r for r in rows.values() if r.kind == EmailKind.INVITATION)
    assert invitation.subject == f"{SCHOOL}: join the Link Programme workshops"
    assert f"Dear colleague at {SCHOOL}," in invitation.body_text
    assert "St Alban&#x27;s Church of England &amp; Research" in invitation.body_html
    notice = next(
        r
        for r in rows.values()
        if r.kind == EmailKind.PROFESSIONAL_NOTICE and r.recipient == "pat@nhs.example"
    )
    assert notice.subject == "Camden & Islington's spring: both workshops have changed"
    assert notice.body_text.startswith("Dear Pat O'Brien,")
    assert "Venue: Development & Research" in notice.body_text
    invited = next(r for r in rows.values() if r.kind == EmailKind.PROFESSIONAL_INVITATION)
    assert (
        invited.subject == "You are invited: Camden & Islington's spring, Link Programme workshops"
    )
    assert invited.body_text.startswith("Dear Mo O'Hare,")
    assert "Dear Mo O&#x27;Hare," in invited.body_html
    rating, reminder = (  # Jo's link and its reminder (Sam, added at a meeting, has theirs)
        r
        for r in sorted(rows.values(), key=lambda r: r.pk)
        if "/facilitation/rate/" in r.body_text and r.recipient == "jo@la.example"
    )
    assert (
        reminder.subject
        == "Reminder: rate joint working for Camden & Islington's leaders (consultation)"
    )
    assert rating.subject == (
        "How well does your area work together? Rate it for Camden & Islington's leaders "
        "(consultation)"
    )
    assert rating.body_text.startswith("Dear Jo O'Keefe,")
    assert "Dear Jo O&#x27;Keefe," in rating.body_html


def test_the_wave_preview_shows_the_subject_and_text_as_they_will_be_sent(journey):
    preview = journey["preview"]

    assert preview.sample_subject == f"{SCHOOL}: join the Link Programme workshops"
    assert f"Dear colleague at {SCHOOL}," in preview.sample_text
    assert not ENTITY.search(preview.sample_subject + preview.sample_text)
    assert "St Alban&#x27;s Church of England &amp; Research" in preview.sample_html


def test_the_password_reset_email_says_the_programme_name_as_it_is(client, monkeypatch):
    monkeypatch.setitem(
        linkprog_urls.PASSWORD_RESET_EMAIL_CONTEXT, "programme_short_name", "Link & Schools'"
    )
    UserFactory(username="sam", email="sam@stalbans.example")

    client.post(reverse("password_reset"), {"email": "sam@stalbans.example"})

    (message,) = mail.outbox
    assert message.subject == "Reset your Link & Schools' password"
    assert "the Link & Schools' account sam" in message.body
    assert not ENTITY.search(message.subject + message.body)
