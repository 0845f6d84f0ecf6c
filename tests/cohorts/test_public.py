"""Schools' self-service pages: the signed link, booking, the calendar file, changes."""

import datetime as dt
import logging

import pytest
from django.core import signing
from django.urls import reverse
from icalendar import Calendar

from cohorts.errors import BookingError
from cohorts.models import CohortFormat, Place, PlaceStatus
from cohorts.services.links import booking_link_path, booking_link_token
from cohorts.services.places import place_book
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Sam Lead",
    "role": "Senior mental health lead",
    "email": "sam.lead@school.example",
    "phone": "",
    "access_needs": "",
}


@pytest.fixture
def cohort(clock):
    return make_open_cohort(capacity=2, name="Camden spring")


@pytest.fixture
def school(cohort):
    return EstablishmentFactory(la=cohort.local_authority, name="Hill Primary")


@pytest.fixture
def link(school):
    return booking_link_path(establishment=school)


def url(name, link, *args):
    token = link.rstrip("/").rsplit("/", 1)[1]
    return reverse(f"cohorts:{name}", args=[token, *args])


def test_the_link_lists_open_cohorts_in_the_schools_area_only(client, cohort, link):
    elsewhere = make_open_cohort(local_authority=LocalAuthorityFactory(), name="Far away")

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hill Primary" in page and "Camden spring" in page
    assert "Far away" not in page
    assert "Friday 6 March 2026" in page  # workshop 1, 60 days on
    assert "2 of 2" in page  # places left
    assert "Friday 27 February 2026" in page  # book by: 7 days before
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert client.get(url("book-cohort", link, elsewhere.pk)).status_code == 404


def test_booking_shows_the_confirmation_with_both_dates(client, cohort, school, link):
    response = client.post(url("book-cohort", link, cohort.pk), FORM, follow=True)

    assert response.redirect_chain[-1][0] == url("book-confirmation", link)
    page = response.content.decode()
    assert "Your place is booked" in page
    assert "Friday 6 March 2026" in page and "Friday 17 April 2026" in page
    place = Place.objects.get(establishment=school)
    assert (place.status, place.attendee_email) == (PlaceStatus.BOOKED, FORM["email"])
    # The same link now shows the booking, not the list.
    home = client.get(link).content.decode()
    assert "Your place" in home and "Change who attends" in home


def test_an_invalid_form_lists_its_errors_at_the_top_linked_to_the_fields(client, cohort, link):
    response = client.post(
        url("book-cohort", link, cohort.pk), {**FORM, "email": "nope", "name": ""}
    )

    page = response.content.decode()
    assert response.status_code == 200
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))
    ]
    assert 'href="#id_name"' in summary and 'href="#id_email"' in summary
    assert "<title>Error: " in page
    assert not Place.objects.exists()


