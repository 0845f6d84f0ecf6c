"""The planning helper page: propose, edit (rename, capacity, move, leave out) and accept,
scoped to the coordinator's areas, all or nothing, with errors summarised at the top."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus
from cohorts.views import planning as planning_views
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db

PLAN = reverse("cohorts:plan")


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden")


@pytest.fixture
def phase(camden):
    phase = PhaseFactory(name="Year 1")
    phase.local_authorities.set([camden])
    return phase


def schools(la, count, postcode="NW1 {}AA", prefix="School"):
    return [
        EstablishmentFactory(la=la, postcode=postcode.format(n % 10), name=f"{prefix} {n:03d}")
        for n in range(count)
    ]


def proposal_form(client, phase, area, size=20):
    """GET the proposal; returns the page's edit form data as the browser would post it."""
    response = client.get(PLAN, {"phase": phase.pk, "area": area, "size": size})
    assert response.status_code == 200
    return response, form_data(response)


def form_data(response):
    """What the page's edit form posts, as rendered (unbound: its initial values)."""
    form = response.context["form"]
    area = response.context["area_form"].cleaned_data
    data = {
        "phase": area["phase"].pk,
        "area": area["area"],
        "size": area["size"],
        "slots": len(form.slot_numbers),
    }
    for name, field in form.fields.items():
        data[name] = field.initial
    return data


def slot_of(data, school):
    return data[f"school-{school.pk}"]


def test_the_cohort_list_links_to_the_helper_for_coordinators_only(client, admin_client):
    assert PLAN in admin_client.get(reverse("cohorts:list")).content.decode()
    client.force_login(user_with_role(Role.FACILITATOR))
    assert PLAN not in client.get(reverse("cohorts:list")).content.decode()


def test_the_page_proposes_cohorts_grouped_by_la_and_postcode_district(admin_client, phase, camden):
    nw3 = schools(camden, 9, "NW3 {}AA", "North")
    nw1 = schools(camden, 9, "NW1 {}AB", "South")

    response, data = proposal_form(admin_client, phase, f"la-{camden.pk}")

    page = response.content.decode()
    groups = response.context["groups"]
    # One cohort of 18 (NW1 before NW3), plus an empty one to split it into.
    assert [len(g["schools"]) for g in groups] == [18, 0]
    assert [s.pk for s, _ in groups[0]["schools"]] == [s.pk for s in nw1 + nw3]
    assert data["cohort-1-name"] == "Camden"
    assert data["cohort-1-capacity"] == 20
    assert "Postcode districts: NW1, NW3" in page
    # Accessible without JavaScript: fieldsets with legends, a label for every select.
    assert "<legend" in page and "Cohort 1: 18 schools" in page
    assert page.count('<label class="visually-hidden" for="id_school-') == 18
    assert 'name="action" value="accept"' in page


def test_a_coordinator_edits_the_proposal_and_accepts_it(admin_client, phase, camden):
    nw1 = schools(camden, 6, "NW1 {}AA", "Alpha")
    nw5 = schools(camden, 4, "NW5 {}AA", "Beta")
    _, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    # Move the NW5 schools to the spare cohort, leave one NW1 school out, rename, resize.
    for school in nw5:
        data[f"school-{school.pk}"] = "2"
    data[f"school-{nw1[0].pk}"] = "out"
    data.update({"cohort-1-name": "Camden West", "cohort-1-capacity": 12})
    data.update({"cohort-2-name": "Camden Kentish Town", "cohort-2-capacity": 8})

    preview = admin_client.post(PLAN, {**data, "action": "update"})

    assert not Cohort.objects.exists()  # updating saves nothing
    groups = preview.context["groups"]
    assert [len(g["schools"]) for g in groups] == [5, 4, 0]  # a new spare cohort appears
    assert [s for s, _ in preview.context["left_out"]] == [nw1[0]]
    assert "Camden Kentish Town" in preview.content.decode()

    response = admin_client.post(PLAN, {**form_data(preview), "action": "accept"})

    assert response.status_code == 302
    assert response["Location"] == (  # on to the set-up table of the same phase and area
        f"{reverse('cohorts:set-up')}?phase={phase.pk}&area=la-{camden.pk}"
    )
    west, kentish = Cohort.objects.order_by("name").reverse()
    assert (west.name, west.capacity, west.status) == ("Camden West", 12, CohortStatus.PLANNED)
    assert set(west.planned_establishments.all()) == set(nw1[1:])
    assert (kentish.name, kentish.capacity) == ("Camden Kentish Town", 8)
    assert set(kentish.planned_establishments.all()) == set(nw5)
    assert west.local_authority == camden and west.phase == phase
    (message,) = get_messages(response.wsgi_request)
    assert str(message).startswith("2 cohorts planned in Camden for Year 1, with 9 schools")


