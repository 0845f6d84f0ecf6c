"""Professionals are part of the cohort (issue 13, item 7): added to an open cohort, or when
their cohort opens, each is invited with both days and a calendar file, then gets the same
reminders, change and cancellation notices as the schools; each email once, written in the
transaction of what caused it, stamped with the cohort's areas."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cohorts import professional_mail
from cohorts.models import CohortStatus, WorkshopReminder
from cohorts.services.cohorts import cohort_cancel, cohort_open_for_booking
from cohorts.services.places import Attendee, place_book
from cohorts.services.reminders import reminders_send
from cohorts.services.sessions import (
    professional_add,
    professional_remove,
    professional_update,
    workshop_days_save,
)
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.relevance import no_longer_wanted
from tests.cohorts.factories import CohortFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory
from tests.workshops.factories import WorkshopFactory
from workshops.models import OrganisationType
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 3, 2)  # eight weeks after the clock's Monday


def add(cohort, n=1, **details):
    return professional_add(
        cohort=cohort,
        name=f"Dr Rao {n}",
        organisation="North London CYPMHS",
        organisation_type=details.pop("organisation_type", OrganisationType.NHS_CYPMHS),
        email=details.pop("email", f"rao{n}@nhs.example"),
    )


def kinds(email):
    rows = OutgoingEmail.objects.filter(recipient=email).order_by("pk")
    return list(rows.values_list("kind", flat=True))


def test_added_to_an_open_cohort_a_professional_is_invited_with_both_days_and_a_calendar(
    clock, outbox_broker, django_capture_on_commit_callbacks
):
    cohort = make_open_cohort(day_1=DAY_1, name="Camden spring")
    with django_capture_on_commit_callbacks(execute=True):
        professional = add(cohort)
        professional_mail.professional_invited(professional_id=professional.pk)  # again

    email = OutgoingEmail.objects.get()
    assert (email.kind, email.recipient) == (EmailKind.PROFESSIONAL_INVITATION, "rao1@nhs.example")
    assert email.subject.startswith("You are invited: Camden spring")
    assert "Monday 2 March" in email.body_text and "Monday 13 April" in email.body_text
    (calendar,) = email.attachments
    assert calendar["filename"] == "link-workshops.ics"
    assert calendar["content"].count("BEGIN:VEVENT") == 2
    assert f"link-professional-{professional.pk}-workshop-" in calendar["content"]
    assert (email.local_authority_id, email.campaign) == (
        cohort.local_authority_id,
        cohort.campaign,
    )
    assert outbox_broker == [email.pk]


def test_an_invitation_rolls_back_with_the_professional_it_was_for(clock):
    cohort = make_open_cohort(day_1=DAY_1)
    with pytest.raises(RuntimeError), transaction.atomic():
        add(cohort)
        assert kinds("rao1@nhs.example") == ["professional_invitation"]
        raise RuntimeError("the request failed")
    assert not OutgoingEmail.objects.exists()


def test_professionals_on_a_planned_cohort_are_invited_when_it_opens_and_only_once(
    clock, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    WorkshopFactory(cohort=cohort, day=1, date=DAY_1)
    WorkshopFactory(cohort=cohort, day=2, date=DAY_1 + dt.timedelta(days=42))
    first, second = add(cohort, 1), add(cohort, 2)
    assert not OutgoingEmail.objects.exists()  # planned: nothing to tell yet

    with django_capture_on_commit_callbacks(execute=True):
        cohort_open_for_booking(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        professional_mail.professionals_invited(cohort_id=cohort.pk)  # a redelivered task

    invited = OutgoingEmail.objects.filter(kind=EmailKind.PROFESSIONAL_INVITATION)
    assert sorted(invited.values_list("recipient", flat=True)) == [first.email, second.email]


def test_a_new_address_is_invited_and_a_corrected_name_sends_nothing(clock):
    cohort = make_open_cohort(day_1=DAY_1)
    professional = add(cohort)
    details = {
        "name": "Dr A Rao",
        "organisation": "North London CYPMHS",
        "organisation_type": OrganisationType.NHS_CYPMHS,
    }
    professional_update(professional=professional, email="RAO1@nhs.example", **details)
    assert OutgoingEmail.objects.count() == 1
    professional_update(professional=professional, email="a.rao@nhs.example", **details)
    assert kinds("a.rao@nhs.example") == ["professional_invitation"]


def test_professionals_get_the_same_reminders_change_and_cancellation_notices_as_schools(
    clock, django_capture_on_commit_callbacks
):
    cohort = make_open_cohort(day_1=DAY_1)
    school = EstablishmentFactory(la=cohort.local_authority)
    attendee = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        place_book(establishment=school, cohort=cohort, attendee=attendee)
        add(cohort)
    clock.move_to(dt.datetime(2026, 2, 23, 9, tzinfo=dt.UTC))  # 7 days before workshop 1
    assert reminders_send() == 2
    assert reminders_send() == 0
    day_1, day_2 = cohort.workshops.order_by("day")
    moved = WorkshopDetails(
        date=day_2.date + dt.timedelta(days=7), start_time=day_2.start_time, end_time=day_2.end_time
    )
    same = WorkshopDetails(date=day_1.date, start_time=day_1.start_time, end_time=day_1.end_time)
    with django_capture_on_commit_callbacks(execute=True):
        workshop_days_save(cohort=cohort, day_1=same, day_2=moved)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_cancel(cohort=cohort)

    school_kinds, professional_kinds = kinds("sam@school.example"), kinds("rao1@nhs.example")
    assert school_kinds == [
        "booking_confirmation",
        "workshop_reminder",
        "workshop_change",
        "cancellation",
    ]
    # The same, but the invitation for the confirmation and the professionals' change notice.
    assert professional_kinds == [
        "professional_invitation",
        "workshop_reminder",
        "professional_notice",
        "cancellation",
    ]
    notice = OutgoingEmail.objects.get(kind=EmailKind.PROFESSIONAL_NOTICE)
    assert notice.attachments[0]["filename"] == "link-workshops.ics"
    cancelled = OutgoingEmail.objects.get(recipient="rao1@nhs.example", kind="cancellation")
    assert "has been cancelled, so these workshops will not take place" in cancelled.body_text
    assert cancelled.local_authority_id == cohort.local_authority_id


def test_a_professional_added_after_the_7_day_point_gets_only_the_1_day_reminder(clock):
    cohort = make_open_cohort(day_1=DAY_1)
    clock.move_to(dt.datetime(2026, 2, 24, 9, tzinfo=dt.UTC))  # 6 days before
    late = add(cohort)
    assert reminders_send() == 0
    clock.move_to(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))  # the day before
    assert reminders_send() == 1
    assert WorkshopReminder.objects.get().professional == late
    assert kinds(late.email) == ["professional_invitation", "workshop_reminder"]


def test_a_removed_professional_is_told_and_their_reminder_withdrawn(clock):
    cohort = make_open_cohort(day_1=DAY_1)
    professional = add(cohort)
    clock.move_to(dt.datetime(2026, 2, 23, 9, tzinfo=dt.UTC))
    reminders_send()
    reminder = OutgoingEmail.objects.get(kind=EmailKind.WORKSHOP_REMINDER)

    professional_remove(professional=professional)

    assert kinds("rao1@nhs.example") == [
        "professional_invitation",
        "workshop_reminder",
        "cancellation",
    ]
    notice = OutgoingEmail.objects.get(kind=EmailKind.CANCELLATION)
    assert "no longer expected" in notice.subject
    assert no_longer_wanted([reminder], timezone.now()) == {
        reminder.pk: "the professional was taken off the cohort"
    }


def test_a_professional_never_invited_is_not_told_of_a_removal_or_a_cancellation(
    clock, outbox_broker, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()  # planned: its professionals were never told its days
    professional = add(cohort, 1)
    add(cohort, 2)
    professional_remove(professional=professional)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_cancel(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.CANCELLED and len(outbox_broker.fan_outs) == 1
    assert not OutgoingEmail.objects.exists()


def test_an_email_that_cannot_be_written_is_a_failed_row_and_the_professional_stands(
    clock, monkeypatch
):
    cohort = make_open_cohort(day_1=DAY_1)

    def broken(*args, **kwargs):
        raise ValueError("no calendar")

    monkeypatch.setattr(professional_mail, "professional_calendar", broken)
    professional = add(cohort)
    email = OutgoingEmail.objects.get()
    assert (email.status, email.last_error) == (
        EmailStatus.FAILED,
        "Could not be written: ValueError",
    )
    assert professional.pk


def test_the_timeline_counts_the_professionals_among_those_reminded(clock):
    from cohorts.timeline import cohort_timeline

    cohort = make_open_cohort(day_1=DAY_1)
    place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=Attendee(name="Sam Lead", role="SMHL", email="sam@school.example"),
    )
    add(cohort, 1)
    add(cohort, 2)
    reminders = [e.who for e in cohort_timeline(cohort=cohort) if "Reminder" in e.what]
    assert reminders == ["the 1 booked school and 2 professionals"] * 4
