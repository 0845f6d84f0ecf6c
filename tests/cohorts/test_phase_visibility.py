"""A phase is visible to a coordinator when any of its LAs or MHST areas overlaps their areas,
however either side names the places (issue 11, item 6), and an empty phase list says why.

Camden is an LA and also the name of the MHST area that covers it: a phase of the MHST area
is Camden's coordinator's phase, and a phase of the LA is the MHST-area coordinator's phase.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.scoping import scope_for
from cohorts.selectors import phases_in_scope, phases_progress, wave_area_choices, wave_targets
from cohorts.services.waves import wave_create
from schools.models import Region
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    la = LocalAuthorityFactory(code="T21", name="Camden", region=Region.LONDON)
    area = MHSTAreaFactory(name="Camden")
    area.local_authorities.add(la)
    elsewhere = LocalAuthorityFactory(code="T22", name="Rutland", region=Region.EAST_MIDLANDS)
    by_area = PhaseFactory(name="Phase 2 (MHST areas)")
    by_area.mhst_areas.add(area)
    by_la = PhaseFactory(name="Phase 3 (LAs)")
    by_la.local_authorities.add(la)
    other = PhaseFactory(name="Rutland phase")
    other.local_authorities.add(elsewhere)
    return {
        "la": la,
        "area": area,
        "elsewhere": elsewhere,
        "by_area": by_area,
        "by_la": by_la,
        "other": other,
    }


def visible(user) -> set[str]:
    return {phase.name for phase in phases_in_scope(scope=scope_for(user))}


def test_an_la_coordinator_sees_a_phase_of_the_mhst_area_covering_their_la(camden):
    user = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden["la"]])

    assert visible(user) == {"Phase 2 (MHST areas)", "Phase 3 (LAs)"}


def test_an_mhst_area_coordinator_sees_a_phase_of_the_la_their_area_lies_in(camden):
    user = user_with_role(Role.REGIONAL_COORDINATOR, mhst_areas=[camden["area"]])

    assert visible(user) == {"Phase 2 (MHST areas)", "Phase 3 (LAs)"}


def test_a_regional_coordinator_sees_phases_of_las_and_mhst_areas_in_their_region(camden):
    london = user_with_role(Role.REGIONAL_COORDINATOR, "london", regions=[Region.LONDON.value])
    midlands = user_with_role(
        Role.REGIONAL_COORDINATOR, "midlands", regions=[Region.EAST_MIDLANDS.value]
    )

    assert visible(london) == {"Phase 2 (MHST areas)", "Phase 3 (LAs)"}
    assert visible(midlands) == {"Rutland phase"}


def test_a_coordinator_elsewhere_sees_none_of_them_and_national_roles_see_all(camden):
    rutland = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden["elsewhere"]])

    assert visible(rutland) == {"Rutland phase"}
    assert len(visible(user_with_role(Role.VIEWER))) == 3


def test_a_facilitator_sees_the_phases_of_the_cohorts_they_run(camden):
    facilitator = user_with_role(Role.FACILITATOR)
    CohortFactory(phase=camden["other"], local_authority=camden["elsewhere"]).facilitators.add(
        facilitator
    )

    assert visible(facilitator) == {"Rutland phase"}


def test_the_phase_appears_in_the_planning_helper_cohort_and_wave_forms(client, camden):
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden["la"]]))

    for name in ("cohorts:plan", "cohorts:create", "cohorts:wave-create"):
        page = client.get(reverse(name)).content.decode()
        assert f'value="{camden["by_area"].pk}"' in page, name
        assert "Phase 2 (MHST areas)" in page, name
        assert "No phase to choose from" not in page, name


def test_seeing_a_phase_does_not_widen_what_a_wave_can_target(camden):
    """The LA coordinator sees the MHST-area phase but may target only their whole LA in it,
    and the wave reaches only schools in both the phase's area and that LA."""
    neighbour = LocalAuthorityFactory(code="T23", name="Islington", region=Region.LONDON)
    camden["area"].local_authorities.add(neighbour)
    in_camden = EstablishmentFactory(la=camden["la"], mhst_area=camden["area"])
    EstablishmentFactory(la=neighbour, mhst_area=camden["area"])
    user = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden["la"]])
    scope = scope_for(user)

    las, areas = wave_area_choices(scope=scope)
    assert list(las) == [camden["la"]]
    assert list(areas) == []
    wave = wave_create(
        scope=scope,
        actor=user,
        name="Camden schools in the MHST area",
        phase=camden["by_area"],
        local_authorities=[camden["la"]],
    )
    assert list(wave_targets(wave=wave)) == [in_camden]


def test_the_dashboard_counts_only_the_coordinators_cohorts_of_a_shared_phase(camden):
    neighbour = LocalAuthorityFactory(code="T24", name="Islington", region=Region.LONDON)
    camden["by_la"].local_authorities.add(neighbour)
    PlaceFactory(cohort=CohortFactory(phase=camden["by_la"], local_authority=camden["la"]))
    theirs = CohortFactory(phase=camden["by_la"], local_authority=neighbour)
    PlaceFactory(cohort=theirs)
    PlaceFactory(cohort=theirs)
    user = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden["la"]])

    (row,) = [p for p in phases_progress(scope=scope_for(user)) if p.pk == camden["by_la"].pk]

    assert (row.cohorts_planned, row.places_booked) == (1, 1)


def test_an_empty_phase_list_says_why_and_what_to_do(client, camden):
    lonely = LocalAuthorityFactory(code="T25", name="Hackney", region=Region.LONDON)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[lonely]))

    for name in ("cohorts:plan", "cohorts:create", "cohorts:wave-create"):
        page = client.get(reverse(name)).content.decode()
        assert "No phase to choose from" in page, name
        assert "no phase covers your local authorities or MHST areas yet" in page, name
        assert "Ask a national administrator" in page, name


def test_an_administrator_with_no_phase_at_all_is_pointed_to_the_admin(admin_client):
    page = admin_client.get(reverse("cohorts:plan")).content.decode()

    assert "there is none to choose here yet" in page
    assert reverse("admin:cohorts_phase_add") in page