def test_errors_are_summarised_at_the_top_linking_to_the_fields_and_nothing_is_saved(
    admin_client, phase, camden
):
    group = schools(camden, 10)
    _, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    data["cohort-1-capacity"] = 8  # 10 schools in it
    data[f"school-{group[0].pk}"] = "2"  # into the spare cohort, its name cleared
    data[f"school-{group[1].pk}"] = "2"
    data["cohort-2-name"] = ""

    response = admin_client.post(PLAN, {**data, "action": "accept"})

    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="error-summary"')
    summary = page[start : page.index("</div>", start)]
    # Cohort 1 keeps 8 schools, which fits; cohort 2 has schools but no name.
    assert "raise its capacity" not in summary
    assert '<a class="alert-link" href="#id_cohort-2-name">Enter a name for cohort 2' in summary
    assert page.index('id="error-summary"') < page.index('name="slots"')
    assert "<title>Error: " in page
    assert not Cohort.objects.exists()

    data["cohort-1-capacity"] = 7
    data["cohort-2-name"] = "Split"
    response = admin_client.post(PLAN, {**data, "action": "accept"})
    assert (
        'href="#id_cohort-1-capacity">Cohort 1 has 8 schools but a capacity of 7: raise its '
        "capacity or move schools out."
    ) in response.content.decode()
    data["cohort-1-capacity"] = 21
    response = admin_client.post(PLAN, {**data, "action": "accept"})
    assert "Cohort 1 can take at most 20 schools." in response.content.decode()
    assert not Cohort.objects.exists()


def test_the_spare_cohort_is_named_as_the_others_so_schools_move_into_it(
    admin_client, phase, camden
):
    group = schools(camden, 6)
    response, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    assert (data["cohort-1-name"], data["cohort-2-name"]) == ("Camden", "Camden 2")
    data[f"school-{group[0].pk}"] = "2"
    data[f"school-{group[1].pk}"] = "2"

    # Updating shows them regrouped, with a new spare named on.
    preview = admin_client.post(PLAN, {**data, "action": "update"})
    assert [len(g["schools"]) for g in preview.context["groups"]] == [4, 2, 0]
    again = form_data(preview)
    assert again["cohort-3-name"] == "Camden 3"
    # Updating again with nothing moved adds no more spares.
    unchanged = admin_client.post(PLAN, {**again, "action": "update"})
    assert len(unchanged.context["groups"]) == 3

    response = admin_client.post(PLAN, {**data, "action": "accept"})

    assert response.status_code == 302
    assert sorted(phase.cohorts.values_list("name", flat=True)) == ["Camden", "Camden 2"]
    assert set(phase.cohorts.get(name="Camden 2").planned_establishments.all()) == set(group[:2])


def test_the_next_plan_numbers_on_from_the_cohorts_planned(admin_client, phase, camden):
    first = schools(camden, 4)
    _, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    for school in first[2:]:
        data[f"school-{school.pk}"] = "out"
    assert admin_client.post(PLAN, {**data, "action": "accept"}).status_code == 302

    response, data = proposal_form(admin_client, phase, f"la-{camden.pk}")

    assert (data["cohort-1-name"], data["cohort-2-name"]) == ("Camden 2", "Camden 3")


def test_an_mhst_area_that_is_one_la_is_offered_once(admin_client, camden):
    barnet = LocalAuthorityFactory(name="Barnet")
    same = MHSTAreaFactory(name="Camden")
    same.local_authorities.set([camden])
    named_otherwise = MHSTAreaFactory(name="Barnet and Enfield borders", covers_whole_las=True)
    named_otherwise.local_authorities.set([barnet])
    part = MHSTAreaFactory(name="North Barnet", covers_whole_las=False)
    part.local_authorities.set([barnet])
    wider = MHSTAreaFactory(name="North Central London")
    wider.local_authorities.set([camden, barnet])

    response = admin_client.get(PLAN)

    choices = dict(response.context["area_form"].fields["area"].choices)
    assert dict(choices["Local authorities"]) == {
        f"la-{barnet.pk}": "Barnet (LA and MHST area Barnet and Enfield borders)",
        f"la-{camden.pk}": "Camden (LA and MHST area)",
    }
    assert dict(choices["MHST areas"]) == {
        f"mhst-{wider.pk}": "North Central London",
        f"mhst-{part.pk}": "North Barnet",
    }
    page = response.content.decode()
    assert page.count(">Camden") == 1


