"""The coordinators' home page."""

import pytest
from django.urls import reverse

from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_needs_a_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_told_how_to_get_one(client, django_user_model):
    user = django_user_model.objects.create_user("newcomer", password="pw-for-tests-only")
    client.force_login(user)
    EstablishmentFactory.create_batch(3)

    response = client.get(reverse("home"))

    assert "does not have a role" in response.content.decode()
    assert "summary" not in response.context


def test_a_failed_sign_in_says_so_once_and_keeps_the_username(client):
    response = client.post(reverse("login"), {"username": "someone", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("There is a problem") == 1
    assert "Please enter a correct username" not in page  # no second, different message
    assert 'value="someone"' in page
