"""An email whose reason has gone by the time it is sent is withdrawn, not sent (issue 10,
item 8): an offer since accepted, declined or lapsed; a reminder for a cancelled place or
cohort, or for a place that moved; an invitation to a school that has booked meanwhile."""

import datetime as dt

import pytest

from cohorts.models import CancelReason, PlaceStatus
from cohorts.services.cohorts import cohort_cancel
from cohorts.services.places import (
    Attendee,
    offer_accept,
    offer_decline,
    offers_expire,
    place_book,
    place_cancel,
    place_move,
)
from cohorts.services.reminders import reminders_send
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send, emails_send_batch
from tests.cohorts.factories import make_open_cohort
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def attendee(n: int) -> Attendee:
    return Attendee(name=f"Lead {n}", role="Senior mental health lead", email=f"lead{n}@s.example")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``with run():`` runs the block's on-commit notifications; nothing is sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def offered(run, clock):
    """A one-seat cohort: its booked school cancelled, so the first waiting school holds an
    offer whose email is queued and not yet sent."""
    la = LocalAuthorityFactory()
    cohort = make_open_cohort(local_authority=la, capacity=1)
    with run():
        booked = place_book(
            establishment=EstablishmentFactory(la=la), cohort=cohort, attendee=attendee(1)
        )
        waiting = place_book(
            establishment=EstablishmentFactory(la=la), cohort=cohort, attendee=attendee(2)
        )
        place_cancel(place=booked)
    waiting.refresh_from_db()
    assert waiting.status == PlaceStatus.OFFERED
    offer = OutgoingEmail.objects.get(kind=EmailKind.WAITLIST_OFFER)
    assert offer.status == EmailStatus.QUEUED
    return {"cohort": cohort, "place": waiting, "offer": offer, "la": la}


def test_an_offer_accepted_before_its_email_went_is_withdrawn(offered, run, smtp):  # noqa: F811
    with run():
        offer_accept(place=offered["place"])

    assert email_send(email_id=offered["offer"].pk).status == EmailStatus.CANCELLED
    offered["offer"].refresh_from_db()
    assert offered["offer"].status == EmailStatus.CANCELLED
    assert offered["offer"].last_error == "Not sent: the offer was accepted, declined or withdrawn"
    assert smtp.messages == []


def test_a_declined_offer_is_withdrawn_from_a_batch(offered, run, smtp):  # noqa: F811
    with run():
        offer_decline(place=offered["place"])

    assert emails_send_batch(email_ids=[offered["offer"].pk]) == {}  # withdrawn in the claim
    offered["offer"].refresh_from_db()
    assert offered["offer"].status == EmailStatus.CANCELLED
    assert smtp.messages == []


def test_an_offer_that_lapsed_unsent_is_withdrawn_as_expired(offered, clock, smtp):  # noqa: F811
    clock.shift(dt.timedelta(hours=49))  # past the 48-hour offer, before the expiry scan ran

    assert email_send(email_id=offered["offer"].pk).status == EmailStatus.CANCELLED
    offered["offer"].refresh_from_db()
    assert offered["offer"].last_error == "Not sent: the offer has expired"
    assert smtp.messages == []
    assert offers_expire() == 1  # the scan still expires it and tells the school


def test_reminders_for_a_cancelled_place_a_cancelled_cohort_or_a_move_are_withdrawn(
    run,
    clock,
    smtp,  # noqa: F811
):
    la = LocalAuthorityFactory()
    day_1 = dt.date(2026, 2, 9)  # five weeks after the clock's Monday
    cohort = make_open_cohort(local_authority=la, day_1=day_1)
    other = make_open_cohort(local_authority=la, day_1=day_1 + dt.timedelta(days=14))
    doomed = make_open_cohort(local_authority=la, day_1=day_1)
    with run():
        kept = place_book(
            establishment=EstablishmentFactory(la=la), cohort=cohort, attendee=attendee(1)
        )
        cancelled = place_book(
            establishment=EstablishmentFactory(la=la), cohort=cohort, attendee=attendee(2)
        )
        moved = place_book(
            establishment=EstablishmentFactory(la=la), cohort=cohort, attendee=attendee(3)
        )
        on_doomed = place_book(
            establishment=EstablishmentFactory(la=la), cohort=doomed, attendee=attendee(4)
        )
    clock.move_to(dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC))  # 7 days before workshop 1
    OutgoingEmail.objects.update(status=EmailStatus.SENT)  # the confirmations went long ago
    assert reminders_send() == 4
    reminders = {
        row.subject_id: row
        for row in OutgoingEmail.objects.filter(kind=EmailKind.WORKSHOP_REMINDER)
    }
    with run():
        place_cancel(place=cancelled)
        place_move(place=moved, to_cohort=other)
        cohort_cancel(cohort=doomed)

    outcomes = emails_send_batch(email_ids=[row.pk for row in reminders.values()])

    assert list(outcomes) == [reminders[kept.pk].pk]
    assert [tos for tos, _ in smtp.messages] == [["lead1@s.example"]]
    notes = dict(
        OutgoingEmail.objects.filter(kind=EmailKind.WORKSHOP_REMINDER).values_list(
            "subject_id", "last_error"
        )
    )
    assert notes[cancelled.pk] == "Not sent: the place was cancelled"
    assert notes[moved.pk] == "Not sent: the place moved to another cohort"
    assert notes[on_doomed.pk] == "Not sent: the place was cancelled"
    on_doomed.refresh_from_db()
    assert on_doomed.cancel_reason == CancelReason.COHORT_CANCELLED


def test_an_invitation_to_a_school_that_booked_meanwhile_is_withdrawn(
    run,
    smtp,  # noqa: F811
):
    from outbox.services import email_enqueue

    la = LocalAuthorityFactory()
    cohort = make_open_cohort(local_authority=la)
    school = EstablishmentFactory(la=la, contact_email="office@s.example")
    invitation, _ = email_enqueue(
        kind=EmailKind.INVITATION,
        recipient=school.contact_email,
        template="invitation",
        context={"establishment": school, "link": "https://l.example/b/x/"},
        concerns=school,
        establishment=school,
        occurrence="wave-1",
    )
    with run():
        place_book(establishment=school, cohort=cohort, attendee=attendee(1))

    assert email_send(email_id=invitation.pk).status == EmailStatus.CANCELLED
    invitation.refresh_from_db()
    assert invitation.last_error == "Not sent: the school has a place already"
