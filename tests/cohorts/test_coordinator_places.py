"""A coordinator cancels a place only after a page that says what happens and asks why (the
reason shows on the cohort page, in the place's history and in the roster CSV), and moves a
place to a cohort in the school's own area first, elsewhere only once confirmed (issue 11,
item 9)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from cohorts.models import CancelReason, CohortStatus, PlaceStatus
from cohorts.services.places import Attendee, place_book
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory
from tests.workshops.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


def book(cohort, **school):
    return place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority, **school),
        cohort=cohort,
        attendee=ATTENDEE,
    )


def cancel_url(place):
    return reverse("cohorts:place-cancel", args=[place.pk])


def move_url(place):
    return reverse("cohorts:place-move", args=[place.pk])


# --- Cancelling -------------------------------------------------------------------------------


def test_cancel_shows_what_happens_and_cancels_nothing_until_a_reason_is_given(admin_client, clock):
    cohort = make_open_cohort(capacity=1, name="Camden spring")
    place = book(cohort, name="Hill Primary")
    book(cohort, name="Vale School")  # waiting

    page = admin_client.get(cancel_url(place))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Cancel Hill Primary's place on Camden spring?" in text
    assert "offered to the school on the waiting list" in text
    assert 'name="reason"' in text
    place.refresh_from_db()
    assert place.status == PlaceStatus.BOOKED

    refused = admin_client.post(cancel_url(place), {"reason": "  "})

    assert refused.status_code == 200
    assert "Say why the place is cancelled." in refused.content.decode()
    place.refresh_from_db()
    assert place.status == PlaceStatus.BOOKED


def test_a_cancelled_place_keeps_its_reason_on_the_cohort_page_and_in_its_history(
    admin_client, admin_user, clock
):
    cohort = make_open_cohort(name="Camden spring")
    place = book(cohort, name="Hill Primary")

    response = admin_client.post(cancel_url(place), {"reason": "The head asked by phone"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cohorts:detail", args=[cohort.pk])
    place.refresh_from_db()
    assert (place.status, place.cancel_reason, place.cancel_note) == (
        PlaceStatus.CANCELLED,
        CancelReason.BY_COORDINATOR,
        "The head asked by phone",
    )
    record = place.history.first()
    assert (record.history_change_reason, record.history_user) == (
        "The head asked by phone",
        admin_user,
    )
    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert "Cancelled places" in page
    assert "Cancelled by a coordinator: “The head asked by phone”" in page
    assert f"by {admin_user.username}" in page


def test_taking_a_school_off_the_waiting_list_asks_too(admin_client, clock):
    cohort = make_open_cohort(capacity=1, name="Camden spring")
    book(cohort)
    waiting = book(cohort, name="Vale School")

    page = admin_client.get(cancel_url(waiting)).content.decode()
    assert "Take Vale School off the waiting list for Camden spring?" in page
    detail = admin_client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()
    assert f'href="{cancel_url(waiting)}"' in detail  # a link to the page, not a one-click form

    admin_client.post(cancel_url(waiting), {"reason": "Joined by mistake"})

    waiting.refresh_from_db()
    assert (waiting.status, waiting.cancel_note) == (PlaceStatus.CANCELLED, "Joined by mistake")


def test_a_place_past_cancelling_goes_back_to_the_cohort_saying_why(admin_client, clock):
    place = PlaceFactory(status=PlaceStatus.COMPLETED, completed_on=dt.date(2026, 1, 5))

    response = admin_client.get(cancel_url(place), follow=True)

    assert "cannot be cancelled: it is completed" in response.content.decode()
    place.refresh_from_db()
    assert place.status == PlaceStatus.COMPLETED


def test_the_roster_csv_lists_cancelled_places_with_when_why_and_by_whom(
    admin_client, admin_user, clock
):
    cohort = make_open_cohort(name="Camden spring")
    book(cohort, name="Hill Primary")
    cancelled = book(cohort, name="Vale School")
    admin_client.post(cancel_url(cancelled), {"reason": "=cmd|' /C calc'!A0"})

    response = admin_client.get(reverse("cohorts:roster-csv", args=[cohort.pk]))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["Establishment"], r["Status"]) for r in rows] == [
        ("Hill Primary", "Booked"),
        ("Vale School", "Cancelled"),
    ]
    assert rows[1]["Cancelled on"] == "2026-01-05"
    assert rows[1]["Cancellation reason"] == "Cancelled by a coordinator"
    assert rows[1]["Reason given"] == "'=cmd|' /C calc'!A0"  # a formula, defused
    assert rows[1]["Cancelled by"] == admin_user.username
    assert rows[0]["Cancellation reason"] == rows[0]["Reason given"] == ""


# --- Moving ---------------------------------------------------------------------------------


@pytest.fixture
def move_choices(clock):
    """A place on a Camden cohort of "Year 1", and open cohorts: in Camden (Year 2), in the
    school's MHST area (another LA), and in Islington."""
    camden, islington = (
        LocalAuthorityFactory(name="Camden"),
        LocalAuthorityFactory(name="Islington"),
    )
    mhst = MHSTAreaFactory(name="North Central London")
    year_1, year_2 = PhaseFactory(name="Year 1"), PhaseFactory(name="Year 2")
    cohort = make_open_cohort(name="Camden spring", local_authority=camden, phase=year_1)
    place = place_book(
        establishment=EstablishmentFactory(la=camden, mhst_area=mhst, name="Hill Primary"),
        cohort=cohort,
        attendee=ATTENDEE,
    )
    return {
        "place": place,
        "camden_later": make_open_cohort(
            name="Camden summer", local_authority=camden, phase=year_2
        ),
        "mhst": make_open_cohort(
            name="NCL MHST cohort", local_authority=None, mhst_area=mhst, phase=year_1
        ),
        "islington": make_open_cohort(
            name="Islington spring", local_authority=islington, phase=year_1
        ),
    }


