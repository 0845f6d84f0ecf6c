"""Coordinators' cohort pages: scope, filters, the detail page, changes, CSV, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from cohorts.models import CancelReason, Cohort, CohortStatus, PlaceStatus
from cohorts.services.cohorts import cohort_mark_running
from cohorts.services.places import Attendee, place_book
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory, WorkshopFactory
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

LIST = reverse("cohorts:list")
ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")


def detail(cohort):
    return reverse("cohorts:detail", args=[cohort.pk])


def book(cohort, **school):
    return place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority, **school),
        cohort=cohort,
        attendee=ATTENDEE,
    )


def test_the_pages_need_a_signed_in_coordinator(client, django_user_model):
    cohort = CohortFactory()
    assert client.get(LIST).status_code == 302  # to the sign-in page
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(cohort)).status_code == 403


def test_a_regional_coordinator_sees_only_the_cohorts_of_their_areas(client, clock):
    mine, theirs = LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Barnet")
    own = make_open_cohort(local_authority=mine, name="Camden spring")
    other = make_open_cohort(local_authority=theirs, name="Barnet spring")
    other_place = book(other)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[mine]))

    page = client.get(LIST).content.decode()

    assert "Camden spring" in page and "Barnet spring" not in page
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    assert client.get(reverse("cohorts:roster-csv", args=[other.pk])).status_code == 404
    assert client.post(reverse("cohorts:place-cancel", args=[other_place.pk])).status_code == 404
    other_place.refresh_from_db()
    assert other_place.status == PlaceStatus.BOOKED


def test_a_facilitator_sees_the_cohorts_they_run_and_cannot_edit_them(client, clock):
    facilitator = user_with_role(Role.FACILITATOR)
    theirs = make_open_cohort(name="Run by them")
    theirs.facilitators.add(facilitator)
    make_open_cohort(name="Someone else's")
    client.force_login(facilitator)

    page = client.get(LIST).content.decode()

    assert "Run by them" in page and "Someone else's" not in page
    assert client.get(detail(theirs)).status_code == 200
    assert client.get(reverse("cohorts:edit", args=[theirs.pk])).status_code == 403


def test_a_viewer_has_no_cohort_pages(client):
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(LIST).status_code == 403


def test_the_list_filters_by_phase_area_status_and_dates(admin_client, clock):
    camden = LocalAuthorityFactory(name="Camden")
    spring, autumn = PhaseFactory(name="Spring"), PhaseFactory(name="Autumn")
    early = make_open_cohort(
        name="Early", phase=spring, local_authority=camden, day_1=dt.date(2026, 3, 2)
    )
    late = make_open_cohort(name="Late", phase=autumn, day_1=dt.date(2026, 9, 7))
    planned = CohortFactory(name="Planned", phase=spring)

    def names(**params):
        return {c.name for c in admin_client.get(LIST, params).context["cohorts"]}

    assert names() == {"Early", "Late", "Planned"}
    assert names(phase=spring.pk) == {"Early", "Planned"}
    assert names(local_authority=camden.pk) == {"Early"}
    assert names(status=CohortStatus.PLANNED) == {"Planned"}
    assert names(starts_from="2026-06-01") == {"Late"}
    assert names(starts_from="2026-01-01", starts_to="2026-04-01") == {"Early"}
    assert names(q="lat") == {"Late"}
    assert early.pk and late.pk and planned.pk


def test_the_detail_page_shows_roster_places_left_waiting_list_and_professionals(
    admin_client, clock
):
    cohort = make_open_cohort(capacity=1, name="Camden spring")
    book(cohort, name="Hill Primary")
    book(cohort, name="Vale School")  # waiting
    ProfessionalFactory(cohort=cohort, name="Dr Rao")

    response = admin_client.get(detail(cohort))

    page = response.content.decode()
    assert "Hill Primary" in page and "Sam Lead" in page
    assert "1 of 1 taken, 0 left, 1 waiting" in page
    assert "Vale School (waiting)" in page
    assert "Dr Rao" in page
    assert page.count("Copy booking link") == 2
    assert "/cohorts/book/" in page


def test_a_coordinator_plans_a_cohort_sets_its_days_and_opens_it(admin_client, clock):
    camden = LocalAuthorityFactory(name="Camden")
    EstablishmentFactory(la=camden)
    phase = PhaseFactory()

    response = admin_client.post(
        reverse("cohorts:create"),
        {
            "name": "Camden spring",
            "phase": phase.pk,
            "local_authority": camden.pk,
            "capacity": 18,
            "format": "in_person",
            "venue_name": "Civic Centre",
            "venue_address": "1 High St",
        },
    )
    cohort = Cohort.objects.get()
    assert response["Location"] == reverse("cohorts:workshops", args=[cohort.pk])
    assert (cohort.capacity, cohort.status) == (18, CohortStatus.PLANNED)

    days = {
        "day1-date": "2026-03-02",
        "day1-start_time": "09:30",
        "day1-end_time": "16:00",
        "day2-date": "2026-03-23",
        "day2-start_time": "09:30",
        "day2-end_time": "16:00",
    }
    saved = admin_client.post(reverse("cohorts:workshops", args=[cohort.pk]), days, follow=True)
    assert "only 21 days apart" in saved.content.decode()
    assert [w.date for w in cohort.workshops.order_by("day")] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 23),
    ]

    opened = admin_client.post(reverse("cohorts:open", args=[cohort.pk]), follow=True)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.OPEN
    assert "is open for booking" in opened.content.decode()


def test_the_workshop_days_form_shows_the_saved_days(admin_client):
    cohort = CohortFactory()
    WorkshopFactory(cohort=cohort, day=1, date=dt.date(2026, 3, 2))
    WorkshopFactory(cohort=cohort, day=2, date=dt.date(2026, 4, 13))

    page = admin_client.get(reverse("cohorts:workshops", args=[cohort.pk])).content.decode()

    # ISO dates, the only ones <input type="date"> shows, whatever the locale.
    assert 'type="date" name="day1-date" value="2026-03-02"' in page
    assert 'type="date" name="day2-date" value="2026-04-13"' in page


def test_disordered_days_are_refused_on_the_form_and_nothing_is_saved(admin_client, clock):
    cohort = CohortFactory()
    days = {
        "day1-date": "2026-03-23",
        "day1-start_time": "09:30",
        "day1-end_time": "16:00",
        "day2-date": "2026-03-02",
        "day2-start_time": "09:30",
        "day2-end_time": "16:00",
    }
    response = admin_client.post(reverse("cohorts:workshops", args=[cohort.pk]), days)
    assert "must be after workshop 1" in response.content.decode()
    assert not cohort.workshops.exists()


def test_opening_with_past_dates_shows_the_reason(admin_client, clock):
    cohort = CohortFactory()
    WorkshopFactory(cohort=cohort, day=1, date=dt.date(2025, 12, 1))
    WorkshopFactory(cohort=cohort, day=2, date=dt.date(2026, 1, 12))

    response = admin_client.post(reverse("cohorts:open", args=[cohort.pk]), follow=True)

    assert "cannot open for booking with past dates" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED


def test_names_and_venues_on_two_lines_are_refused_by_the_coordinator_forms(admin_client, clock):
    camden = LocalAuthorityFactory(name="Camden")
    phase = PhaseFactory()

    response = admin_client.post(
        reverse("cohorts:create"),
        {
            "name": "Camden\nspring",
            "phase": phase.pk,
            "local_authority": camden.pk,
            "capacity": 18,
            "format": "in_person",
            "venue_name": "Civic Centre\r\nHall 2",
            "venue_address": "1 High St\nLondon",  # an address may take several lines
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter this on one line."]
    assert errors["venue_name"] == ["Enter this on one line."]
    assert "venue_address" not in errors
    assert not Cohort.objects.exists()

    cohort = CohortFactory(phase=phase, local_authority=camden)
    days = {
        "day1-date": "2026-03-02",
        "day1-start_time": "09:30",
        "day1-end_time": "16:00",
        "day1-venue_name": "Town Hall\u2028Room 1",
        "day2-date": "2026-04-13",
        "day2-start_time": "09:30",
        "day2-end_time": "16:00",
    }
    response = admin_client.post(reverse("cohorts:workshops", args=[cohort.pk]), days)

    assert "Enter this on one line." in response.content.decode()
    assert not cohort.workshops.exists()


def test_editing_a_cohort_raises_its_capacity_and_offers_the_seat(admin_client, clock):
    cohort = make_open_cohort(capacity=1)
    book(cohort)
    waiting = book(cohort)
    form = {
        "name": cohort.name,
        "local_authority": cohort.local_authority_id,
        "capacity": 2,
        "format": "in_person",
        "venue_name": "Civic Centre",
        "venue_address": "1 High St",
    }

    admin_client.post(reverse("cohorts:edit", args=[cohort.pk]), form)

    waiting.refresh_from_db()
    cohort.refresh_from_db()
    assert cohort.capacity == 2
    assert waiting.status == PlaceStatus.OFFERED


def test_a_coordinator_moves_and_cancels_places(admin_client, clock):
    cohort = make_open_cohort()
    other = make_open_cohort(name="Camden summer", local_authority=cohort.local_authority)
    moving, cancelling = book(cohort), book(cohort)

    page = admin_client.get(reverse("cohorts:place-move", args=[moving.pk])).content.decode()
    assert "Camden summer" in page
    admin_client.post(
        reverse("cohorts:place-move", args=[moving.pk]), {"cohort": other.pk, "reason": "Rang"}
    )
    admin_client.post(
        reverse("cohorts:place-cancel", args=[cancelling.pk]), {"reason": "Booked twice"}
    )

    moving.refresh_from_db()
    cancelling.refresh_from_db()
    assert moving.cohort_id == other.pk
    assert moving.participant.delivery_id == other.delivery_id  # its attendee moves with it
    assert (cancelling.status, cancelling.cancel_reason) == (
        PlaceStatus.CANCELLED,
        CancelReason.BY_COORDINATOR,
    )


def test_attendance_is_marked_per_day_for_places_and_professionals(admin_client, clock):
    cohort = make_open_cohort()
    there, absent = book(cohort), book(cohort)
    professional = ProfessionalFactory(cohort=cohort)
    cohort_mark_running(cohort=cohort)
    day_1 = cohort.workshops.get(day=1)
    clock.move_to(dt.datetime.combine(day_1.date, dt.time(17), tzinfo=dt.UTC))

    admin_client.post(
        reverse("cohorts:attendance", args=[cohort.pk, 1]),
        {"place": [there.pk], "professional": [professional.pk]},
    )

    there.refresh_from_db()
    absent.refresh_from_db()
    assert there.status == PlaceStatus.ATTENDED_DAY_1
    assert absent.status == PlaceStatus.BOOKED
    assert Attendance.objects.get(participant=absent.participant).present is False
    assert Attendance.objects.get(participant=professional.participant).present is True
    page = admin_client.get(detail(cohort)).content.decode()
    assert f'value="{there.pk}" id="att-1-p{there.pk}" checked' in page


def test_the_roster_csv_lists_schools_and_defuses_formulas(admin_client, clock):
    cohort = make_open_cohort(capacity=1)
    place_book(
        establishment=EstablishmentFactory(la=cohort.local_authority, name="=HYPERLINK(1)"),
        cohort=cohort,
        attendee=Attendee(name="Sam Lead", role="SMHL", email="s@x.example", access_needs="Lift"),
    )
    book(cohort, name="Vale School")

    response = admin_client.get(reverse("cohorts:roster-csv", args=[cohort.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["Establishment"], r["Status"], r["Waiting position"]) for r in rows] == [
        ("'=HYPERLINK(1)", "Booked", ""),
        ("Vale School", "On the waiting list", "1"),
    ]
    assert rows[0]["Access needs"] == "Lift"


def _cohorts(count):
    phase = PhaseFactory()
    la = LocalAuthorityFactory()
    for n in range(count):
        cohort = CohortFactory(phase=phase, local_authority=la, name=f"Cohort {n:03d}")
        WorkshopFactory(cohort=cohort, day=1)
        WorkshopFactory(cohort=cohort, day=2, date=dt.date(2026, 4, 13))
        PlaceFactory(cohort=cohort)


@pytest.mark.parametrize("rows", [20, 200])
def test_the_cohort_list_costs_the_same_at_20_and_200_cohorts(
    admin_client, django_assert_max_num_queries, rows
):
    _cohorts(rows)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = admin_client.get(LIST)
    assert len(response.context["cohorts"]) == min(rows, 50)


def _big_cohort(rows):
    """A running cohort: 20 on the roster with attendance, the rest waiting, and ``rows``
    professionals with attendance."""
    cohort = make_open_cohort(capacity=20)
    for n in range(rows):
        book(cohort, name=f"School {n:03d}")
    cohort_mark_running(cohort=cohort)
    # mark_running released the waiting list; put it back to show it.
    for n, place in enumerate(cohort.places.filter(status=PlaceStatus.CANCELLED), start=1):
        place.status, place.waiting_position, place.cancel_reason = PlaceStatus.WAITING, n, ""
        place.save()
    day_1 = cohort.workshops.get(day=1)
    for place in cohort.places.filter(status=PlaceStatus.BOOKED):
        Attendance.objects.create(workshop=day_1, participant=place.participant)
    for professional in ProfessionalFactory.create_batch(rows, cohort=cohort):
        Attendance.objects.create(workshop=day_1, participant=professional.participant)
    return cohort


@pytest.mark.parametrize("rows", [20, 200])
def test_the_cohort_page_costs_the_same_at_20_and_200_rows(
    admin_client, django_assert_max_num_queries, clock, rows
):
    cohort = _big_cohort(rows)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = admin_client.get(detail(cohort))
    assert len(response.context["professionals"]) == rows
    assert len(response.context["roster"]) + len(response.context["waiting"]) == rows


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.FACILITATOR])
@pytest.mark.parametrize("rows", [20, 200])
def test_the_cohort_page_costs_the_same_for_a_coordinator_and_a_facilitator(
    client, django_assert_max_num_queries, clock, rows, role
):
    """What each may do (the page's buttons and booking links) is worked out once: the
    permission checks cost the same at any size."""
    cohort = _big_cohort(rows)
    if role == Role.REGIONAL_COORDINATOR:
        user = user_with_role(role, local_authorities=[cohort.local_authority])
    else:
        user = user_with_role(role)
        cohort.facilitators.add(user)
    client.force_login(user)
    with django_assert_max_num_queries(ROLE_DETAIL_QUERIES):
        response = client.get(detail(cohort))
    assert len(response.context["professionals"]) == rows
    assert ("Copy booking link" in response.content.decode()) == (role == Role.REGIONAL_COORDINATOR)


LIST_QUERIES = 9  # session, user, roles, count, page (+ filter choices when rendered)
#: Session, user, roles, cohort, workshops, attendance, places, …, history, and the places'
#: history (who cancelled a place, who changed one for a school by phone: issue 13, item 6).
DETAIL_QUERIES = 12
ROLE_DETAIL_QUERIES = 17  # … and the user's permissions (2) and areas (3)


# --- Cancelling a cohort, editing and removing professionals --------------------------------


def test_a_coordinator_cancels_a_cohort_after_confirming_and_the_schools_are_told(
    admin_client, clock, django_capture_on_commit_callbacks
):
    cohort = make_open_cohort(capacity=2, name="Camden spring")
    booked = [book(cohort, name="Hill Primary"), book(cohort, name="Vale School")]
    waiting = book(cohort, name="Brook Academy")
    confirm = reverse("cohorts:cancel", args=[cohort.pk])
    assert confirm in admin_client.get(detail(cohort)).content.decode()

    page = admin_client.get(confirm).content.decode()

    assert "Cancel Camden spring?" in page and "cannot be undone" in page
    assert "Schools whose places are cancelled (3)" in page
    assert "Brook Academy (on the waiting list)" in page
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.FULL  # the confirmation page changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(confirm, follow=True)

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.CANCELLED
    for place in [*booked, waiting]:
        place.refresh_from_db()
        assert (place.status, place.cancel_reason) == (
            PlaceStatus.CANCELLED,
            CancelReason.COHORT_CANCELLED,
        )
    assert (
        "Camden spring is cancelled. 3 schools holding a place or on the waiting list will be "
        "told by email." in response.content.decode()
    )
    told = OutgoingEmail.objects.filter(kind=EmailKind.CANCELLATION)
    assert sorted(told.values_list("establishment__name", flat=True)) == [
        "Brook Academy",
        "Hill Primary",
        "Vale School",
    ]
    # Cancelled already: no button, and the confirmation page sends the user back.
    assert confirm not in response.content.decode()
    again = admin_client.get(confirm, follow=True)
    assert "Camden spring is cancelled already." in again.content.decode()


def test_a_completed_cohort_cannot_be_cancelled(admin_client, clock):
    cohort = CohortFactory(status=CohortStatus.COMPLETED)
    response = admin_client.post(reverse("cohorts:cancel", args=[cohort.pk]), follow=True)
    assert "is already completed" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.COMPLETED


def test_a_coordinator_corrects_a_professionals_details(admin_client):
    professional = ProfessionalFactory(name="Dr Rao", email="rao@nhs.example")
    url = reverse("cohorts:professional-edit", args=[professional.pk])
    assert url in admin_client.get(detail(professional.delivery.cohort)).content.decode()
    form = admin_client.get(url).context["form"]
    assert form["name"].value() == "Dr Rao"

    response = admin_client.post(
        url,
        {
            "name": "Dr Priya Rao",
            "organisation": "Camden CAMHS",
            "organisation_type": "nhs_cypmhs",
            "email": "priya.rao@nhs.example",
        },
        follow=True,
    )

    professional.refresh_from_db()
    assert (professional.name, professional.email) == ("Dr Priya Rao", "priya.rao@nhs.example")
    assert "Dr Priya Rao&#x27;s details are saved." in response.content.decode()
    refused = admin_client.post(url, {"name": "", "organisation": "", "email": "nope"})
    assert 'href="#id_name"' in refused.content.decode()
    professional.refresh_from_db()
    assert professional.name == "Dr Priya Rao"


def test_a_professional_is_removed_unless_recorded_present(admin_client, clock):
    cohort = make_open_cohort(name="Camden spring")
    book(cohort)
    there, mistaken, absent = (
        ProfessionalFactory(cohort=cohort, name=name) for name in ("Dr Rao", "Oops", "Ms Absent")
    )
    cohort_mark_running(cohort=cohort)
    day_1 = cohort.workshops.get(day=1)
    clock.move_to(dt.datetime.combine(day_1.date, dt.time(17), tzinfo=dt.UTC))
    admin_client.post(
        reverse("cohorts:attendance", args=[cohort.pk, 1]), {"professional": [there.pk]}
    )

    def remove(professional):
        url = reverse("cohorts:professional-remove", args=[professional.pk])
        page = admin_client.get(url).content.decode()
        assert f"Remove {professional.name} from Camden spring?" in page
        return admin_client.post(url, follow=True).content.decode()

    refused = remove(there)
    assert (
        "Dr Rao is recorded as present at workshop 1 of Camden spring, so they cannot be removed"
        in refused
    )
    assert Attendance.objects.filter(participant=there.participant, present=True).exists()
    assert "Oops is removed from Camden spring." in remove(mistaken)
    assert "Ms Absent is removed from Camden spring." in remove(absent)  # only marked absent
    assert list(cohort.professionals.all()) == [there]


# --- Who may open each coordinator page ------------------------------------------------------

#: (method, URL name, what the URL takes) for every coordinator page that changes something
#: or needs "manage_cohorts".
MANAGE_PAGES = [
    ("get", "cohorts:create", None),
    ("get", "cohorts:plan", None),
    ("post", "cohorts:plan", None),
    ("get", "cohorts:set-up", None),
    ("post", "cohorts:set-up", None),
    ("post", "cohorts:set-up-copy", None),
    ("get", "cohorts:set-up-import", None),
    ("post", "cohorts:set-up-import", None),
    ("get", "cohorts:set-up-import-template", None),
    ("get", "cohorts:edit", "cohort"),
    ("post", "cohorts:edit", "cohort"),
    ("get", "cohorts:workshops", "cohort"),
    ("post", "cohorts:open", "cohort"),
    ("post", "cohorts:start", "cohort"),
    ("post", "cohorts:complete", "cohort"),
    ("get", "cohorts:professional-add", "cohort"),
    ("get", "cohorts:roster-csv", "cohort"),
    ("get", "cohorts:cancel", "cohort"),
    ("post", "cohorts:cancel", "cohort"),
    ("get", "cohorts:professional-edit", "professional"),
    ("post", "cohorts:professional-edit", "professional"),
    ("get", "cohorts:professional-remove", "professional"),
    ("post", "cohorts:professional-remove", "professional"),
    ("get", "cohorts:place-move", "place"),
    ("get", "cohorts:place-cancel", "place"),
    ("post", "cohorts:place-cancel", "place"),
]
#: Pages that "run_cohorts" (facilitators too) opens.
RUN_PAGES = [
    ("get", "cohorts:list", None),
    ("get", "cohorts:detail", "cohort"),
    ("post", "cohorts:attendance", "cohort-day"),
]


@pytest.fixture
def run_cohort(clock):
    """An open cohort with a booked place and a professional, run by the facilitator."""
    cohort = make_open_cohort(name="Run by them")
    cohort.facilitators.add(user_with_role(Role.FACILITATOR))
    return {
        "cohort": cohort,
        "place": book(cohort),
        "professional": ProfessionalFactory(cohort=cohort),
    }


def _url(name, takes, objects):
    if takes is None:
        return reverse(name)
    if takes == "cohort-day":
        return reverse(name, args=[objects["cohort"].pk, 1])
    return reverse(name, args=[objects[takes].pk])


def _unchanged(objects):
    cohort, place, professional = objects["cohort"], objects["place"], objects["professional"]
    cohort.refresh_from_db()
    place.refresh_from_db()
    assert cohort.status == CohortStatus.OPEN
    assert place.status == PlaceStatus.BOOKED
    assert cohort.professionals.filter(pk=professional.pk).exists()


@pytest.mark.parametrize(("method", "name", "takes"), MANAGE_PAGES)
def test_a_facilitator_cannot_use_the_managing_pages_even_of_their_cohort(
    client, run_cohort, method, name, takes
):
    client.force_login(run_cohort["cohort"].facilitators.get())
    response = getattr(client, method)(_url(name, takes, run_cohort))
    assert response.status_code == 403
    _unchanged(run_cohort)


@pytest.mark.parametrize(("method", "name", "takes"), MANAGE_PAGES + RUN_PAGES)
def test_a_viewer_cannot_use_any_coordinator_page(client, run_cohort, method, name, takes):
    client.force_login(user_with_role(Role.VIEWER))
    response = getattr(client, method)(_url(name, takes, run_cohort))
    assert response.status_code == 403
    _unchanged(run_cohort)


@pytest.mark.parametrize(
    ("method", "name", "takes"), [p for p in MANAGE_PAGES + RUN_PAGES if p[2] is not None]
)
def test_a_regional_coordinator_gets_404_outside_their_areas(
    client, run_cohort, method, name, takes
):
    elsewhere = LocalAuthorityFactory(name="Elsewhere")
    EstablishmentFactory(la=elsewhere)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[elsewhere]))
    response = getattr(client, method)(_url(name, takes, run_cohort))
    assert response.status_code == 404
    _unchanged(run_cohort)


@pytest.mark.parametrize(
    ("method", "name", "takes"), [p for p in MANAGE_PAGES + RUN_PAGES if p[0] == "get"]
)
def test_a_regional_coordinator_opens_every_page_inside_their_areas(
    client, run_cohort, method, name, takes
):
    la = run_cohort["cohort"].local_authority
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[la]))
    assert client.get(_url(name, takes, run_cohort)).status_code == 200


@pytest.mark.parametrize("rows", [20, 200])
def test_the_cancel_confirmation_costs_the_same_at_20_and_200_places(
    admin_client, django_assert_max_num_queries, rows
):
    cohort = CohortFactory()
    PlaceFactory.create_batch(rows, cohort=cohort)
    with django_assert_max_num_queries(CANCEL_QUERIES):
        response = admin_client.get(reverse("cohorts:cancel", args=[cohort.pk]))
    assert len(response.context["affected"]) == rows


@pytest.mark.parametrize("rows", [20, 200])
def test_the_professional_pages_cost_the_same_at_20_and_200_professionals(
    admin_client, django_assert_max_num_queries, rows
):
    cohort = CohortFactory()
    professionals = ProfessionalFactory.create_batch(rows, cohort=cohort)
    for name in ("cohorts:professional-edit", "cohorts:professional-remove"):
        with django_assert_max_num_queries(PROFESSIONAL_QUERIES):
            admin_client.get(reverse(name, args=[professionals[-1].pk]))


CANCEL_QUERIES = 6  # session, user, roles, cohort, places
PROFESSIONAL_QUERIES = 5  # session, user, roles, professional with its cohort


@pytest.mark.parametrize(
    "status, offered",
    [
        (CohortStatus.PLANNED, {"open", "cancel"}),
        (CohortStatus.OPEN, {"start", "cancel"}),
        (CohortStatus.FULL, {"start", "cancel"}),
        (CohortStatus.RUNNING, {"complete", "cancel"}),
        (CohortStatus.COMPLETED, set()),
        (CohortStatus.CANCELLED, set()),
    ],
)
def test_the_cohort_page_offers_exactly_the_moves_its_status_allows(admin_client, status, offered):
    cohort = CohortFactory(status=status)

    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()

    moves = ("open", "start", "complete", "cancel")
    shown = {move for move in moves if reverse(f"cohorts:{move}", args=[cohort.pk]) in page}
    assert shown == offered
    for move in {"open", "start", "complete"} - offered:  # and the services refuse the rest
        response = admin_client.post(reverse(f"cohorts:{move}", args=[cohort.pk]), follow=True)
        cohort.refresh_from_db()
        assert cohort.status == status
        assert f"{cohort.name} is {cohort.get_status_display().lower()}." in (
            response.content.decode()
        )