def test_the_booking_form_takes_names_role_and_phone_on_one_line_only(client, cohort, link):
    response = client.post(
        url("book-cohort", link, cohort.pk),
        {
            **FORM,
            "name": "Sam\nLead",
            "role": "SENCo\r\nDeputy head",
            "phone": "020 7946\u20280000",
            "access_needs": "Step-free access\nA quiet room",  # several lines are fine here
            "access_needs_consent": "on",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {field: ["Enter this on one line."] for field in ("name", "role", "phone")}
    assert not Place.objects.exists()


def test_a_school_with_a_place_is_shown_it_instead_of_a_form(
    client, cohort, school, link, attendee
):
    place_book(establishment=school, cohort=cohort, attendee=attendee)

    response = client.get(url("book-cohort", link, cohort.pk))

    assert response.status_code == 302 and response["Location"] == link


def test_a_refusal_by_the_service_appears_in_the_error_summary(client, cohort, link, monkeypatch):
    def refuse(**kwargs):
        raise BookingError("Booking for Camden spring has closed: the last day to book was ...")

    monkeypatch.setattr("cohorts.views.public.place_book", refuse)

    response = client.post(url("book-cohort", link, cohort.pk), FORM)

    page = response.content.decode()
    summary = page[page.index('id="error-summary"') :]
    assert response.status_code == 200
    assert "Booking for Camden spring has closed" in summary


def test_a_full_cohort_takes_a_waiting_list_entry(client, cohort, link, attendee):
    for _ in range(2):
        place_book(
            establishment=EstablishmentFactory(la=cohort.local_authority),
            cohort=cohort,
            attendee=attendee,
        )
    assert "Join the waiting list" in client.get(link).content.decode()

    response = client.post(url("book-cohort", link, cohort.pk), FORM, follow=True)

    page = response.content.decode()
    assert "You are on the waiting list" in page and "number 1 on the waiting list" in page
    assert client.get(url("book-calendar", link)).status_code == 404


def test_the_calendar_file_has_both_workshop_days(client, cohort, link):
    client.post(url("book-cohort", link, cohort.pk), FORM)

    response = client.get(url("book-calendar", link))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e.decoded("dtstart").date() for e in events] == [
        dt.date(2026, 3, 6),
        dt.date(2026, 4, 17),
    ]
    first = events[0]
    assert first.decoded("dtstart").hour == 9 and first.decoded("dtend").hour == 16
    assert str(first["location"]) == "Civic Centre, 1 High Street, London NW1 1AA"
    assert "workshop 1 of 2" in str(first["summary"])
    assert len({str(e["uid"]) for e in events}) == 2


def test_an_online_cohorts_calendar_carries_the_joining_link(client, clock):
    cohort = make_open_cohort(format=CohortFormat.ONLINE, joining_link="https://meet.example/x")
    link = booking_link_path(establishment=EstablishmentFactory(la=cohort.local_authority))
    client.post(url("book-cohort", link, cohort.pk), FORM)

    events = Calendar.from_ical(client.get(url("book-calendar", link)).content).walk("VEVENT")

    assert str(events[0]["location"]) == "https://meet.example/x"
    assert str(events[1]["url"]) == "https://meet.example/x"


def test_staff_change_the_attendee_move_and_cancel(client, cohort, school, link):
    client.post(url("book-cohort", link, cohort.pk), FORM)
    other = make_open_cohort(name="Camden summer", local_authority=cohort.local_authority)

    client.post(url("book-attendee", link), {**FORM, "name": "Jo New", "email": "jo@s.example"})
    place = Place.objects.get(establishment=school)
    assert (place.attendee_name, place.attendee_email) == ("Jo New", "jo@s.example")

    move_page = client.get(url("book-move", link)).content.decode()
    assert "Camden summer" in move_page
    client.post(url("book-move", link), {"cohort": other.pk})
    place.refresh_from_db()
    assert place.cohort_id == other.pk

    response = client.post(url("book-cancel", link), follow=True)
    place.refresh_from_db()
    assert place.status == PlaceStatus.CANCELLED
    assert "Your place is cancelled" in response.content.decode()
    assert "Cohorts you can book" in response.content.decode()


def test_a_cancelled_place_is_offered_to_the_waiting_school_who_accepts(
    client, cohort, link, attendee
):
    first = EstablishmentFactory(la=cohort.local_authority)
    waiting_school = EstablishmentFactory(la=cohort.local_authority)
    booked = place_book(establishment=first, cohort=cohort, attendee=attendee)
    place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority),
        cohort=cohort,
        attendee=attendee,
    )
    place_book(establishment=waiting_school, cohort=cohort, attendee=attendee)
    waiting_link = booking_link_path(establishment=waiting_school)

    client.post(url("book-cancel", booking_link_path(establishment=first)))

    page = client.get(waiting_link).content.decode()
    assert "You have been offered a place" in page and "Wednesday 7 January 2026, 10:00" in page
    assert url("book-offer-accept", waiting_link) in page
    assert url("book-offer-decline", waiting_link) in page
    client.post(url("book-offer-accept", waiting_link))
    assert Place.objects.get(establishment=waiting_school).status == PlaceStatus.BOOKED
    booked.refresh_from_db()
    assert booked.status == PlaceStatus.CANCELLED


def test_a_waiting_school_declines_the_offered_place_and_it_passes_on(client, cohort, attendee):
    schools = [EstablishmentFactory(la=cohort.local_authority) for _ in range(4)]
    for school in schools:  # two booked (the capacity), two waiting
        place_book(establishment=school, cohort=cohort, attendee=attendee)
    client.post(url("book-cancel", booking_link_path(establishment=schools[0])))
    offered = Place.objects.get(establishment=schools[2])
    assert offered.status == PlaceStatus.OFFERED

    response = client.post(
        url("book-offer-decline", booking_link_path(establishment=schools[2])), follow=True
    )

    assert "You declined the place" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == PlaceStatus.CANCELLED
    assert Place.objects.get(establishment=schools[3]).status == PlaceStatus.OFFERED


