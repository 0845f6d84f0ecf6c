"""seed_demo: real demo data and logins, harmless to run twice, refused in production."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from accounts.services import DEMO_LOGINS
from schools.models import Establishment, MHSTeam

pytestmark = pytest.mark.django_db


def seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def snapshot():
    return (
        list(Establishment.objects.order_by("urn").values_list("urn", "contact_email")),
        list(MHSTeam.objects.order_by("pk").values_list("name", "schools_served")),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
    )


def test_seeds_real_establishments_and_prints_working_logins(settings):
    settings.DEBUG = True

    out = seed()

    assert 200 <= Establishment.objects.count() <= 1000
    assert Establishment.objects.filter(urn=100008, name="Argyle Primary School").exists()
    assert Establishment.objects.eligible().exclude(mhst_area=None).exists()
    assert MHSTeam.objects.exists()
    assert not Establishment.objects.eligible().filter(contact_email="").exists()
    for login in DEMO_LOGINS:
        assert f"username {login.username}" in out
        assert f"password {login.password}" in out
        assert authenticate(username=login.username, password=login.password) is not None


def test_running_twice_is_harmless(settings):
    settings.DEBUG = True
    seed()
    before = snapshot()

    out = seed()

    assert snapshot() == before
    assert "existed already" in out


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published passwords"):
        seed()
    assert not get_user_model().objects.exists()

    seed(force=True)
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