def test_the_move_page_offers_the_schools_own_area_first_and_warns_for_others(
    admin_client, move_choices
):
    page = admin_client.get(move_url(move_choices["place"])).content.decode()

    own = page.index("In Hill Primary's area (Camden · North Central London)")
    outside = page.index("Outside its area")
    assert own < page.index("Camden summer") < outside
    assert own < page.index("NCL MHST cohort") < outside
    assert outside < page.index("Islington spring")
    assert "only if the school has agreed to attend there" in page
    # Camden summer is in another phase than the place's cohort, and says so.
    summer = page[page.index("Camden summer") : page.index("</label>", page.index("Camden summer"))]
    assert "another phase" in summer
    mhst = page[page.index("NCL MHST cohort") : page.index("</label>", page.index("NCL MHST"))]
    assert "another phase" not in mhst


def test_a_move_outside_the_schools_area_needs_the_coordinator_to_confirm_it(
    admin_client, move_choices
):
    place, islington = move_choices["place"], move_choices["islington"]

    refused = admin_client.post(move_url(place), {"cohort": islington.pk, "reason": "Rang"})

    assert refused.status_code == 200
    assert "outside Hill Primary&#x27;s area" in refused.content.decode()
    place.refresh_from_db()
    assert place.cohort_id != islington.pk

    admin_client.post(
        move_url(place), {"cohort": islington.pk, "outside_area": "on", "reason": "Rang"}
    )

    place.refresh_from_db()
    assert place.cohort_id == islington.pk


def test_a_move_within_the_area_needs_no_confirmation(admin_client, move_choices):
    place, mhst = move_choices["place"], move_choices["mhst"]

    admin_client.post(move_url(place), {"cohort": mhst.pk, "reason": "The head rang"})

    place.refresh_from_db()
    assert place.cohort_id == mhst.pk


def test_the_move_page_leaves_out_cohorts_whose_booking_has_closed(admin_client, clock):
    cohort = make_open_cohort(name="Camden spring")
    place = book(cohort)
    soon = make_open_cohort(
        name="Camden soon",
        local_authority=cohort.local_authority,
        day_1=dt.date(2026, 1, 20),
    )
    clock.shift(dt.timedelta(days=9))  # 14 January: booking for the 20th closed on the 13th

    page = admin_client.get(move_url(place)).content.decode()

    assert soon.name not in page


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [20, 200])
def test_the_cancel_page_costs_the_same_at_20_and_200_places(
    admin_client, django_assert_max_num_queries, clock, rows
):
    cohort = make_open_cohort(capacity=1)
    place = book(cohort)
    for n in range(rows):
        PlaceFactory(cohort=cohort, status=PlaceStatus.WAITING, waiting_position=n + 1)
    with django_assert_max_num_queries(CANCEL_PLACE_QUERIES):
        response = admin_client.get(cancel_url(place))
    assert response.context["seat"]["waiting_count"] == rows


@pytest.mark.parametrize("rows", [20, 200])
def test_the_move_page_costs_the_same_at_20_and_200_cohorts(
    admin_client, django_assert_max_num_queries, clock, rows
):
    phase, la = PhaseFactory(), LocalAuthorityFactory()
    place = book(make_open_cohort(local_authority=la, phase=phase))
    day_1 = dt.date(2026, 4, 13)
    for n in range(rows):
        area = la if n % 2 else LocalAuthorityFactory()
        target = CohortFactory(phase=phase, local_authority=area, status=CohortStatus.OPEN)
        WorkshopFactory(cohort=target, day=1, date=day_1)
        WorkshopFactory(cohort=target, day=2, date=day_1.replace(month=5))
    with django_assert_max_num_queries(MOVE_QUERIES):
        response = admin_client.get(move_url(place))
    assert len(response.context["own_area"]) + len(response.context["other_areas"]) == rows


@pytest.mark.parametrize("rows", [20, 200])
def test_the_cohort_page_costs_the_same_at_20_and_200_cancelled_places(
    admin_client, django_assert_max_num_queries, clock, rows
):
    cohort = make_open_cohort(capacity=20)
    for n in range(rows):
        admin_client.post(cancel_url(book(cohort, name=f"School {n:03d}")), {"reason": f"#{n}"})
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = admin_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    assert len(response.context["cancelled"]) == rows
    assert {p.cancelled_by for p in response.context["cancelled"]} == {"admin"}


#: Session, user, roles, the place (its school, areas and cohort joined), the waiting count,
#: workshop 1 (has booking closed?), and the roles again for the menu.
CANCEL_PLACE_QUERIES = 7
#: Session, user, roles, the place, every target cohort (one annotated query), the waiting
#: count and workshop 1 (what happens to the freed seat), the menu's roles.
MOVE_QUERIES = 8
#: As the cohort page's in test_coordinator.py (11), and one for who cancelled each place.
DETAIL_QUERIES = 13  # and the invited schools of an open cohort's area still to nudge
