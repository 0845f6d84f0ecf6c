"""The error pages (403, 404, 500 and a refused form) say what happened and what to do next,
on the site's own styled pages, with DEBUG off as in production (linkprog.settings.test)."""

import re

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

BOOTSTRAP = "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css"


def assert_styled_without_inline_code(page: str) -> None:
    """Styled by the vendored Bootstrap, and nothing a Content-Security-Policy without
    'unsafe-inline' would block: no style attribute, no <style>, no inline <script>."""
    assert f'href="{BOOTSTRAP}"' in page
    assert "style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_a_page_a_role_may_not_use_says_so_and_who_to_ask(client):
    cohort = CohortFactory()
    client.force_login(user_with_role(Role.FACILITATOR))

    response = client.get(reverse("cohorts:edit", args=[cohort.pk]))

    page = response.content.decode()
    assert response.status_code == 403
    assert '<h1 class="h2 mb-3">You do not have permission to do this</h1>' in page
    assert "(Facilitator)" in page and "Nothing was changed." in page
    assert "ask your national admin" in page
    assert f'href="{reverse("home")}">Go to your dashboard</a>' in page
    assert f"mailto:{settings.LINK_CONTACT_EMAIL}" in page
    assert_styled_without_inline_code(page)


def test_someone_without_a_role_is_told_they_have_none(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("newcomer", password="x"))

    response = client.get(reverse("cohorts:list"))

    assert response.status_code == 403
    assert "You are signed in as newcomer, and your account does not have a role yet." in (
        response.content.decode()
    )


def test_a_page_outside_the_users_areas_is_not_found_and_says_why_it_may_be(client):
    cohort = CohortFactory()
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[LocalAuthorityFactory()])
    )

    response = client.get(reverse("cohorts:detail", args=[cohort.pk]))

    page = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h2 mb-3">Page not found</h1>' in page
    assert "outside the areas you cover" in page
    assert "ask your national admin" in page
    assert_styled_without_inline_code(page)


def test_an_address_no_page_matches_is_a_styled_404_for_someone_signed_in(client):
    """No URL matched, so the page has no resolver match: the navigation must still render
    (it once failed on that, and the 404 became a 500)."""
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.get("/cohorts/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'aria-current="page"' not in page  # no section is current
    assert_styled_without_inline_code(page)


def test_an_unknown_address_tells_someone_signed_out_to_check_the_link_or_sign_in(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "open it again from the email" in page
    assert f'href="{reverse("login")}">Sign in</a>' in page
    assert "areas you cover" not in page
    assert_styled_without_inline_code(page)


def test_a_fault_shows_a_styled_page_saying_it_is_recorded_and_what_to_do(failing_dashboard):
    client = Client(raise_request_exception=False)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in page
    assert "The error has been recorded" in page
    assert "check whether it was saved" in page
    assert f"mailto:{settings.LINK_CONTACT_EMAIL}" in page
    assert "a fault in the dashboard" not in page
    assert_styled_without_inline_code(page)


def test_the_500_page_renders_with_no_context_at_all():
    """As Django's own server_error renders it (no context, no request)."""
    page = loader.get_template("500.html").render()

    assert "Sorry, something went wrong" in page
    assert "tell the programme team" in page
    assert_styled_without_inline_code(page)


def test_a_refused_form_says_nothing_was_saved_and_how_to_send_it_again():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "someone", "password": "x"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in page
    assert "Nothing was saved." in page
    assert "reload the page" in page
    assert f'href="{reverse("login")}">Sign in</a>' in page
    assert_styled_without_inline_code(page)
