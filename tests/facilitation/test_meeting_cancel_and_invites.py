"""Cancelling a meeting (each person sent it told once, with an .ics that removes it; its
reminders stop; it leaves "what is next"), and each meeting's own invite list (those added
invited, those taken off told they are no longer needed, the register taken against it)."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from accounts.models import Role
from facilitation.errors import FacilitationError
from facilitation.models import Meeting, Stage
from facilitation.notifications import meeting_cancelled, meeting_invitations
from facilitation.retention import stakeholders_anonymise
from facilitation.selectors import engagement_detail
from facilitation.services.meetings import (
    meeting_attendance_mark,
    meeting_cancel,
    meeting_invites_set,
    meeting_notes_save,
    meeting_schedule,
    meeting_update,
)
from facilitation.services.reminders import meeting_reminders_send, notes_reminders_send
from facilitation.services.stakeholders import StakeholderDetails, stakeholder_add
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import SECTORS, EngagementFactory, StakeholderFactory, future
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import LocalAuthorityFactory
from workshops.models import Attendance
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db


def details(day):
    return WorkshopDetails(date=day, start_time=dt.time(10), end_time=dt.time(12))


@pytest.fixture
def engagement():
    engagement = EngagementFactory(stage=Stage.CONSULTATION)
    for sector in SECTORS:  # one of each sector but other, in this order
        StakeholderFactory(engagement=engagement, sector=sector)
    return engagement


def people(engagement):
    return list(engagement.stakeholders.order_by("pk"))


def emails(kind, **filters):
    return OutgoingEmail.objects.filter(kind=kind, **filters)


def event(email):
    """The one event of an email's .ics, with its calendar's METHOD."""
    calendar = Calendar.from_ical(email.attachments[0]["content"])
    (vevent,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), vevent


# --- Cancelling --------------------------------------------------------------------------


def test_cancelling_tells_each_person_sent_it_once_with_an_ics_that_removes_it(
    engagement, committed
):
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future())
    )
    invitation = emails(EmailKind.MEETING_INVITATION).first()
    committed(meeting_cancel, meeting=meeting, reason="The director is ill", actor=facilitator)
    committed(meeting_cancelled, meeting_id=meeting.pk)  # the send path again
    committed(meeting_invitations, meeting_id=meeting.pk)  # and any other event of it
    notices = emails(EmailKind.CANCELLATION)
    assert notices.count() == 5
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(
        s.email for s in people(engagement)
    )
    notice = notices.get(recipient=invitation.recipient)
    assert "The director is ill" in notice.body_text
    assert notice.subject.startswith("Cancelled: Strategic consultation")
    assert notice.local_authority_id == engagement.local_authority_id
    method, cancelled = event(notice)
    _, invited = event(invitation)
    assert method == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert str(cancelled["ATTENDEE"]) == f"mailto:{invitation.recipient}"
    # Who and why are kept on it and in its history.
    meeting.refresh_from_db()
    assert (meeting.cancelled_by, meeting.cancel_reason) == (facilitator, "The director is ill")
    record = meeting.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == facilitator
    assert record.history_change_reason == "The director is ill"


def test_the_cancellation_arrives_by_smtp_with_its_cancel_ics(engagement, committed, smtp):  # noqa: F811
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="review", details=details(future())
    )
    committed(meeting_cancel, meeting=meeting, reason="Budget & timing")
    queued = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).order_by("pk")
    for pk in queued.values_list("pk", flat=True):  # the send path, each twice
        assert email_send(email_id=pk).status == EmailStatus.SENT
        assert email_send(email_id=pk).status == "skipped"
    first = people(engagement)[0].email
    to_first = [message for rcpt_tos, message in smtp.messages if first in rcpt_tos]
    assert [m["Subject"].split(":")[0] for m in to_first] == ["Invitation", "Cancelled"]
    (part,) = list(to_first[1].iter_attachments())
    assert part.get_content_type() == "text/calendar"
    content = part.get_content()
    calendar = Calendar.from_ical(content if isinstance(content, str | bytes) else str(content))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert "Budget & timing" in to_first[1].get_body(preferencelist=("plain",)).get_content()


def test_a_cancelled_meeting_reminds_no_one_and_wants_no_notes(engagement, committed, clock):
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future(3))
    )
    committed(meeting_cancel, meeting=meeting, reason="Moved to the spring")
    clock.shift(dt.timedelta(days=2))
    assert meeting_reminders_send() == 0
    clock.shift(dt.timedelta(days=10))
    assert notes_reminders_send() == 0
    assert not emails(EmailKind.MEETING_REMINDER).exists()
    assert not any("notes" in item for item in engagement_detail(engagement=engagement)["overdue"])


def test_a_cancelled_meeting_is_not_changed_nor_takes_attendance(engagement, committed, clock):
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future(1))
    )
    with pytest.raises(FacilitationError, match="Say why"):
        meeting_cancel(meeting=meeting, reason="   ")
    committed(meeting_cancel, meeting=meeting, reason="No longer needed")
    refusals = [
        lambda: meeting_cancel(meeting=meeting, reason="Again"),
        lambda: meeting_update(meeting=meeting, kind="support", details=details(future(9))),
        lambda: meeting_invites_set(meeting=meeting, everyone=False, invitees=[]),
    ]
    clock.shift(dt.timedelta(days=1))
    refusals += [
        lambda: meeting_attendance_mark(meeting=meeting, present_ids=set()),
        lambda: meeting_notes_save(meeting=meeting, notes="Nothing"),
    ]
    for refused in refusals:
        with pytest.raises(FacilitationError) as error:
            refused()
        assert error.value.code == "cancelled"
    assert not Attendance.objects.filter(workshop=meeting.workshop).exists()
    assert Meeting.objects.get(pk=meeting.pk).workshop.date == future(0)


def test_a_meeting_that_has_taken_place_is_not_cancelled(engagement, committed, clock):
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future(1))
    )
    clock.shift(dt.timedelta(days=2))
    with pytest.raises(FacilitationError, match="taken place"):
        meeting_cancel(meeting=meeting, reason="Too late")


def test_cancelled_before_its_invitations_went_out_it_tells_no_one(
    engagement, committed, outbox_broker
):
    outbox_broker.run_fan_outs = False  # the invitations' fan-out waits in the broker
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future())
    )
    meeting_cancel(meeting=meeting, reason="Set by mistake")
    meeting_invitations(meeting_id=meeting.pk)  # the delayed invitations run after it
    meeting_cancelled(meeting_id=meeting.pk)
    assert not OutgoingEmail.objects.exists()


def test_a_cancelled_meeting_leaves_what_is_next(engagement, committed):
    lead = people(engagement)[0]
    lead.is_lead = True
    lead.save()
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future())
    )
    assert engagement_detail(engagement=engagement)["next_step"].startswith("Hold the")
    committed(meeting_cancel, meeting=meeting, reason="Purdah")
    detail = engagement_detail(engagement=engagement)
    assert detail["next_step"] == "Schedule the strategic consultation meeting."
    assert detail["meetings"][0].is_cancelled


# --- Invite lists ------------------------------------------------------------------------


def test_a_support_session_invites_the_few_chosen(engagement, committed):
    few = people(engagement)[:2]
    meeting = committed(
        meeting_schedule,
        engagement=engagement,
        kind="support",
        details=details(future()),
        invitees=[s.pk for s in few],
    )
    assert not meeting.invite_all
    assert sorted(emails(EmailKind.MEETING_INVITATION).values_list("recipient", flat=True)) == [
        s.email for s in few
    ]
    with pytest.raises(FacilitationError, match="Choose who is invited"):
        meeting_schedule(
            engagement=engagement, kind="support", details=details(future()), invitees=[]
        )


def test_added_are_invited_taken_off_are_told_once_and_put_back_are_invited_again(
    engagement, committed
):
    a, b, c, *_ = people(engagement)
    meeting = committed(
        meeting_schedule,
        engagement=engagement,
        kind="support",
        details=details(future()),
        invitees=[a.pk, b.pk],
    )
    invitation_to_b = emails(EmailKind.MEETING_INVITATION, recipient=b.email).get()
    assert committed(
        meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk, c.pk]
    ) == (1, 1)
    committed(meeting_invitations, meeting_id=meeting.pk)  # the send path twice
    assert emails(EmailKind.MEETING_INVITATION).count() == 3
    assert emails(EmailKind.MEETING_INVITATION, recipient=c.email).count() == 1
    notice = emails(EmailKind.CANCELLATION).get()
    assert notice.recipient == b.email
    assert notice.subject.startswith("No longer needed")
    method, off = event(notice)
    _, invited = event(invitation_to_b)
    assert (method, off["UID"]) == ("CANCEL", invited["UID"])
    assert off["SEQUENCE"] > invited["SEQUENCE"]
    # The same list again tells no one; b put back is invited again, after the notice.
    assert committed(
        meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk, c.pk]
    ) == (0, 0)
    committed(meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk, b.pk, c.pk])
    again = emails(EmailKind.MEETING_INVITATION, recipient=b.email).order_by("pk")
    assert again.count() == 2
    assert event(again.last())[1]["SEQUENCE"] >= off["SEQUENCE"]
    assert emails(EmailKind.CANCELLATION).count() == 1
    # Cancelled now: the three on the list are told; b is not told twice in a row.
    committed(meeting_cancel, meeting=meeting, reason="Not needed after all")
    assert emails(EmailKind.CANCELLATION).count() == 4


def test_taken_off_and_put_back_before_anything_was_sent_hears_nothing_more(
    engagement, committed, outbox_broker
):
    a, b, *_ = people(engagement)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future())
    )
    outbox_broker.run_fan_outs = False  # the notice waits in the broker...
    committed(meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk])
    committed(meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk, b.pk])
    meeting_invitations(meeting_id=meeting.pk)  # ...and runs when b is back
    assert not emails(EmailKind.CANCELLATION, recipient=b.email).exists()
    assert emails(EmailKind.CANCELLATION).count() == 3  # the three still off
    assert emails(EmailKind.MEETING_INVITATION, recipient=b.email).count() == 1


def test_those_taken_off_are_not_reminded(engagement, committed, clock):
    a, b, *_ = people(engagement)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="review", details=details(future(5))
    )
    committed(meeting_invites_set, meeting=meeting, everyone=False, invitees=[a.pk, b.pk])
    clock.shift(dt.timedelta(days=4))
    assert meeting_reminders_send() == 2
    assert sorted(emails(EmailKind.MEETING_REMINDER).values_list("recipient", flat=True)) == [
        a.email,
        b.email,
    ]


def test_someone_added_later_joins_the_meetings_that_invite_everyone_only(engagement, committed):
    few = [s.pk for s in people(engagement)[:2]]
    everyone = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future())
    )
    chosen = committed(
        meeting_schedule,
        engagement=engagement,
        kind="support",
        details=details(future(40)),
        invitees=few,
    )
    late = committed(
        stakeholder_add,
        engagement=engagement,
        details=StakeholderDetails(
            name="Late", role="other", organisation="VCS", sector="vcs", email="late@x.example"
        ),
    )
    assert set(late.invites.values_list("meeting_id", flat=True)) == {everyone.pk}
    assert emails(EmailKind.MEETING_INVITATION, recipient="late@x.example").count() == 1
    assert chosen.invites.count() == 2


def test_someone_removed_from_the_engagement_is_refused_and_an_erased_one_told_nothing(
    engagement, committed
):
    a, b, c, *_ = people(engagement)
    meeting = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future())
    )
    stakeholders_anonymise(engagement.stakeholders.filter(pk=a.pk))  # erased on request
    c_id = c.pk
    c.delete()  # and one gone from the engagement
    with pytest.raises(FacilitationError, match="no longer on this engagement") as error:
        meeting_invites_set(meeting=meeting, everyone=False, invitees=[b.pk, c_id])
    assert error.value.code == "not_on_engagement"
    assert meeting.invites.filter(removed_at__isnull=False).count() == 0  # nothing saved
    committed(meeting_cancel, meeting=meeting, reason="Rearranging")
    assert emails(EmailKind.CANCELLATION).count() == 3  # not the erased one, nor the gone
    assert not emails(EmailKind.CANCELLATION, recipient="").exists()


def test_attendance_against_the_invite_list_and_those_who_came_uninvited(
    engagement, committed, clock
):
    a, b, c, d, _ = people(engagement)
    meeting = committed(
        meeting_schedule,
        engagement=engagement,
        kind="support",
        details=details(future(1)),
        invitees=[a.pk, b.pk],
    )
    clock.shift(dt.timedelta(days=1))
    assert meeting_attendance_mark(meeting=meeting, present_ids={a.pk, c.pk}) == 2
    recorded = dict(
        Attendance.objects.filter(workshop=meeting.workshop).values_list(
            "participant_id", "present"
        )
    )
    assert recorded == {a.participant_id: True, b.participant_id: False, c.participant_id: True}
    # c did not come after all: they leave the register; b is absent, as invited.
    assert meeting_attendance_mark(meeting=meeting, present_ids={a.pk}) == 1
    assert c.participant_id not in set(
        Attendance.objects.filter(workshop=meeting.workshop).values_list(
            "participant_id", flat=True
        )
    )
    d_id = d.pk
    d.delete()
    with pytest.raises(FacilitationError, match="no longer on this engagement"):
        meeting_attendance_mark(meeting=meeting, present_ids={a.pk, d_id})


def test_the_engagement_page_shows_invited_present_by_sector_and_cancelled(
    engagement, committed, clock, client
):
    a, b, *_ = people(engagement)
    held = committed(
        meeting_schedule, engagement=engagement, kind="consultation", details=details(future(1))
    )
    off = committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future(9))
    )
    committed(meeting_cancel, meeting=off, reason="Snow")
    clock.shift(dt.timedelta(days=1))
    meeting_attendance_mark(meeting=held, present_ids={a.pk, b.pk})
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    page = client.get(reverse("facilitation:detail", args=[engagement.pk])).content.decode()
    assert "5 invited · 2 present" in page
    assert f"{a.get_sector_display()} 1, {b.get_sector_display()} 1" in page
    assert "<strong>cancelled</strong> (Snow)" in page


# --- Pages: permissions and scope -----------------------------------------------------------


@pytest.fixture
def upcoming(engagement, committed):
    return committed(
        meeting_schedule, engagement=engagement, kind="support", details=details(future())
    )


def test_the_facilitator_edits_the_invite_list_and_cancels_their_own_meeting(
    engagement, upcoming, client
):
    facilitator = user_with_role(Role.FACILITATOR)
    engagement.facilitators.add(facilitator)
    client.force_login(facilitator)
    a, b, *_ = people(engagement)
    page_url = reverse("facilitation:meeting", args=[upcoming.pk])
    page = client.get(page_url).content.decode()
    assert "Edit the invite list" in page and "Cancel meeting" in page
    assert "Edit meeting" not in page  # changing the details stays the coordinators'
    url = reverse("facilitation:meeting-invites", args=[upcoming.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"everyone": "no", "invitees": []})
    assert "Tick at least one person" in response.content.decode()  # the form again
    assert upcoming.invites.filter(removed_at__isnull=True).count() == 5
    response = client.post(url, {"everyone": "no", "invitees": [a.pk, b.pk]}, follow=True)
    page = response.content.decode()
    assert "3 taken off" in page
    assert "No one from Local authority, Voluntary and community sector" in page
    cancel = reverse("facilitation:meeting-cancel", args=[upcoming.pk])
    assert client.post(cancel, {"reason": ""}).status_code == 200  # the form, with its error
    assert not Meeting.objects.get(pk=upcoming.pk).is_cancelled
    response = client.post(cancel, {"reason": "The room is needed"}, follow=True)
    page = response.content.decode()
    assert "This meeting was cancelled" in page and "The room is needed" in page
    assert "Edit the invite list" not in page and "Cancel meeting" not in page
    for name in ("meeting-invites", "meeting-cancel"):
        again = client.get(reverse(f"facilitation:{name}", args=[upcoming.pk]))
        assert again.status_code == 302 and again.url == page_url
    ics = client.get(reverse("facilitation:meeting-calendar", args=[upcoming.pk]))
    assert b"METHOD:CANCEL" in ics.content


def test_others_cannot_cancel_or_edit_the_list(engagement, upcoming, client):
    urls = [
        reverse(f"facilitation:{name}", args=[upcoming.pk])
        for name in ("meeting-cancel", "meeting-invites")
    ]
    other_facilitator = user_with_role(Role.FACILITATOR)
    EngagementFactory().facilitators.add(other_facilitator)
    elsewhere = user_with_role(
        Role.REGIONAL_COORDINATOR, "elsewhere", local_authorities=[LocalAuthorityFactory()]
    )
    for user, status in [
        (other_facilitator, 404),
        (elsewhere, 404),
        (user_with_role(Role.VIEWER), 403),
    ]:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (user, url)
            assert client.post(url, {"reason": "x", "everyone": "yes"}).status_code == status
    client.logout()
    assert client.post(urls[0], {"reason": "x"}).status_code == 302  # to the login page
    assert not Meeting.objects.get(pk=upcoming.pk).is_cancelled
    assert not OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION).exists()
