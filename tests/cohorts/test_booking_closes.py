"""Offers stop when booking closes (``LINK_BOOKING_CLOSES_DAYS`` before workshop 1): the
schools still waiting are told, once, and kept as interested in their area; when the next
cohort they can book opens, they are told, once (issue 11, item 11).

Real mail: services → outbox rows on commit → ``email_send`` → aiosmtpd, as in
test_notifications_mail.py. ``make_open_cohort`` puts workshop 1 on Friday 6 March 2026, so
the last day to book is Friday 27 February (7 days before).
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from cohorts import notifications
from cohorts.models import AreaInterest, CancelReason, CohortStatus, PlaceStatus
from cohorts.services.cohorts import cohort_cancel, cohort_open_for_booking
from cohorts.services.places import (
    offer_accept,
    offers_expire,
    place_book,
    place_cancel,
    waiting_lists_close_due,
)
from cohorts.tasks import close_waiting_lists
from linkprog.celery import app as celery_app
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_send
from tests.cohorts.factories import CohortFactory, make_open_cohort
from tests.cohorts.test_notifications_mail import (
    BASE_URL,
    base_url,  # noqa: F401 - the fixture
    events,  # noqa: F401 - the fixture
    kinds_to,
    links_in,
    london,
    person,
    received,
    text_of,
)
from tests.outbox.conftest import smtp  # noqa: F401 - the SMTP server fixture
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2026, 2, 27)


@pytest.fixture
def full(clock, events):  # noqa: F811
    """A one-seat Camden cohort: one school booked, two waiting, in that order."""
    camden = LocalAuthorityFactory(name="Camden")
    cohort = make_open_cohort(capacity=1, name="Camden spring", local_authority=camden)
    names = ("Hill Primary", "St Alban's & St Mary's School", "Vale School")
    with events():
        places = [
            place_book(
                establishment=EstablishmentFactory(la=camden, name=name),
                cohort=cohort,
                attendee=person(f"Lead {n}"),
            )
            for n, name in enumerate(names)
        ]
    return cohort, places


def reload(*places):
    for place in places:
        place.refresh_from_db()


def test_the_waiting_schools_are_told_once_on_the_first_day_booking_is_closed(
    full,
    clock,
    events,  # noqa: F811
    smtp,  # noqa: F811
):
    cohort, (booked, first, second) = full
    assert cohort.workshops.get(day=1).date == LAST_DAY + dt.timedelta(days=7)

    clock.move_to(london(2026, 2, 27, 23, 59))  # the last day to book: still open
    with events():
        assert close_waiting_lists.apply().get() == 0
    clock.move_to(london(2026, 2, 28, 0, 10))
    with events():
        assert close_waiting_lists.apply().get() == 2
    with events():  # the periodic task again, and the notifications again: nothing more
        assert waiting_lists_close_due() == 0
        notifications.waiting_list_closed(place_id=first.pk)
        notifications.waiting_list_closed(place_id=second.pk)

    reload(booked, first, second)
    assert booked.status == PlaceStatus.BOOKED
    for place in (first, second):
        assert (place.status, place.cancel_reason) == (
            PlaceStatus.CANCELLED,
            CancelReason.BOOKING_CLOSED,
        )
    assert set(AreaInterest.objects.values_list("place_id", "told_at")) == {
        (first.pk, None),
        (second.pk, None),
    }
    assert kinds_to(first.attendee_email) == [EmailKind.WAITLIST_JOINED, EmailKind.WAITLIST_CLOSED]
    assert kinds_to(second.attendee_email) == [
        EmailKind.WAITLIST_JOINED,
        EmailKind.WAITLIST_CLOSED,
    ]
    (message,) = [m for m in received(smtp, first.attendee_email) if "has closed" in m["Subject"]]
    # Written as text: no HTML entities in the subject or the plain part.
    assert message["Subject"] == (
        "St Alban's & St Mary's School: the waiting list for Camden spring has closed"
    )
    text = text_of(message)
    assert "the last day to book was Friday 27 February 2026" in text
    assert "when the next cohort you can book opens, we will email you" in text
    assert any(url.startswith(f"{BASE_URL}/cohorts/book/") for url in links_in(text))


def test_a_seat_freed_after_booking_closed_is_offered_to_no_one(
    full,
    clock,
    events,  # noqa: F811
):
    cohort, (booked, first, second) = full
    clock.move_to(london(2026, 2, 28, 0, 5))  # closed, and the periodic task not run yet

    with events():
        place_cancel(place=booked)

    reload(first, second)
    cohort.refresh_from_db()
    assert {first.status, second.status} == {PlaceStatus.CANCELLED}
    assert {first.cancel_reason, second.cancel_reason} == {CancelReason.BOOKING_CLOSED}
    assert not OutgoingEmail.objects.filter(kind=EmailKind.WAITLIST_OFFER).exists()
    assert OutgoingEmail.objects.filter(kind=EmailKind.WAITLIST_CLOSED).count() == 2
    assert cohort.status == CohortStatus.OPEN  # a seat is free, though no one can book it


def test_an_offer_made_before_closing_runs_its_course_and_is_not_passed_on(
    full,
    clock,
    events,  # noqa: F811
):
    cohort, (booked, first, second) = full
    clock.move_to(london(2026, 2, 27, 12, 0))
    with events():
        place_cancel(place=booked)  # first is offered the seat until 12:00 on 1 March
    clock.move_to(london(2026, 2, 28, 0, 10))
    with events():
        assert waiting_lists_close_due() == 1  # second's entry ends; first's offer stands

    reload(first, second)
    assert first.status == PlaceStatus.OFFERED
    assert second.cancel_reason == CancelReason.BOOKING_CLOSED
    clock.move_to(london(2026, 3, 1, 12, 0))
    with events():
        assert offers_expire() == 1

    reload(first)
    assert first.cancel_reason == CancelReason.OFFER_EXPIRED
    assert not cohort.places.filter(status=PlaceStatus.OFFERED).exists()


def test_an_offer_made_before_closing_can_be_accepted_after(full, clock, events):  # noqa: F811
    cohort, (booked, first, _) = full
    clock.move_to(london(2026, 2, 27, 12, 0))
    with events():
        place_cancel(place=booked)
    clock.move_to(london(2026, 2, 28, 9, 0))

    with events():
        offer_accept(place=first)

    first.refresh_from_db()
    assert first.status == PlaceStatus.BOOKED


@override_settings(LINK_BOOKING_CLOSES_DAYS=14)
def test_booking_closes_as_many_days_before_workshop_1_as_configured(full, clock, events):  # noqa: F811
    _, (_, first, _) = full
    clock.move_to(london(2026, 2, 20, 12, 0))  # workshop 1 is 14 days away: the last day
    with events():
        assert waiting_lists_close_due() == 0
    clock.move_to(london(2026, 2, 21, 0, 10))

    with events():
        assert waiting_lists_close_due() == 2

    first.refresh_from_db()
    assert first.cancel_reason == CancelReason.BOOKING_CLOSED


def test_closing_waiting_lists_is_on_beats_schedule():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "cohorts.tasks.close_waiting_lists" in tasks


# --- Told when the area's next cohort opens ----------------------------------------------------


@pytest.fixture
def interested(full, clock, events):  # noqa: F811
    """Booking on Camden spring closed on 27 February with two schools waiting."""
    cohort, (_, first, second) = full
    clock.move_to(london(2026, 2, 28, 9, 0))
    with events():
        waiting_lists_close_due()
    reload(first, second)
    return cohort, first, second


def planned_in(la, name, day_1=dt.date(2026, 5, 4)):
    cohort = CohortFactory(local_authority=la, name=name)
    WorkshopFactory(cohort=cohort, day=1, date=day_1)
    WorkshopFactory(cohort=cohort, day=2, date=day_1 + dt.timedelta(days=42))
    return cohort


def test_the_schools_kept_as_interested_are_told_once_when_their_areas_next_cohort_opens(
    interested,
    events,  # noqa: F811
    smtp,  # noqa: F811
):
    cohort, first, second = interested
    camden = cohort.local_authority
    elsewhere = planned_in(LocalAuthorityFactory(name="Islington"), "Islington summer")
    with events():
        cohort_open_for_booking(cohort=elsewhere)  # not their area: no one is told
    # The second school holds a place by the time its area's cohort opens.
    place_book(establishment=second.establishment, cohort=elsewhere, attendee=person("Lead 2"))

    summer = planned_in(camden, "Camden summer")
    with events():
        cohort_open_for_booking(cohort=summer)
    with events():  # the notification again: nothing more
        notifications.area_cohort_opened(cohort_id=summer.pk)
    with events():  # the area's next cohort after that: they were told once already
        cohort_open_for_booking(cohort=planned_in(camden, "Camden autumn", dt.date(2026, 9, 7)))

    opened = OutgoingEmail.objects.filter(kind=EmailKind.AREA_COHORT_OPEN)
    assert list(opened.values_list("recipient", flat=True)) == [first.attendee_email]
    (message,) = [m for m in received(smtp, first.attendee_email) if "new cohort" in m["Subject"]]
    assert message["Subject"] == (
        "St Alban's & St Mary's School: a new cohort is open for booking in your area"
    )
    text = text_of(message)
    assert "When the waiting list for Camden spring closed" in text
    assert "Camden summer (Camden) is now open for booking" in text
    assert "Monday 4 May 2026" in text  # the workshop days
    assert "The last day to book is Monday 27 April 2026" in text
    assert any(url.startswith(f"{BASE_URL}/cohorts/book/") for url in links_in(text))
    first_interest = AreaInterest.objects.get(place=first)
    assert first_interest.told_about == summer
    # The school that holds a place was not told, and is still kept as interested.
    assert AreaInterest.objects.get(place=second).told_at is None


@pytest.fixture
def opened(interested, django_capture_on_commit_callbacks):
    """Camden summer opened for booking; the news of it queued for the first school, not sent."""
    cohort, first, _ = interested
    summer = planned_in(cohort.local_authority, "Camden summer")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_open_for_booking(cohort=summer)
    news = OutgoingEmail.objects.get(
        kind=EmailKind.AREA_COHORT_OPEN, recipient=first.attendee_email
    )
    return summer, first, news


def test_news_of_an_opened_cohort_is_withdrawn_once_the_school_has_a_place(
    opened,
    smtp,  # noqa: F811
):
    summer, first, news = opened
    place_book(establishment=first.establishment, cohort=summer, attendee=person("Lead 1"))

    assert email_send(email_id=news.pk).status == EmailStatus.CANCELLED
    news.refresh_from_db()
    assert news.last_error == "Not sent: the school has a place already"
    assert not [m for m in received(smtp, first.attendee_email) if "new cohort" in m["Subject"]]


def test_news_of_an_opened_cohort_is_withdrawn_if_the_cohort_is_cancelled(opened):
    summer, _, news = opened
    cohort_cancel(cohort=summer)

    assert email_send(email_id=news.pk).status == EmailStatus.CANCELLED
    news.refresh_from_db()
    assert news.last_error == "Not sent: the cohort is cancelled"


def test_a_school_kept_as_interested_is_one_interest_however_often_it_waited(
    interested,
    clock,
    events,  # noqa: F811
):
    cohort, first, _ = interested
    # It joins the waiting list of a full cohort elsewhere, whose booking closes too.
    other = make_open_cohort(capacity=1, name="Full elsewhere", day_1=dt.date(2026, 3, 20))
    place_book(
        establishment=EstablishmentFactory(la=other.local_authority),
        cohort=other,
        attendee=person("Someone"),
    )
    with events():
        again = place_book(establishment=first.establishment, cohort=other, attendee=person("L"))
    assert again.status == PlaceStatus.WAITING
    clock.move_to(london(2026, 3, 14, 9, 0))

    with events():
        assert waiting_lists_close_due() == 1

    assert AreaInterest.objects.filter(establishment=first.establishment).count() == 1


def test_a_planned_cohorts_page_lists_the_schools_its_opening_will_tell(
    interested, admin_client, django_assert_max_num_queries
):
    cohort, first, second = interested
    summer = planned_in(cohort.local_authority, "Camden summer")

    with django_assert_max_num_queries(12):  # the cohort page's 11, and the interests
        page = admin_client.get(reverse("cohorts:detail", args=[summer.pk]))

    assert [i.establishment.name for i in page.context["interested"]] == [
        "St Alban's & St Mary's School",
        "Vale School",
    ]
    text = page.content.decode()
    assert "Schools to be told when this cohort opens" in text
    assert "waiting since 28 February 2026" in text
