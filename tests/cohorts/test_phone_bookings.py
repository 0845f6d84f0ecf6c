"""A coordinator books, moves or cancels for a school that rang, giving the attendee's
details and a reason: the school gets the emails it would have had acting itself, each once
and in the transaction of the change; the place's history names the coordinator and says why
(issue 13, item 6)."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from cohorts.errors import BookingError
from cohorts.models import CancelReason, Place, PlaceStatus
from cohorts.services.phone import place_book_by_phone, place_cancel_by_phone, place_move_by_phone
from cohorts.services.places import Attendee, place_book, place_cancel, place_move
from outbox.models import OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def attendee(n: int) -> Attendee:
    return Attendee(name=f"Sam Lead {n}", role="SMHL", email=f"lead{n}@school.example")


def kinds(email: str) -> list[str]:
    return list(
        OutgoingEmail.objects.filter(recipient=email).order_by("pk").values_list("kind", flat=True)
    )


@pytest.fixture
def camden(clock):
    la = LocalAuthorityFactory(name="Camden")
    return {
        "la": la,
        "spring": make_open_cohort(local_authority=la, name="Camden spring", capacity=2),
        "summer": make_open_cohort(local_authority=la, name="Camden summer"),
        "coordinator": user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[la]),
    }


def test_the_school_gets_the_same_emails_as_booking_moving_and_cancelling_itself(
    camden, django_capture_on_commit_callbacks
):
    spring, summer, coordinator = camden["spring"], camden["summer"], camden["coordinator"]
    itself, by_phone = (EstablishmentFactory(la=camden["la"]) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        own = place_book(establishment=itself, cohort=spring, attendee=attendee(1))
        place_move(place=own, to_cohort=summer)
        place_cancel(place=own)
        rang = place_book_by_phone(
            establishment=by_phone,
            cohort=spring,
            attendee=attendee(2),
            reason="The head rang",
            actor=coordinator,
        )
        place_move_by_phone(place=rang, to_cohort=summer, reason="Rang again", actor=coordinator)
        place_cancel_by_phone(
            place=rang, reason="Ofsted that week", asked_by_school=True, actor=coordinator
        )

    assert kinds("lead2@school.example") == kinds("lead1@school.example")
    assert kinds("lead1@school.example") == ["booking_confirmation", "move", "cancellation"]
    confirmation = OutgoingEmail.objects.get(recipient="lead2@school.example", kind="move")
    assert confirmation.attachments[0]["filename"] == "link-workshops.ics"
    rang.refresh_from_db()
    assert (rang.cancel_reason, rang.cancel_note) == (CancelReason.BY_SCHOOL, "Ofsted that week")
    cancelled = OutgoingEmail.objects.get(recipient="lead2@school.example", kind="cancellation")
    assert "as the school asked the programme team" in cancelled.body_text
    assert "Ofsted" not in cancelled.body_text  # the reason is the programme's, not the email's


def test_the_history_names_the_coordinator_and_the_reason(camden):
    coordinator = camden["coordinator"]
    place = place_book_by_phone(
        establishment=EstablishmentFactory(la=camden["la"]),
        cohort=camden["spring"],
        attendee=attendee(1),
        reason="  The deputy head\nrang on Monday ",
        actor=coordinator,
    )
    place_move_by_phone(
        place=place, to_cohort=camden["summer"], reason="Clash with Ofsted", actor=coordinator
    )

    created, moved = place.history.order_by("history_date", "history_id")  # the clock may stand
    assert (created.history_user, created.history_change_reason) == (
        coordinator,
        "By phone: The deputy head rang on Monday",
    )
    assert (moved.history_user, moved.history_change_reason, moved.cohort_id) == (
        coordinator,
        "By phone: Clash with Ofsted",
        camden["summer"].pk,
    )


def test_without_a_reason_nothing_is_booked_and_nothing_sent(camden):
    school = EstablishmentFactory(la=camden["la"])
    with pytest.raises(BookingError, match="Say why") as refused:
        place_book_by_phone(
            establishment=school, cohort=camden["spring"], attendee=attendee(1), reason="  "
        )
    assert refused.value.code == "reason"
    assert not Place.objects.filter(establishment=school).exists()
    assert not OutgoingEmail.objects.exists()


def test_each_email_is_written_in_the_transaction_of_the_booking_and_once(
    camden, outbox_broker, django_capture_on_commit_callbacks
):
    school = EstablishmentFactory(la=camden["la"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        place_book_by_phone(
            establishment=school, cohort=camden["spring"], attendee=attendee(1), reason="Rang"
        )
        assert kinds("lead1@school.example") == ["booking_confirmation"]  # in it already
        raise RuntimeError("the request failed after the booking")
    assert not OutgoingEmail.objects.exists() and not outbox_broker

    with django_capture_on_commit_callbacks(execute=True):
        place_book_by_phone(
            establishment=school, cohort=camden["spring"], attendee=attendee(1), reason="Rang"
        )
        with pytest.raises(BookingError):  # asked twice: one place, one email
            place_book_by_phone(
                establishment=school, cohort=camden["spring"], attendee=attendee(1), reason="Rang"
            )
    assert kinds("lead1@school.example") == ["booking_confirmation"]
    assert outbox_broker == list(OutgoingEmail.objects.values_list("pk", flat=True))


def test_a_full_cohort_puts_the_school_on_its_waiting_list_as_it_would_itself(camden):
    spring = camden["spring"]
    for n in range(2):
        place_book(
            establishment=EstablishmentFactory(la=camden["la"]), cohort=spring, attendee=attendee(n)
        )
    place = place_book_by_phone(
        establishment=EstablishmentFactory(la=camden["la"]),
        cohort=spring,
        attendee=attendee(9),
        reason="Rang",
    )
    assert place.status == PlaceStatus.WAITING
    assert kinds("lead9@school.example") == ["waitlist_joined"]


# --- The page ---------------------------------------------------------------------------------


def book_url(cohort):
    return reverse("cohorts:place-book-phone", args=[cohort.pk])


def form(school, **changes):
    return {
        "establishment": school.pk,
        "name": "Sam Lead",
        "role": "Senior mental health lead",
        "email": "sam@school.example",
        "phone": "",
        "access_needs": "",
        "reason": "The head rang on Monday",
        **changes,
    }


def test_a_coordinator_books_by_phone_and_the_cohort_page_says_who_and_why(client, camden):
    spring, coordinator = camden["spring"], camden["coordinator"]
    school = EstablishmentFactory(la=camden["la"], name="Hill Primary")
    client.force_login(coordinator)
    page = client.get(reverse("cohorts:detail", args=[spring.pk])).content.decode()
    assert book_url(spring) in page

    response = client.post(book_url(spring), form(school))

    assert response.status_code == 302
    place = Place.objects.get(establishment=school)
    assert (place.cohort, place.attendee_email) == (spring, "sam@school.example")
    assert kinds("sam@school.example") == ["booking_confirmation"]
    page = client.get(response["Location"]).content.decode()
    assert "Hill Primary has a place on Camden spring." in page
    assert f"By phone: The head rang on Monday ({coordinator.username}," in page


def test_the_reason_is_required_and_nothing_is_lost(client, camden):
    school = EstablishmentFactory(la=camden["la"])
    client.force_login(camden["coordinator"])

    response = client.post(book_url(camden["spring"]), form(school, reason=" "))

    assert response.status_code == 200
    assert "Say why you are acting for the school." in response.content.decode()
    assert response.context["form"]["name"].value() == "Sam Lead"  # what was typed stays
    assert not Place.objects.filter(establishment=school).exists()
    assert not OutgoingEmail.objects.exists()


def test_outside_the_coordinators_areas_the_page_is_a_404_and_their_schools_are_not_offered(
    client, camden
):
    islington = LocalAuthorityFactory(name="Islington")
    elsewhere = make_open_cohort(local_authority=islington)
    their_school = EstablishmentFactory(la=islington)
    client.force_login(camden["coordinator"])

    assert client.get(book_url(elsewhere)).status_code == 404
    assert client.post(book_url(elsewhere), form(their_school)).status_code == 404
    # A school outside the cohort's area (and the user's) cannot be posted onto a cohort.
    refused = client.post(book_url(camden["spring"]), form(their_school))
    assert refused.status_code == 200 and "establishment" in refused.context["form"].errors
    assert not Place.objects.exists()


def test_a_school_that_holds_a_place_is_not_offered_again(client, camden):
    placed = EstablishmentFactory(la=camden["la"], name="Placed School")
    free = EstablishmentFactory(la=camden["la"], name="Free School")
    place_book(establishment=placed, cohort=camden["summer"], attendee=attendee(1))
    client.force_login(camden["coordinator"])
    choices = client.get(book_url(camden["spring"])).context["form"].fields["establishment"]
    assert list(choices.queryset) == [free]


def test_a_facilitator_cannot_book_for_a_school(client, camden):
    facilitator = user_with_role(Role.FACILITATOR)
    camden["spring"].facilitators.add(facilitator)
    client.force_login(facilitator)
    assert client.get(book_url(camden["spring"])).status_code == 403


def test_a_move_needs_a_reason(client, camden):
    place = place_book(
        establishment=EstablishmentFactory(la=camden["la"]),
        cohort=camden["spring"],
        attendee=attendee(1),
    )
    client.force_login(camden["coordinator"])
    url = reverse("cohorts:place-move", args=[place.pk])
    refused = client.post(url, {"cohort": camden["summer"].pk})
    assert refused.status_code == 200 and "Say why the place moves." in refused.content.decode()
    place.refresh_from_db()
    assert place.cohort == camden["spring"]


def test_a_long_cancellation_reason_is_kept_whole_on_the_place(camden):
    place = place_book(
        establishment=EstablishmentFactory(la=camden["la"]),
        cohort=camden["spring"],
        attendee=attendee(1),
    )
    reason = "The head rang: " + "the dates clash with the school's inspection. " * 9
    place_cancel_by_phone(
        place=place, reason=reason, asked_by_school=True, actor=camden["coordinator"]
    )
    place.refresh_from_db()
    assert place.cancel_note == reason.strip()
    assert len(reason.strip()) > 300
    assert place.history.latest().history_change_reason == reason.strip()[:100]


def test_a_cohort_not_open_for_booking_says_so_and_books_no_one(client, camden):
    from cohorts.services.cohorts import cohort_mark_running

    spring = camden["spring"]
    cohort_mark_running(cohort=spring)
    school = EstablishmentFactory(la=camden["la"])
    client.force_login(camden["coordinator"])

    page = client.get(book_url(spring)).content.decode()
    assert "is not open for booking: it is running" in page
    assert 'name="reason"' not in page
    refused = client.post(book_url(spring), form(school))
    assert "is not open for booking" in refused.content.decode()
    assert not Place.objects.filter(establishment=school).exists()
