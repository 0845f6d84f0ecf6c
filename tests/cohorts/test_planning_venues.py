"""The planning helper's suggested venue: the directory venue of the cohort's area nearest its
schools' centre, when within reach; else the school nearest the centre; and accepting the
plan makes it the cohort's venue."""

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from cohorts.services.planning import (
    VENUE_REACH_MAX_KM,
    VENUE_REACH_MIN_KM,
    group_spread,
    venue_suggest,
)
from tests.cohorts.factories import PhaseFactory
from tests.cohorts.test_planning_page import form_data
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import VenueFactory

pytestmark = pytest.mark.django_db

PLAN = reverse("cohorts:plan")
CENTRE = (529_000, 183_000)


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden")


@pytest.fixture
def schools(camden):
    """Five schools within 1 km of the centre; "Middle School" at it."""
    east, north = CENTRE
    offsets = [(0, 0), (1000, 0), (-1000, 0), (0, 1000), (0, -1000)]
    names = ["Middle School", "East School", "West School", "North School", "South School"]
    return [
        EstablishmentFactory(la=camden, name=name, easting=east + dx, northing=north + dy)
        for name, (dx, dy) in zip(names, offsets, strict=True)
    ]


def suggest(schools, venues, la):
    spread = group_spread([(s.pk, s.easting, s.northing) for s in schools])
    return venue_suggest(
        spread=spread,
        venues=venues,
        local_authority_id=la.pk,
        mhst_area_id=None,
        schools={s.pk: s for s in schools},
    )


def venue(la, name, km_east, **kwargs):
    return VenueFactory(
        local_authority=la,
        name=name,
        easting=CENTRE[0] + int(km_east * 1000),
        northing=CENTRE[1],
        **kwargs,
    )


def test_the_nearest_directory_venue_within_reach(camden, schools):
    near = venue(camden, "Near Hall", 2.0, address="1 Road", postcode="NW1 1AA")
    other_la = venue(LocalAuthorityFactory(), "Other LA Hall", 0.5)
    unplaced = VenueFactory(local_authority=camden, name="No position")
    suggestion = suggest(schools, [near, other_la, unplaced], camden)
    assert (suggestion.name, suggestion.venue_id) == ("Near Hall", near.pk)
    assert suggestion.address == "1 Road, NW1 1AA"
    assert suggestion.km == pytest.approx(2.0)
    assert suggestion.from_directory


def test_a_venue_out_of_reach_gives_way_to_the_nearest_school(camden, schools):
    # The schools spread 1 km, so reach is the minimum.
    far = venue(camden, "Far Hall", VENUE_REACH_MIN_KM + 0.5)
    suggestion = suggest(schools, [far], camden)
    assert (suggestion.name, suggestion.establishment_id) == ("Middle School", schools[0].pk)
    assert not suggestion.from_directory
    assert suggestion.address == "London, NW1 1AA"


def test_reach_grows_with_the_spread_but_not_past_the_maximum(camden):
    east, north = CENTRE
    wide = [
        EstablishmentFactory(la=camden, easting=east + dx, northing=north)
        for dx in (-20_000, 0, 20_000)
    ]
    within = venue(camden, "County Hall", VENUE_REACH_MAX_KM - 1)
    assert suggest(wide, [within], camden).venue_id == within.pk
    beyond = venue(camden, "Beyond", VENUE_REACH_MAX_KM + 1)
    assert suggest(wide, [beyond], camden).venue_id is None


def test_no_suggestion_without_positions(camden):
    assert (
        venue_suggest(
            spread=None, venues=[], local_authority_id=camden.pk, mhst_area_id=None, schools={}
        )
        is None
    )


def test_the_page_suggests_and_accepting_makes_it_the_cohorts_venue(admin_client, camden, schools):
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    venue(camden, "Camden Centre", 1.5, address="1 High Street", postcode="NW1 2BB")
    response = admin_client.get(PLAN, {"phase": phase.pk, "area": f"la-{camden.pk}", "size": 20})
    (group, _spare) = response.context["groups"]
    assert group["venue"].name == "Camden Centre"
    assert "Suggested venue: <strong>Camden Centre</strong>, from the venue directory" in (
        response.content.decode()
    )
    response = admin_client.post(PLAN, {**form_data(response), "action": "accept"})
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.venue_name, cohort.venue_address) == ("Camden Centre", "1 High Street, NW1 2BB")


def test_without_a_directory_venue_the_school_becomes_the_venue(admin_client, camden, schools):
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    response = admin_client.get(PLAN, {"phase": phase.pk, "area": f"la-{camden.pk}", "size": 20})
    assert "the school nearest the centre" in response.content.decode()
    admin_client.post(PLAN, {**form_data(response), "action": "accept"})
    assert Cohort.objects.get().venue_name == "Middle School"
