"""Personal data is never kept by a browser or a proxy: ``Cache-Control: no-store, private`` on
every export, every page a signed-in user sees and the pages of booking and survey links;
static files keep their own caching."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from cohorts.services.links import booking_link_token
from core.spreadsheets import csv_stream_response, xlsx_response
from evaluation.links import survey_link_token
from outbox.models import EmailKind, OutgoingEmail
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def assert_not_stored(response, what) -> None:
    assert {"no-store", "private"} <= directives(response), (what, response.get("Cache-Control"))


def test_the_export_helpers_make_private_downloads():
    for response in (
        csv_stream_response([["URN"], [1]], "schools"),
        xlsx_response({"Schools": [["URN"], [1]]}, "schools"),
    ):
        assert response["Content-Disposition"].startswith("attachment; ")
        assert_not_stored(response, response["Content-Disposition"])


@pytest.fixture
def world():
    cohort = CohortFactory()
    place = PlaceFactory(cohort=cohort)
    email = OutgoingEmail.objects.create(
        kind=EmailKind.INVITATION,
        recipient="head@school.example",
        establishment=place.establishment,
        idempotency_key="invitation|1",
        subject="Join",
        body_text="Hello",
        body_html="<p>Hello</p>",
    )
    return {"cohort": cohort, "place": place, "email": email}


def export_urls(world) -> list[str]:
    return [
        reverse("schools:establishment-export-csv"),
        reverse("schools:establishment-export-xlsx"),
        reverse("schools:contact-import-template"),
        reverse("cohorts:roster-csv", args=[world["cohort"].pk]),
        *(
            reverse("evaluation:export-aggregates-csv", kwargs={"table": table})
            for table in ("rates", "change", "distribution")
        ),
        reverse("evaluation:export-aggregates-xlsx"),
        reverse("evaluation:export-responses-csv"),
        reverse("evaluation:export-responses-xlsx"),
    ]


def test_every_export_is_a_download_nobody_keeps(admin_client, world):
    for url in export_urls(world):
        response = admin_client.get(url)

        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment; "), url
        assert_not_stored(response, url)


def test_every_page_a_signed_in_user_sees_is_not_stored(admin_client, world):
    cohort, place = world["cohort"], world["place"]
    pages = [
        reverse("home"),
        reverse("schools:establishment-list"),
        reverse("schools:establishment-detail", args=[place.establishment.urn]),
        reverse("schools:establishment-contact", args=[place.establishment.urn]),
        reverse("schools:contact-import"),
        reverse("cohorts:list"),
        reverse("cohorts:detail", args=[cohort.pk]),
        reverse("cohorts:edit", args=[cohort.pk]),
        reverse("cohorts:plan"),
        reverse("cohorts:wave-list"),
        reverse("outbox:email-list"),
        reverse("outbox:email-detail", args=[world["email"].pk]),
        reverse("evaluation:report"),
        reverse("admin:index"),
        reverse("admin:schools_establishment_changelist"),
        "/cohorts/no-such-page/",  # a 404 page is a page too
    ]
    for url in pages:
        response = admin_client.get(url)

        assert response.status_code in (200, 404), url
        assert_not_stored(response, url)


def test_a_signed_in_users_redirect_is_not_stored(admin_client, world):
    cancel = admin_client.post(
        reverse("cohorts:place-cancel", args=[world["place"].pk]), {"reason": "Asked by phone"}
    )

    assert cancel.status_code == 302
    assert_not_stored(cancel, "place-cancel")


def test_the_pages_of_booking_and_survey_links_are_not_stored(client, world):
    booking = booking_link_token(establishment=world["place"].establishment)
    survey = survey_link_token(invitation=SurveyInvitationFactory())
    pages = {
        reverse("cohorts:book", kwargs={"token": booking}): 200,
        reverse("cohorts:book-attendee", kwargs={"token": booking}): 200,
        reverse("cohorts:book-calendar", kwargs={"token": booking}): 200,
        reverse("cohorts:book", kwargs={"token": booking[:-3] + "xyz"}): 404,
        reverse("survey:answer", kwargs={"token": survey}): 200,
        reverse("survey:answer", kwargs={"token": survey[:-3] + "xyz"}): 404,
    }
    for url, status in pages.items():
        response = client.get(url)

        assert response.status_code == status, url
        assert_not_stored(response, url)


def test_pages_without_personal_data_and_static_files_keep_their_caching(admin_client, client):
    # The sign-in page has Django's own never_cache; a static file its long cache, signed in
    # or not.
    for user_client in (admin_client, client):
        static = user_client.get("/static/css/link.css")
        assert static.status_code == 200
        assert "no-store" not in directives(static)
        assert "private" not in directives(static)
        assert get_max_age(static) > 0
