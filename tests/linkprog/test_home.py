"""The coordinators' home page."""

import pytest
from django.urls import reverse

from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_needs_a_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_shows_the_register_in_a_constant_number_of_queries(
    client, django_user_model, django_assert_max_num_queries
):
    user = django_user_model.objects.create_user("coord", password="pw-for-tests-only")
    client.force_login(user)
    EstablishmentFactory.create_batch(3)
    EstablishmentFactory(status=2)  # closed: counted in the register, not as eligible
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("home"))
    EstablishmentFactory.create_batch(60)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))

    assert response.context["summary"]["eligible"] == 63
    assert response.context["summary"]["establishments"] == 64
    assert b"<h1" in response.content


def test_a_failed_sign_in_says_so_once_and_keeps_the_username(client):
    response = client.post(reverse("login"), {"username": "someone", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("There is a problem") == 1
    assert "Please enter a correct username" not in page  # no second, different message
    assert 'value="someone"' in page
