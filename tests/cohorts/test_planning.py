"""The rollout plan: who a phase can reach, and the cohort planning helper."""

import pytest

from cohorts.errors import PlanningError
from cohorts.models import CohortStatus, PlaceStatus
from cohorts.selectors import phase_reachable_establishments
from cohorts.services.planning import (
    ProposedCohort,
    cohort_names,
    cohort_plan_accept,
    cohort_plan_propose,
    postcode_district,
)
from schools.models import Status
from tests.cohorts.factories import CohortFactory, PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("NW1 1AA", "NW1"), ("nw101aa", "NW10"), ("SW1A 1AA", "SW1A"), ("M1 1AE", "M1"), ("", "")],
)
def test_postcode_district_is_the_outward_code(postcode, district):
    assert postcode_district(postcode) == district


def test_a_phase_reaches_eligible_unbooked_schools_in_its_areas_mhst_areas_first():
    camden, barnet, elsewhere = (LocalAuthorityFactory(name=n) for n in ("Camden", "Barnet", "X"))
    area = MHSTAreaFactory()
    phase = PhaseFactory()
    phase.local_authorities.set([camden])
    phase.mhst_areas.set([area])
    in_camden = EstablishmentFactory(la=camden, name="A school")
    in_area = EstablishmentFactory(la=barnet, mhst_area=area, name="Z school")
    EstablishmentFactory(la=camden, status=Status.CLOSED)  # not eligible
    EstablishmentFactory(la=elsewhere)  # outside the phase
    PlaceFactory(establishment=EstablishmentFactory(la=camden))  # already booked
    cancelled = PlaceFactory(
        establishment=EstablishmentFactory(la=camden, name="B school"),
        status=PlaceStatus.CANCELLED,
    ).establishment

    reachable = list(phase_reachable_establishments(phase=phase))

    assert reachable == [in_area, in_camden, cancelled]


def test_the_helper_groups_by_la_then_postcode_district_in_even_cohorts_of_at_most_20():
    camden, barnet = LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Barnet")
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden, barnet])
    nw10 = [EstablishmentFactory(la=camden, postcode=f"NW10 {i}AA") for i in range(9)]
    nw1 = [EstablishmentFactory(la=camden, postcode=f"NW1 {i}AA") for i in range(9)]
    nw3 = [EstablishmentFactory(la=camden, postcode=f"NW3 {i}AA") for i in range(9)]
    n2 = [EstablishmentFactory(la=barnet, postcode="N2 0AA") for _ in range(3)]

    proposal = cohort_plan_propose(phase=phase)

    assert [c.name for c in proposal.cohorts] == ["Barnet", "Camden 1", "Camden 2"]
    assert [c.districts for c in proposal.cohorts] == [["N2"], ["NW1", "NW3"], ["NW3", "NW10"]]
    barnet_cohort, camden_1, camden_2 = proposal.cohorts
    assert set(barnet_cohort.establishment_ids) == {s.pk for s in n2}
    assert [len(c.establishment_ids) for c in proposal.cohorts] == [3, 14, 13]
    assert set(camden_1.establishment_ids) >= {s.pk for s in nw1}
    assert set(camden_2.establishment_ids) >= {s.pk for s in nw10}
    assert len(set(camden_1.establishment_ids) & {s.pk for s in nw3}) == 5  # NW3 is split
    assert proposal.establishment_count == 30
    assert all(c.local_authority_id == camden.pk for c in (camden_1, camden_2))


@pytest.mark.parametrize(
    ("count", "taken", "names"),
    [
        (1, [], ["Camden"]),
        (3, [], ["Camden 1", "Camden 2", "Camden 3"]),
        (1, ["Camden"], ["Camden 2"]),
        (2, ["Camden 1", "Camden 3", "Camden North", "Barnet 2"], ["Camden 2", "Camden 4"]),
        (1, ["Camden (NW1) – Year 1"], ["Camden"]),
    ],
)
def test_cohorts_are_named_after_their_area_and_numbered_on(count, taken, names):
    assert cohort_names("Camden", count, taken=taken) == names


def test_names_stay_short_and_number_on_from_the_phases_cohorts():
    camden = LocalAuthorityFactory(name="Camden")
    phase = PhaseFactory(name="Phase 2 (MHST areas, spring 2027)")
    phase.local_authorities.set([camden])
    CohortFactory(phase=phase, local_authority=camden, name="Camden 1")
    CohortFactory(local_authority=camden, name="Camden 2")  # another phase: no clash
    for n in range(25):
        EstablishmentFactory(la=camden, postcode=f"NW{n % 9 + 1} {n % 10}AA")

    proposal = cohort_plan_propose(phase=phase)

    assert [c.name for c in proposal.cohorts] == ["Camden 2", "Camden 3"]
    assert proposal.names_taken == {"Camden 1"}


def test_a_proposal_for_one_area_only_covers_that_area():
    camden, barnet = LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Barnet")
    phase = PhaseFactory()
    phase.local_authorities.set([camden, barnet])
    EstablishmentFactory(la=camden)
    EstablishmentFactory(la=barnet)

    proposal = cohort_plan_propose(phase=phase, local_authority=barnet)

    assert [c.local_authority_id for c in proposal.cohorts] == [barnet.pk]


def test_accepting_an_edited_proposal_creates_planned_cohorts():
    camden = LocalAuthorityFactory(name="Camden")
    phase = PhaseFactory()
    phase.local_authorities.set([camden])
    schools = [EstablishmentFactory(la=camden) for _ in range(4)]
    proposal = cohort_plan_propose(phase=phase)
    edited = proposal.cohorts[0]
    edited.name = "Camden North"
    edited.establishment_ids = edited.establishment_ids[:3]

    (cohort,) = cohort_plan_accept(phase=phase, cohorts=[edited])

    assert (cohort.name, cohort.status, cohort.capacity) == (
        "Camden North",
        CohortStatus.PLANNED,
        20,
    )
    assert cohort.local_authority == camden
    assert set(cohort.planned_establishments.all()) == set(schools[:3])
    # Planned schools are not proposed again; the one left out is.
    again = cohort_plan_propose(phase=phase)
    assert [c.establishment_ids for c in again.cohorts] == [[schools[3].pk]]


def test_accepting_refuses_a_cohort_name_on_two_lines():
    camden = LocalAuthorityFactory()
    phase = PhaseFactory()
    phase.local_authorities.set([camden])
    school = EstablishmentFactory(la=camden)

    with pytest.raises(PlanningError, match="Name: Enter this on one line."):
        cohort_plan_accept(
            phase=phase, cohorts=[ProposedCohort("Camden\nNorth", camden.pk, None, [school.pk])]
        )
    assert not phase.cohorts.exists()


def test_accepting_refuses_booked_or_oversized_groups_and_saves_nothing():
    camden = LocalAuthorityFactory()
    phase = PhaseFactory()
    phase.local_authorities.set([camden])
    free = EstablishmentFactory(la=camden)
    booked = PlaceFactory(establishment=EstablishmentFactory(la=camden)).establishment

    with pytest.raises(PlanningError, match="1 establishments can no longer be planned"):
        cohort_plan_accept(
            phase=phase,
            cohorts=[ProposedCohort("C", camden.pk, None, [free.pk, booked.pk])],
        )
    with pytest.raises(PlanningError, match="at most 20"):
        cohort_plan_accept(
            phase=phase, cohorts=[ProposedCohort("C", camden.pk, None, list(range(1, 22)))]
        )
    assert not phase.cohorts.exists()
