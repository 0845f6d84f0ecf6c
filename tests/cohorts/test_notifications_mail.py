"""Every cohort event as real mail: services → outbox rows on commit → email_send → aiosmtpd.

Each test drives the real services inside ``django_capture_on_commit_callbacks`` (so the
notifications run as after a commit), sends the queued rows with ``email_send`` and reads
what the SMTP server received. The broker is a list (``outbox_broker`` in conftest.py):
no worker is needed, and none picks these up.
"""

import datetime as dt
import logging
import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from cohorts import notifications
from cohorts.errors import BookingError
from cohorts.models import CancelReason, Cohort, PlaceStatus
from cohorts.services.cohorts import cohort_cancel, cohort_mark_running
from cohorts.services.links import booking_link_path
from cohorts.services.places import (
    Attendee,
    offer_accept,
    offer_decline,
    offers_expire,
    place_book,
    place_cancel,
    place_change_attendee,
    place_move,
)
from cohorts.services.sessions import workshop_days_save, workshop_save
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send
from tests.cohorts.factories import make_open_cohort
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.models import Workshop
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db

BASE_URL = "https://link.example.org"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.LINK_BASE_URL = BASE_URL


@pytest.fixture
def events(django_capture_on_commit_callbacks, smtp):  # noqa: F811
    """``with events():`` runs the block's on-commit notifications, as a commit would, then
    sends what they queued, as a worker does seconds later (before the next event: an email
    whose reason is gone by the time it is sent is withdrawn, see test_stale_emails.py)."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        deliver()

    return run


def deliver() -> None:
    """Send every queued row in the order queued, each twice: the second does nothing."""
    queued = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).order_by("pk")
    for pk in queued.values_list("pk", flat=True):
        assert email_send(email_id=pk).status == EmailStatus.SENT
        assert email_send(email_id=pk).status == "skipped"


def received(smtp, address: str) -> list:  # noqa: F811
    return [message for rcpt_tos, message in smtp.messages if address in rcpt_tos]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo("Europe/London"))


def calendar_of(message) -> Calendar:
    (part,) = [p for p in message.iter_attachments() if p.get_filename() == "link-workshops.ics"]
    assert part.get_content_type() == "text/calendar"
    content = part.get_content()
    return Calendar.from_ical(content if isinstance(content, str | bytes) else str(content))


def kinds_to(address: str) -> list[str]:
    rows = OutgoingEmail.objects.filter(recipient=address).order_by("pk")
    return list(rows.values_list("kind", flat=True))


def person(name: str) -> Attendee:
    slug = name.lower().replace(" ", ".")
    return Attendee(name=name, role="Senior mental health lead", email=f"{slug}@school.example")


@pytest.fixture
def cohort(clock):
    return make_open_cohort(capacity=1, name="Camden spring")


def school_in(cohort, **kwargs):
    return EstablishmentFactory(la=cohort.local_authority, **kwargs)


# --- Booking --------------------------------------------------------------------------------


def test_a_booking_is_confirmed_once_with_both_days_a_calendar_and_an_absolute_link(
    client,
    cohort,
    events,
    smtp,  # noqa: F811
):
    school = school_in(cohort, name="Hill Primary")
    sam = person("Sam Lead")

    with events():
        place = place_book(establishment=school, cohort=cohort, attendee=sam)
    with events():  # the same notification again (a redelivered callback)
        notifications.place_booked(place_id=place.pk)
    with events(), pytest.raises(BookingError):  # and the same booking again: refused
        place_book(establishment=school, cohort=cohort, attendee=sam)
    deliver()

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION]
    (message,) = received(smtp, sam.email)
    assert message["Subject"] == "Hill Primary: your place on Camden spring is booked"
    text, html = text_of(message), html_of(message)
    assert "Workshop 1: Friday 6 March 2026, 9:30am to 4pm" in text
    assert "Workshop 2: Friday 17 April 2026, 9:30am to 4pm" in text
    assert "Venue: Civic Centre, 1 High Street, London NW1 1AA" in text
    (link,) = [url for url in links_in(text) if "/book/" in url]
    assert link.startswith(f"{BASE_URL}/cohorts/book/")
    assert f'href="{link}"' in html
    assert '<html lang="en-GB">' in html and "<img" not in html
    assert client.get(link.removeprefix(BASE_URL)).status_code == 200  # the link works
    # The .ics: both days, at the right times in London.
    vevents = calendar_of(message).walk("VEVENT")
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in vevents] == [
        (london(2026, 3, 6, 9, 30), london(2026, 3, 6, 16, 0)),
        (london(2026, 4, 17, 9, 30), london(2026, 4, 17, 16, 0)),
    ]
    assert {str(e.decoded("dtstart").tzinfo) for e in vevents} == {"Europe/London"}


def test_a_cohort_already_named_on_two_lines_still_gets_its_confirmation_and_calendar(
    cohort,
    events,
    smtp,  # noqa: F811
):
    # Saved before names had to be on one line: the .ics escapes the breaks, never fails.
    Cohort.objects.filter(pk=cohort.pk).update(
        name="Camden\nspring", venue_name="Civic Centre\r\nHall 2"
    )
    Workshop.objects.filter(delivery__cohort=cohort, day=2).update(
        venue_name="Town Hall;\u2028Room 1"
    )
    cohort.refresh_from_db()
    sam = person("Sam Lead")

    with events():
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=sam)
    deliver()

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION]
    (message,) = received(smtp, sam.email)
    assert message["Subject"].endswith("your place on Camden spring is booked")
    calendar = calendar_of(message)
    day_1, day_2 = calendar.walk("VEVENT")
    assert str(day_1["summary"]).endswith("workshop 1 of 2: Camden\nspring")
    assert str(day_1["location"]).startswith("Civic Centre\nHall 2, ")
    assert str(day_2["location"]).startswith("Town Hall;\nRoom 1, ")
    assert "Camden\\nspring" in str(calendar["x-wr-calname"])  # escaped on one line


def test_an_online_cohort_with_a_broken_joining_link_still_gets_its_calendar(
    clock,
    events,
    smtp,  # noqa: F811
):
    cohort = make_open_cohort(format="online", joining_link="https://meet.example/link")
    Cohort.objects.filter(pk=cohort.pk).update(joining_link="https://meet.example/\nlink")
    sam = person("Sam Lead")

    with events():
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=sam)
    deliver()

    (message,) = received(smtp, sam.email)
    for event in calendar_of(message).walk("VEVENT"):
        assert "url" not in event  # not a URI: left out rather than failing the file
        assert "Join online: https://meet.example/\nlink" in str(event["description"])


def test_a_waiting_list_entry_is_acknowledged_with_its_position(
    cohort,
    events,
    smtp,  # noqa: F811
):
    first, second, third = person("Ann First"), person("Bo Second"), person("Cy Third")
    with events():
        for attendee in (first, second, third):
            place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)
    deliver()

    assert kinds_to(first.email) == [EmailKind.BOOKING_CONFIRMATION]
    assert kinds_to(second.email) == [EmailKind.WAITLIST_JOINED]
    assert kinds_to(third.email) == [EmailKind.WAITLIST_JOINED]
    (message,) = received(smtp, third.email)
    assert "on its waiting list, at number 2." in text_of(message)
    assert "held for 48 hours" in text_of(message)


# --- Cancel → offer → expire / accept / decline -----------------------------------------------


@pytest.fixture
def full(cohort, events):
    """The one seat booked by ``booked``; ``first`` and ``second`` waiting, in that order."""
    people = person("Ann Booked"), person("Bo First"), person("Cy Second")
    with events():
        places = [
            place_book(establishment=school_in(cohort), cohort=cohort, attendee=attendee)
            for attendee in people
        ]
    return list(zip(people, places, strict=True))


def test_a_cancellation_is_confirmed_and_the_seat_offered_with_its_expiry(
    full,
    events,
    smtp,  # noqa: F811
):
    (booked, booked_place), (first, first_place), (second, _) = full

    with events():
        place_cancel(place=booked_place)
    with events(), pytest.raises(BookingError):  # cancelling twice is refused
        place_cancel(place=booked_place)
    with events():  # and the notifications again send nothing more
        notifications.place_cancelled(place_id=booked_place.pk)
        notifications.offer_made(place_id=first_place.pk)
    deliver()

    assert kinds_to(booked.email) == [EmailKind.BOOKING_CONFIRMATION, EmailKind.CANCELLATION]
    assert kinds_to(first.email) == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]
    assert kinds_to(second.email) == [EmailKind.WAITLIST_JOINED]
    cancelled = received(smtp, booked.email)[-1]
    assert "is cancelled, as asked through the school's booking link" in text_of(cancelled)
    offer = received(smtp, first.email)[-1]
    # Offered at 10am on Monday 5 January 2026 (London), held 48 hours.
    assert "accept by 10am on Wednesday 7 January 2026" in offer["Subject"]
    assert "held for you until 10am on Wednesday 7 January 2026" in text_of(offer)
    assert any(url.startswith(f"{BASE_URL}/cohorts/book/") for url in links_in(text_of(offer)))


def test_a_lapsed_offer_is_notified_once_and_the_seat_offered_to_the_next_school(
    full,
    events,
    clock,
    smtp,  # noqa: F811
):
    (_, booked_place), (first, _), (second, _) = full
    with events():
        place_cancel(place=booked_place)
    clock.shift(dt.timedelta(hours=49))

    with events():
        assert offers_expire() == 1
    with events():  # the periodic task again: nothing left to lapse, nothing sent
        assert offers_expire() == 0
    deliver()

    assert kinds_to(first.email) == [
        EmailKind.WAITLIST_JOINED,
        EmailKind.WAITLIST_OFFER,
        EmailKind.OFFER_EXPIRED,
    ]
    assert "was not accepted in time" in text_of(received(smtp, first.email)[-1])
    assert kinds_to(second.email) == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]
    offer = received(smtp, second.email)[-1]  # offered when the first lapsed: 11am Wednesday
    assert "held for you until 11am on Friday 9 January 2026" in text_of(offer)


def test_an_accepted_offer_is_confirmed_with_the_calendar(
    full,
    events,
    smtp,  # noqa: F811
):
    (_, booked_place), (first, first_place), _ = full
    with events():
        place_cancel(place=booked_place)

    with events():
        offer_accept(place=first_place)
    with events(), pytest.raises(BookingError):
        offer_accept(place=first_place)
    deliver()

    assert kinds_to(first.email) == [
        EmailKind.WAITLIST_JOINED,
        EmailKind.WAITLIST_OFFER,
        EmailKind.BOOKING_CONFIRMATION,
    ]
    confirmation = received(smtp, first.email)[-1]
    assert len(calendar_of(confirmation).walk("VEVENT")) == 2


def test_a_declined_offer_is_acknowledged_and_passed_on(
    full,
    events,
    smtp,  # noqa: F811
):
    (_, booked_place), (first, first_place), (second, _) = full
    with events():
        place_cancel(place=booked_place)

    with events():
        offer_decline(place=first_place)
    with events(), pytest.raises(BookingError):
        offer_decline(place=first_place)
    deliver()

    assert kinds_to(first.email)[-1] == EmailKind.OFFER_DECLINED
    assert kinds_to(first.email).count(EmailKind.OFFER_DECLINED) == 1
    assert "declined the place offered on Camden spring" in text_of(received(smtp, first.email)[-1])
    assert kinds_to(second.email) == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_OFFER]


# --- Moves and attendee changes ---------------------------------------------------------------


def test_each_move_sends_the_new_dates_once(
    clock,
    events,
    smtp,  # noqa: F811
):
    area = LocalAuthorityFactory()
    start = dt.date(2026, 3, 2)
    a = make_open_cohort(local_authority=area, name="Cohort A", day_1=start)
    b = make_open_cohort(local_authority=area, name="Cohort B", day_1=start + dt.timedelta(7))
    c = make_open_cohort(local_authority=area, name="Cohort C", day_1=start + dt.timedelta(14))
    sam = person("Sam Lead")
    with events():
        place = place_book(establishment=EstablishmentFactory(la=area), cohort=a, attendee=sam)

    moves = []
    for target in (b, c, b):  # back to B: a new move, so a new email
        clock.shift(dt.timedelta(minutes=5))
        with events() as callbacks:
            place = place_move(place=place, to_cohort=target)
        moves.append(callbacks)
    for callback in moves[0]:  # the first move's notification again sends nothing
        callback()
    deliver()

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION] + [EmailKind.MOVE] * 3
    first_move, to_c, back_to_b = received(smtp, sam.email)[1:]
    assert first_move["Subject"].endswith("your place has moved to Cohort B")
    assert "from Cohort A to Cohort B" in text_of(first_move)
    assert "Workshop 1: Monday 9 March 2026, 9:30am to 4pm" in text_of(first_move)
    assert "Workshop 1: Monday 16 March 2026" in text_of(to_c)
    assert "from Cohort C to Cohort B" in text_of(back_to_b)
    starts = [e.decoded("dtstart").date() for e in calendar_of(to_c).walk("VEVENT")]
    assert starts == [dt.date(2026, 3, 16), dt.date(2026, 4, 27)]


def test_a_new_attendee_gets_the_confirmation_and_a_correction_sends_nothing(
    cohort,
    events,
    smtp,  # noqa: F811
):
    sam, jo = person("Sam Lead"), person("Jo New")
    with events():
        place = place_book(establishment=school_in(cohort), cohort=cohort, attendee=sam)

    with events():
        place_change_attendee(place=place, attendee=jo)
    with events():  # the same attendee with a corrected phone number
        place_change_attendee(place=place, attendee=Attendee(**{**vars(jo), "phone": "0207"}))
    deliver()

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION]
    assert kinds_to(jo.email) == [EmailKind.BOOKING_CONFIRMATION]
    (message,) = received(smtp, jo.email)
    assert text_of(message).startswith("Dear Jo New,")
    assert len(calendar_of(message).walk("VEVENT")) == 2


# --- Cohort cancelled, workshop changed -------------------------------------------------------


def test_a_cancelled_cohort_tells_every_school_that_held_a_place_once(
    full,
    cohort,
    events,
    smtp,  # noqa: F811
):
    (booked, _), (first, _), (second, _) = full
    other = make_open_cohort(local_authority=cohort.local_authority, name="Elsewhere")
    bystander = person("Di Bystander")
    with events():
        place_book(establishment=school_in(cohort), cohort=other, attendee=bystander)

    with events():
        cohort_cancel(cohort=cohort)
    with events():
        notifications.cohort_cancelled(cohort_id=cohort.pk)
    deliver()

    for attendee in (booked, first, second):
        assert kinds_to(attendee.email).count(EmailKind.CANCELLATION) == 1
        message = received(smtp, attendee.email)[-1]
        assert message["Subject"] == "Camden spring is cancelled: the workshops will not take place"
        assert "Workshop 1: Friday 6 March 2026" in text_of(message)
    assert kinds_to(bystander.email) == [EmailKind.BOOKING_CONFIRMATION]
    notices = OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION)
    held = cohort.places.filter(cancel_reason=CancelReason.COHORT_CANCELLED)
    assert sorted(notices.values_list("subject_id", flat=True)) == sorted(
        held.values_list("pk", flat=True)
    )
    assert held.count() == 3


def test_a_cohort_starting_tells_waiting_schools_their_waiting_list_has_closed(
    full,
    cohort,
    events,
    smtp,  # noqa: F811
):
    (booked, booked_place), (first, first_place), (second, second_place) = full
    with events():
        place_cancel(place=booked_place)  # the seat is offered to the first; the second waits
    first_place.refresh_from_db()
    assert first_place.status == PlaceStatus.OFFERED

    with events():
        cohort_mark_running(cohort=cohort)

    for attendee, place in ((first, first_place), (second, second_place)):
        message = received(smtp, attendee.email)[-1]
        assert message["Subject"] == (
            f"{place.establishment.name}: the waiting list for Camden spring has closed"
        )
        assert "its waiting list and any open offers have closed" in text_of(message)
        assert "<title>The waiting list for Camden spring has closed</title>" in html_of(message)
    cancelled = received(smtp, booked.email)[-1]  # cancelled by the school, before the start
    assert cancelled["Subject"].endswith(": your place on Camden spring is cancelled")


def test_a_workshop_change_tells_attendees_and_professionals_once_per_change(
    cohort,
    events,
    smtp,  # noqa: F811
):
    sam = person("Sam Lead")
    with events():
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=sam)
    pro = ProfessionalFactory(cohort=cohort, name="Pat Clinician", email="pat@nhs.example")
    day_1 = cohort.workshops.get(day=1)

    def save(date, start=dt.time(9, 30)):
        with events():
            workshop_save(
                cohort=cohort,
                day=1,
                date=date,
                start_time=start,
                end_time=dt.time(15, 30),
                venue_name="Town Hall",
            )

    save(day_1.date + dt.timedelta(days=4))
    save(day_1.date + dt.timedelta(days=4))  # saved again unchanged: no one is told again
    deliver()

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION, EmailKind.WORKSHOP_CHANGE]
    assert kinds_to(pro.email) == [EmailKind.PROFESSIONAL_NOTICE]
    notice = received(smtp, sam.email)[-1]
    assert notice["Subject"] == "Camden spring: workshop 1 has changed"
    assert "Workshop 1 is now on Tuesday 10 March 2026, 9:30am to 3:30pm." in text_of(notice)
    assert "Venue: Town Hall, 1 High Street, London NW1 1AA" in text_of(notice)
    starts = [e.decoded("dtstart").date() for e in calendar_of(notice).walk("VEVENT")]
    assert starts == [dt.date(2026, 3, 10), dt.date(2026, 4, 17)]
    professional = received(smtp, pro.email)[-1]
    assert text_of(professional).startswith("Dear Pat Clinician,")
    assert "Tuesday 10 March 2026, 9:30am to 3:30pm" in text_of(professional)

    save(day_1.date + dt.timedelta(days=4), start=dt.time(10, 0))  # a real change: told again
    deliver()
    assert kinds_to(sam.email).count(EmailKind.WORKSHOP_CHANGE) == 2
    assert kinds_to(pro.email) == [EmailKind.PROFESSIONAL_NOTICE] * 2
    assert "10am to 3:30pm" in text_of(received(smtp, pro.email)[-1])


def as_entered(workshop, **changes) -> WorkshopDetails:
    """A workshop's details as the coordinator's form posts them, with ``changes``."""
    fields = ("date", "start_time", "end_time", "venue_name", "venue_address", "joining_link")
    return WorkshopDetails(**{name: getattr(workshop, name) for name in fields} | changes)


@pytest.fixture
def attending(cohort, events):
    """A school attendee booked on ``cohort`` and a professional attending it."""
    sam = person("Sam Lead")
    with events():
        place_book(establishment=school_in(cohort), cohort=cohort, attendee=sam)
    return sam, ProfessionalFactory(cohort=cohort, name="Pat Clinician", email="pat@nhs.example")


def test_moving_only_workshop_2_tells_everyone_of_workshop_2_and_its_new_date(
    cohort,
    attending,
    events,
    smtp,  # noqa: F811
):
    sam, pro = attending
    day_1, day_2 = cohort.workshops.order_by("day")

    with events():  # the form saves both days; only workshop 2 moves, three days later
        workshop_days_save(
            cohort=cohort,
            day_1=as_entered(day_1),
            day_2=as_entered(day_2, date=day_2.date + dt.timedelta(days=3)),
        )

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION, EmailKind.WORKSHOP_CHANGE]
    assert kinds_to(pro.email) == [EmailKind.PROFESSIONAL_NOTICE]
    for address in (sam.email, pro.email):
        notice = received(smtp, address)[-1]
        text = text_of(notice)
        assert notice["Subject"] == "Camden spring: workshop 2 has changed"
        assert "The details of workshop 2 of Camden spring" in text
        assert "Workshop 2 is now on Monday 20 April 2026, 9:30am to 4pm." in text
        assert "Workshop 1 is now" not in text and "workshop 1" not in text
        assert "Workshop 2 is now on Monday 20 April 2026" in html_of(notice)
        assert "- Workshop 1: Friday 6 March 2026, 9:30am to 4pm" in text  # listed, unchanged

    day_2.refresh_from_db()
    with events():  # saved again as it now is: no one is told anything
        workshop_days_save(cohort=cohort, day_1=as_entered(day_1), day_2=as_entered(day_2))
    assert len(received(smtp, pro.email)) == 1
    assert cohort.workshops.get(day=1).history.count() == 1  # an unchanged day is not re-saved


def test_moving_both_workshops_sends_one_notice_naming_both(
    cohort,
    attending,
    events,
    smtp,  # noqa: F811
):
    sam, pro = attending
    day_1, day_2 = cohort.workshops.order_by("day")
    week = dt.timedelta(days=7)

    with events():
        workshop_days_save(
            cohort=cohort,
            day_1=as_entered(day_1, date=day_1.date + week),
            day_2=as_entered(day_2, date=day_2.date + week),
        )

    assert kinds_to(sam.email) == [EmailKind.BOOKING_CONFIRMATION, EmailKind.WORKSHOP_CHANGE]
    assert kinds_to(pro.email) == [EmailKind.PROFESSIONAL_NOTICE]
    for address in (sam.email, pro.email):
        notice = received(smtp, address)[-1]
        assert notice["Subject"] == "Camden spring: both workshops have changed"
        assert "Workshop 1 is now on Friday 13 March 2026" in text_of(notice)
        assert "Workshop 2 is now on Friday 24 April 2026" in text_of(notice)


# --- A new link -----------------------------------------------------------------------------


def test_a_new_link_goes_to_the_contact_email_at_most_once_a_day(
    client,
    cohort,
    clock,
    events,
    smtp,  # noqa: F811
):
    school = school_in(cohort, name="Hill Primary", contact_email="office@hill.example")
    old = booking_link_path(establishment=school)
    token = old.rstrip("/").rsplit("/", 1)[1]
    clock.shift(dt.timedelta(days=61))
    ask = reverse("cohorts:book-new-link", args=[token])

    with events():
        assert client.post(ask).status_code == 200
    with events():
        assert client.post(ask).status_code == 200  # pressed again the same day
    deliver()
    clock.shift(dt.timedelta(days=1))
    with events():
        client.post(ask)  # a day later: a new link
    deliver()

    assert kinds_to("office@hill.example") == [EmailKind.NEW_LINK] * 2
    message = received(smtp, "office@hill.example")[0]
    assert message["Subject"] == "Hill Primary: your new Link Programme booking link"
    (link,) = [url for url in links_in(text_of(message)) if "/book/" in url]
    assert link.startswith(f"{BASE_URL}/cohorts/book/")
    assert f'href="{link}"' in html_of(message)
    assert client.get(link.removeprefix(BASE_URL)).status_code == 200  # the new link works


def test_no_contact_email_means_no_new_link_and_a_warning_with_the_id_only(
    client,
    cohort,
    clock,
    events,
    caplog,
    smtp,  # noqa: F811
):
    school = school_in(cohort, name="Hill Primary", contact_email="")
    token = booking_link_path(establishment=school).rstrip("/").rsplit("/", 1)[1]
    clock.shift(dt.timedelta(days=61))
    caplog.set_level(logging.INFO, logger="cohorts.notifications")

    with events():
        client.post(reverse("cohorts:book-new-link", args=[token]))

    assert not OutgoingEmail.objects.exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"notification booking_link_requested: no contact email for establishment_id={school.pk}"
    ]


# --- Logs and the broker -----------------------------------------------------------------------


def test_a_whole_journey_logs_ids_only_and_hands_each_email_to_the_broker_once(
    full,
    cohort,
    events,
    clock,
    caplog,
    outbox_broker,
    smtp,  # noqa: F811
):
    caplog.set_level(logging.DEBUG)
    (booked, booked_place), (first, first_place), (second, _) = full
    with events():
        place_cancel(place=booked_place)
        place_change_attendee(place=first_place, attendee=person("Eve Newer"))
    clock.shift(dt.timedelta(hours=49))
    with events():
        offers_expire()
    with events():
        cohort_cancel(cohort=cohort)
    deliver()

    rows = list(OutgoingEmail.objects.values_list("pk", flat=True))
    assert sorted(outbox_broker) == sorted(rows)  # every row handed over once, after its commit
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == len(rows)
    assert len(smtp.messages) == len(rows)
    # Everything Link logged; the test SMTP server (aiosmtpd's "mail.log") echoes the
    # messages it receives, so it is left out.
    logged = "\n".join(
        f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith("mail.log")
    )
    assert "notification place_cancelled place_id=" in logged
    assert "notification offer_expired place_id=" in logged
    for attendee in (booked, first, second, person("Eve Newer")):
        assert attendee.name not in logged and attendee.email not in logged
    for place in cohort.places.select_related("establishment"):
        assert place.establishment.name not in logged
        assert place.status == PlaceStatus.CANCELLED