def test_a_tampered_link_gets_a_clear_404(client, link):
    tampered = link.replace(link.rstrip("/")[-3:], "xyz")

    response = client.get(tampered)

    assert response.status_code == 404
    assert "This link is not recognised" in response.content.decode()


def test_a_link_signed_for_something_else_is_refused(client, school):
    other_salt = signing.dumps({"e": school.pk}, salt="something-else")
    response = client.get(reverse("cohorts:book", args=[other_salt]))
    assert response.status_code == 404


def test_an_expired_link_offers_a_new_one_and_records_the_request(
    client, school, link, clock, caplog, django_capture_on_commit_callbacks
):
    school.contact_email = "office@hill.example"
    school.save()
    clock.shift(dt.timedelta(days=61))

    response = client.get(link)

    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page and "Hill Primary" in page
    caplog.set_level(logging.INFO, logger="cohorts.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(url("book-new-link", link))
    assert requested.status_code == 200
    assert "Your request is recorded" in requested.content.decode()
    notes = [r.getMessage() for r in caplog.records if r.name == "cohorts.notifications"]
    assert notes == [f"notification booking_link_requested establishment_id={school.pk}"]
    # The new link goes to the contact email the programme holds (tests/cohorts/
    # test_notifications_mail.py sends it).
    assert list(OutgoingEmail.objects.values_list("kind", "recipient")) == [
        (EmailKind.NEW_LINK, "office@hill.example")
    ]
    # The expired link opens nothing else.
    assert client.get(url("book-cancel", link)).status_code == 410


def test_a_link_works_until_its_configured_age(client, school, clock, settings):
    settings.LINK_BOOKING_LINK_MAX_AGE_DAYS = 5
    token = booking_link_token(establishment=school)
    # The format of links already sent: the salt and payload must never change.
    assert signing.loads(token, salt="cohorts.booking-link")["e"] == school.pk
    clock.shift(dt.timedelta(days=4, hours=23))
    assert client.get(reverse("cohorts:book", args=[token])).status_code == 200
    clock.shift(dt.timedelta(hours=2))
    assert client.get(reverse("cohorts:book", args=[token])).status_code == 410


def test_the_cancel_and_move_pages_say_what_happens_to_the_seat(client, cohort, clock, attendee):
    schools = [EstablishmentFactory(la=cohort.local_authority) for _ in range(3)]
    place_book(establishment=schools[0], cohort=cohort, attendee=attendee)
    link = booking_link_path(establishment=schools[0])

    assert (
        "can be booked by another school" in client.get(url("book-cancel", link)).content.decode()
    )
    place_book(establishment=schools[1], cohort=cohort, attendee=attendee)
    place_book(establishment=schools[2], cohort=cohort, attendee=attendee)  # waiting
    for page in ("book-cancel", "book-move"):
        text = client.get(url(page, link)).content.decode()
        assert "offered to the school on the waiting list" in text, page
    clock.move_to(cohort.workshops.get(day=1).date - dt.timedelta(days=3))  # booking closed
    assert "not offered to anyone" in client.get(url("book-cancel", link)).content.decode()


def test_access_needs_are_asked_with_why_and_for_how_long_and_kept_only_with_consent(
    client, cohort, link
):
    page = client.get(url("book-cohort", link, cohort.pk)).content.decode()
    assert "deleted 30 days after the cohort" in page
    assert "The attendee agrees that we keep their access needs" in page

    refused = client.post(url("book-cohort", link, cohort.pk), {**FORM, "access_needs": "Lift"})
    assert refused.status_code == 200
    assert "access_needs_consent" in refused.context["form"].errors
    assert not Place.objects.exists()

    client.post(
        url("book-cohort", link, cohort.pk),
        {**FORM, "access_needs": "Lift", "access_needs_consent": "on"},
    )
    assert Place.objects.get().access_needs == "Lift"