def test_a_school_booked_meanwhile_blocks_the_plan_and_is_named(admin_client, phase, camden):
    group = schools(camden, 5)
    _, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    PlaceFactory(establishment=group[2])  # booked while the coordinator edited

    response = admin_client.post(PLAN, {**data, "action": "accept"})

    assert response.status_code == 200
    assert not phase.cohorts.exists()
    assert "no longer in it" in response.content.decode()
    assert response.context["gone"] == [group[2].name]
    assert [len(g["schools"]) for g in response.context["groups"]] == [4, 0]
    # Accepting again, from the page as it now stands, works.
    data.pop(f"school-{group[2].pk}")
    assert admin_client.post(PLAN, {**data, "action": "accept"}).status_code == 302
    assert set(phase.cohorts.get().planned_establishments.all()) == set(group) - {group[2]}


def test_a_booking_racing_the_accept_saves_nothing_and_says_why(
    admin_client, phase, camden, monkeypatch
):
    group = schools(camden, 4)
    _, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    data[f"school-{group[0].pk}"] = "2"
    data["cohort-2-name"] = "Second"
    real_accept = planning_views.cohort_plan_accept

    def accept_after_a_booking(**kwargs):
        # A school books between the page's checks and the service's transaction.
        PlaceFactory(establishment=group[3])
        return real_accept(**kwargs)

    monkeypatch.setattr(planning_views, "cohort_plan_accept", accept_after_a_booking)

    response = admin_client.post(PLAN, {**data, "action": "accept"})

    assert response.status_code == 200
    assert not phase.cohorts.exists()  # neither cohort: all or nothing
    page = response.content.decode()
    assert "1 establishments can no longer be planned in Year 1" in page
    assert group[3].name in page


def test_a_regional_coordinator_plans_only_within_their_scope(client, camden):
    barnet = LocalAuthorityFactory(name="Barnet")
    area = MHSTAreaFactory(name="North London MHST")
    area.local_authorities.set([camden, barnet])
    phase = PhaseFactory()
    phase.local_authorities.set([camden, barnet])
    phase.mhst_areas.set([area])
    mine = EstablishmentFactory(la=camden, mhst_area=area, name="Mine")
    EstablishmentFactory(la=barnet, mhst_area=area, name="Not mine")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))

    refused = client.get(PLAN, {"phase": phase.pk, "area": f"la-{barnet.pk}"})
    assert refused.context["form"] is None
    assert "Select a valid choice" in refused.content.decode()

    response, data = proposal_form(client, phase, f"mhst-{area.pk}")
    assert [s.name for s, _ in response.context["groups"][0]["schools"]] == ["Mine"]
    # A school of another LA slipped into the form is neither planned nor named.
    theirs = EstablishmentFactory(la=barnet, name="Slipped in")
    tampered = client.post(PLAN, {**data, f"school-{theirs.pk}": "1", "action": "update"})
    assert "Slipped in" not in tampered.content.decode()
    assert client.post(PLAN, {**data, "action": "accept"}).status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.mhst_area, cohort.local_authority) == (area, camden)
    assert list(cohort.planned_establishments.all()) == [mine]


def test_an_area_with_nothing_left_to_plan_says_so(admin_client, phase, camden):
    response = admin_client.get(PLAN, {"phase": phase.pk, "area": f"la-{camden.pk}"})
    assert response.context["form"] is None
    assert "No school in Camden is left to plan in Year 1" in response.content.decode()


@pytest.mark.parametrize("rows", [20, 200])
def test_the_planning_page_costs_the_same_at_20_and_200_schools(
    admin_client, django_assert_max_num_queries, phase, camden, rows
):
    schools(camden, rows)
    with django_assert_max_num_queries(PLAN_QUERIES):
        response, data = proposal_form(admin_client, phase, f"la-{camden.pk}")
    assert sum(len(g["schools"]) for g in response.context["groups"]) == rows
    with django_assert_max_num_queries(PLAN_QUERIES):
        response = admin_client.post(PLAN, {**data, "action": "update"})
    assert sum(len(g["schools"]) for g in response.context["groups"]) == rows


PLAN_QUERIES = 12  # session, user, roles, phase, area choices (2), proposal, the phase's
# cohort names (to number new ones on), schools, gone, the directory's venues
