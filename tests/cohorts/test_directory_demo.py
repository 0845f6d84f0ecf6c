"""The demo has a venue directory and local professionals in its cohorts' LA, placed among its
schools so the planning helper suggests them, and seeding again adds none twice."""

import io

import pytest
from django.core.management import call_command

from cohorts.models import Cohort
from workshops.models import LocalProfessional, Venue

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_directory(settings):
    settings.DEBUG = True  # seed_demo runs only on a demo site
    call_command("seed_demo", stdout=io.StringIO())
    la = Cohort.objects.first().local_authority
    venues = Venue.objects.filter(local_authority=la)
    assert venues.count() == 3
    assert all(v.easting and v.northing for v in venues)
    assert LocalProfessional.objects.filter(local_authority=la).count() == 5
    call_command("seed_demo", stdout=io.StringIO())
    assert (Venue.objects.count(), LocalProfessional.objects.count()) == (3, 5)
