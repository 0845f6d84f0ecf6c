"""Planning by real distance (issue 13, item 2): cohorts of up to 20 schools gathered round
their centre from GIAS's Easting and Northing, never across the area chosen."""

import math
import random

import pytest

from cohorts.services.planning import (
    _by_district,
    cohort_plan_propose,
    distance_groups,
    group_spread,
)
from schools.models import Establishment, LocalAuthority
from schools.services.areas import areas_load_reference
from schools.services.demo import DEMO_GIAS_SLICE
from schools.services.gias import gias_import
from tests.cohorts.factories import PhaseFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory


def blob(rng, first_id, count, x, y, radius=1500):
    return [
        (first_id + i, x + rng.uniform(-radius, radius), y + rng.uniform(-radius, radius))
        for i in range(count)
    ]


def test_three_towns_make_three_cohorts_one_each():
    rng = random.Random(1)
    towns = [
        blob(rng, 0, 15, 500_000, 200_000),
        blob(rng, 100, 15, 520_000, 200_000),
        blob(rng, 200, 15, 510_000, 230_000),
    ]

    groups = distance_groups([p for town in towns for p in town], 20)

    assert sorted(sorted(g) for g in groups) == sorted(sorted(p[0] for p in t) for t in towns)


@pytest.mark.parametrize(("count", "sizes"), [(41, [14, 14, 13]), (20, [20]), (21, [11, 10])])
def test_as_few_cohorts_as_fit_and_of_even_size(count, sizes):
    points = blob(random.Random(count), 0, count, 530_000, 180_000, radius=4000)

    groups = distance_groups(points, 20)

    assert sorted((len(g) for g in groups), reverse=True) == sizes
    assert sorted(pk for g in groups for pk in g) == list(range(count))


def test_the_same_schools_give_the_same_plan():
    points = blob(random.Random(7), 0, 57, 530_000, 180_000, radius=5000)

    assert distance_groups(points, 20) == distance_groups(list(reversed(points)), 20)


def test_spread_and_the_school_nearest_the_centre():
    spread = group_spread([(1, 0.0, 0.0), (2, 2000.0, 0.0), (3, 1000.0, 0.0)])

    assert spread.nearest_id == 3
    assert math.isclose(spread.mean_km, 2 / 3)
    assert math.isclose(spread.max_km, 1.0)


@pytest.mark.django_db
def test_on_camdens_real_schools_cohorts_travel_less_than_by_postcode_district():
    areas_load_reference()
    gias_import(path=DEMO_GIAS_SLICE)
    camden = LocalAuthority.objects.get(code="202")
    phase = PhaseFactory()
    phase.local_authorities.set([camden])

    proposal = cohort_plan_propose(phase=phase, local_authority=camden)

    schools = Establishment.objects.in_bulk(
        [pk for c in proposal.cohorts for pk in c.establishment_ids]
    )

    def mean_travel(groups) -> float:
        spreads = [
            group_spread([(s.pk, s.easting, s.northing) for s in g if s.easting]) for g in groups
        ]
        sizes = [len(g) for g in groups]
        return sum(sp.mean_km * n for sp, n in zip(spreads, sizes, strict=True)) / sum(sizes)

    by_distance = [[schools[pk] for pk in c.establishment_ids] for c in proposal.cohorts]
    by_postcode = _by_district(list(schools.values()), 20)
    assert len(by_distance) == len(by_postcode) >= 3
    assert all(len(g) <= 20 for g in by_distance)
    assert mean_travel(by_distance) < mean_travel(by_postcode)


@pytest.mark.django_db
def test_schools_without_coordinates_join_a_cohort_with_room_and_are_named():
    la = LocalAuthorityFactory(name="Rutland")
    phase = PhaseFactory()
    phase.local_authorities.set([la])
    located = [
        EstablishmentFactory(la=la, postcode="LE15 6AA", easting=486_000 + i, northing=308_000)
        for i in range(18)
    ]
    unlocated = [EstablishmentFactory(la=la, postcode="LE15 7BB") for _ in range(3)]

    proposal = cohort_plan_propose(phase=phase)

    assert [len(c.establishment_ids) for c in proposal.cohorts] == [11, 10]
    placed = [pk for c in proposal.cohorts for pk in c.without_coordinates]
    assert sorted(placed) == sorted(s.pk for s in unlocated)
    assert sorted(pk for c in proposal.cohorts for pk in c.establishment_ids) == sorted(
        s.pk for s in located + unlocated
    )


@pytest.mark.django_db
def test_the_page_shows_each_cohorts_spread_a_venue_and_a_map(admin_client):
    from django.urls import reverse

    areas_load_reference()
    gias_import(path=DEMO_GIAS_SLICE)
    camden = LocalAuthority.objects.get(code="202")
    phase = PhaseFactory()
    phase.local_authorities.set([camden])

    response = admin_client.get(
        reverse("cohorts:plan"), {"phase": phase.pk, "area": f"la-{camden.pk}", "size": 20}
    )

    page = response.content.decode()
    groups = [g for g in response.context["groups"] if g["schools"]]
    assert page.count("Spread: on average") == len(groups) >= 3
    assert page.count("Suggested venue:") == len(groups)
    plan_map = response.context["plan_map"]
    located = [s for g in groups for s, _ in g["schools"] if s.easting]
    unlocated = [s for g in groups for s, _ in g["schools"] if not s.easting]
    assert len(plan_map["points"]) == len(located)
    assert page.count("<circle") >= len(plan_map["points"])
    # One real Camden school has no map position in GIAS: placed by postcode, and named.
    assert len(unlocated) == 1
    assert "GIAS gives no map position for 1 of these" in page
    assert unlocated[0].name in page
    assert 'role="img"' in page
