"""Waves are scoped by what they target, not by their phase.

Tower Hamlets' coordinator (A) and Camden's (B) share a phase that covers both LAs and an MHST
area spanning both. A must not see, preview, follow or act on B's Camden wave, and no wave A
can make reaches a school outside Tower Hamlets.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.scoping import scope_for
from cohorts.models import Wave, WaveStatus
from cohorts.selectors import wave_area_choices, wave_targets, waves_in_progress, waves_in_scope
from cohorts.services.waves import WaveError, wave_create, wave_launch
from outbox.models import OutgoingEmail
from schools.models import Region
from schools.selectors import establishments_for
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory
from tests.schools.factories import (
    EstablishmentFactory,
    LocalAuthorityFactory,
    MHSTAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def london():
    hamlets = LocalAuthorityFactory(code="T11", name="Tower Hamlets", region=Region.LONDON)
    camden = LocalAuthorityFactory(code="T12", name="Camden", region=Region.LONDON)
    spanning = MHSTAreaFactory(name="North and East London MHST")
    spanning.local_authorities.add(hamlets, camden)
    schools = {
        "hamlets": [
            EstablishmentFactory(la=hamlets, contact_email=f"th{n}@s.example") for n in range(3)
        ],
        "camden": [
            EstablishmentFactory(la=camden, contact_email=f"ca{n}@s.example") for n in range(3)
        ],
        "camden_mhst": [
            EstablishmentFactory(la=camden, mhst_area=spanning, contact_email="cm@s.example")
        ],
        "hamlets_mhst": [
            EstablishmentFactory(la=hamlets, mhst_area=spanning, contact_email="tm@s.example")
        ],
    }
    phase = PhaseFactory(name="London, spring")
    phase.local_authorities.add(hamlets, camden)
    phase.mhst_areas.add(spanning)
    a = user_with_role(Role.REGIONAL_COORDINATOR, username="a", local_authorities=[hamlets])
    b = user_with_role(Role.REGIONAL_COORDINATOR, username="b", local_authorities=[camden])
    b_wave = wave_create(
        scope=scope_for(b), actor=b, name="Camden only", phase=phase, local_authorities=[camden]
    )
    return {
        "hamlets": hamlets,
        "camden": camden,
        "spanning": spanning,
        "schools": schools,
        "phase": phase,
        "a": a,
        "b": b,
        "b_wave": b_wave,
    }


WAVE_ACTIONS = ("launch", "pause", "resume", "cancel", "retry")


def test_a_cannot_list_open_follow_or_act_on_bs_wave_in_a_shared_phase(client, london):
    wave = london["b_wave"]
    client.force_login(london["a"])

    listing = client.get(reverse("cohorts:wave-list"))
    assert listing.status_code == 200
    assert "Camden only" not in listing.content.decode()
    assert client.get(reverse("cohorts:wave-detail", args=[wave.pk])).status_code == 404
    assert client.get(reverse("cohorts:wave-progress", args=[wave.pk])).status_code == 404
    for action in WAVE_ACTIONS:
        response = client.post(reverse(f"cohorts:wave-{action}", args=[wave.pk]))
        assert response.status_code == 404, action
    wave.refresh_from_db()
    assert wave.status == WaveStatus.DRAFT
    assert OutgoingEmail.objects.count() == 0

    # The same wave, launched by B, stays out of A's reach too (pause, cancel, dashboard).
    wave_launch(wave=wave)
    for action in ("pause", "cancel"):
        assert client.post(reverse(f"cohorts:wave-{action}", args=[wave.pk])).status_code == 404
    wave.refresh_from_db()
    assert wave.status == WaveStatus.SCHEDULED
    assert waves_in_progress(scope=scope_for(london["a"])) == []
    assert "Camden only" not in client.get(reverse("home")).content.decode()


def test_b_and_a_london_coordinator_and_national_roles_still_see_it(client, london):
    wave = london["b_wave"]
    region = user_with_role(
        Role.REGIONAL_COORDINATOR, username="london", regions=[Region.LONDON.value]
    )
    for user in (london["b"], region, user_with_role(Role.NATIONAL_ADMIN)):
        client.force_login(user)
        assert client.get(reverse("cohorts:wave-detail", args=[wave.pk])).status_code == 200
        assert "Camden only" in client.get(reverse("cohorts:wave-list")).content.decode()


def test_a_national_wave_for_the_whole_phase_is_for_national_roles_only(client, london):
    national = user_with_role(Role.NATIONAL_ADMIN)
    wave = wave_create(scope=scope_for(national), actor=national, name="All", phase=london["phase"])

    for user in (london["a"], london["b"]):
        client.force_login(user)
        assert client.get(reverse("cohorts:wave-detail", args=[wave.pk])).status_code == 404
    assert list(waves_in_scope(scope=scope_for(london["a"]))) == []


def test_the_form_offers_a_only_tower_hamlets_and_refuses_the_spanning_mhst_area(client, london):
    client.force_login(london["a"])
    form = client.get(reverse("cohorts:wave-create")).context["form"]
    assert list(form.fields["local_authorities"].queryset) == [london["hamlets"]]
    assert list(form.fields["mhst_areas"].queryset) == []

    for field, area in (
        ("mhst_areas", london["spanning"]),
        ("local_authorities", london["camden"]),
    ):
        response = client.post(
            reverse("cohorts:wave-create"),
            {"name": "Sneaky", "phase": london["phase"].pk, field: [area.pk]},
        )
        assert response.status_code == 200
        assert response.context["form"].errors[field]
    assert not Wave.objects.filter(name="Sneaky").exists()

    # The service refuses the same, whoever calls it.
    for kwargs in (
        {"mhst_areas": [london["spanning"]]},
        {"local_authorities": [london["camden"]]},
        {"local_authorities": [london["hamlets"], london["camden"]]},
        {},
    ):
        with pytest.raises(WaveError):
            wave_create(
                scope=scope_for(london["a"]),
                actor=london["a"],
                name="Sneaky",
                phase=london["phase"],
                **kwargs,
            )
    assert not Wave.objects.filter(name="Sneaky").exists()


def test_no_wave_a_can_make_targets_a_school_outside_as_scope(client, london):
    scope = scope_for(london["a"])
    in_scope = set(establishments_for(scope).values_list("pk", flat=True))
    las, areas = wave_area_choices(scope=scope)
    choices = [{"local_authorities": [la]} for la in las] + [
        {"mhst_areas": [area]} for area in areas
    ]
    assert choices
    for kwargs in choices:
        for mhst_only in (False, True):
            wave = wave_create(
                scope=scope,
                actor=london["a"],
                name="Mine",
                phase=london["phase"],
                mhst_only=mhst_only,
                **kwargs,
            )
            targets = set(wave_targets(wave=wave).values_list("pk", flat=True))
            assert targets <= in_scope
    hamlets_all = {s.pk for s in london["schools"]["hamlets"] + london["schools"]["hamlets_mhst"]}
    wave = Wave.objects.filter(name="Mine", mhst_only=False).first()
    assert set(wave_targets(wave=wave).values_list("pk", flat=True)) == hamlets_all

    # Through the page: the preview shows only Tower Hamlets' schools.
    client.force_login(london["a"])
    response = client.post(
        reverse("cohorts:wave-create"),
        {
            "name": "Via the page",
            "phase": london["phase"].pk,
            "local_authorities": [london["hamlets"].pk],
            "rate_per_minute": 0,
        },
    )
    assert response.status_code == 302
    made = Wave.objects.get(name="Via the page")
    assert made.created_by == london["a"]
    assert set(wave_targets(wave=made).values_list("pk", flat=True)) == hamlets_all


def test_an_mhst_area_coordinator_sees_waves_of_their_area_but_not_of_its_las(client, london):
    mhst_lead = user_with_role(
        Role.REGIONAL_COORDINATOR, username="mhst", mhst_areas=[london["spanning"]]
    )
    scope = scope_for(mhst_lead)
    own = wave_create(
        scope=scope,
        actor=mhst_lead,
        name="Spanning area",
        phase=london["phase"],
        mhst_areas=[london["spanning"]],
    )
    las, areas = wave_area_choices(scope=scope)
    assert list(las) == [] and list(areas) == [london["spanning"]]
    assert set(waves_in_scope(scope=scope)) == {own}
    # A (Tower Hamlets) does not cover the spanning area's Camden schools.
    assert own not in waves_in_scope(scope=scope_for(london["a"]))
