"""Engagements: opened for one area, moved along their path (or paused with a reason),
scoped like everything else; a facilitator sees their own."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.scoping import scope_for
from facilitation.errors import FacilitationError
from facilitation.models import Stage
from facilitation.selectors import engagement_detail, engagements_in_scope
from facilitation.services.engagements import engagement_move, engagement_open
from schools.models import IntegratedCareBoard, Region
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from tests.schools.factories import LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db


def test_an_engagement_is_for_exactly_one_area():
    wiltshire = LocalAuthorityFactory(name="Wiltshire")
    with pytest.raises(FacilitationError, match="one area"):
        engagement_open(name="Both", local_authority=wiltshire, mhst_area=MHSTAreaFactory())
    with pytest.raises(FacilitationError, match="one area"):
        engagement_open(name="None")
    engagement = engagement_open(name="Wiltshire 2021", local_authority=wiltshire)
    assert engagement.stage == Stage.REQUESTED
    assert engagement.delivery.kind == "engagement"
    assert engagement.delivery.owner == engagement


def test_only_facilitators_facilitate():
    coordinator = user_with_role(
        Role.REGIONAL_COORDINATOR, local_authorities=[LocalAuthorityFactory()]
    )
    with pytest.raises(FacilitationError, match="not a facilitator"):
        engagement_open(
            name="X", local_authority=LocalAuthorityFactory(), facilitators=[coordinator]
        )


def test_the_path_in_order_pause_with_a_reason_and_resume_where_it_was():
    engagement = EngagementFactory()
    for move, stage in [("to-scoping", Stage.SCOPING), ("to-survey", Stage.SURVEY)]:
        engagement = engagement_move(engagement=engagement, move=move)
        assert engagement.stage == stage
    with pytest.raises(FacilitationError, match="cannot be moved"):
        engagement_move(engagement=engagement, move="to-review")
    with pytest.raises(FacilitationError, match="needs a reason"):
        engagement_move(engagement=engagement, move="pause")
    engagement = engagement_move(engagement=engagement, move="pause", reason="Election purdah")
    assert (engagement.stage, engagement.paused_from) == (Stage.PAUSED, Stage.SURVEY)
    engagement = engagement_move(engagement=engagement, move="resume")
    assert (engagement.stage, engagement.pause_reason) == (Stage.SURVEY, "")
    changes = list(engagement.stage_changes.values_list("to_stage", "reason"))
    assert changes[-2:] == [(Stage.PAUSED, "Election purdah"), (Stage.SURVEY, "")]


def test_the_page_says_what_is_next_and_what_is_overdue():
    engagement = EngagementFactory(
        stage=Stage.SCOPING, stage_since=dt.date.today() - dt.timedelta(days=60)
    )
    detail = engagement_detail(engagement=engagement)
    assert "lead contact" in detail["next_step"]
    assert any("Scoping usually takes" in item for item in detail["overdue"])
    StakeholderFactory(engagement=engagement, is_lead=True)
    assert "stakeholders" in engagement_detail(engagement=engagement)["next_step"]


def test_scope_by_area_by_icb_and_a_facilitator_sees_their_own():
    wiltshire = LocalAuthorityFactory(name="Wiltshire", region=Region.SOUTH_WEST)
    leeds = LocalAuthorityFactory(name="Leeds", region=Region.YORKSHIRE)
    bsw = IntegratedCareBoard.objects.create(ods_code="QOX", name="NHS BSW Integrated Care Board")
    bsw.local_authorities.add(wiltshire)
    ours = EngagementFactory(local_authority=wiltshire)
    across = EngagementFactory(local_authority=None, icb=bsw)
    theirs = EngagementFactory(local_authority=leeds)
    facilitator = user_with_role(Role.FACILITATOR)
    theirs.facilitators.add(facilitator)
    coordinator = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire])
    regional = user_with_role(Role.REGIONAL_COORDINATOR, "sw", regions=[Region.SOUTH_WEST])

    def seen(user):
        return set(engagements_in_scope(scope=scope_for(user)))

    assert seen(coordinator) == {ours, across}
    assert seen(regional) == {ours, across}
    assert seen(facilitator) == {theirs}


def test_pages_outside_scope_are_404_and_a_facilitator_cannot_open_one(client):
    wiltshire, leeds = LocalAuthorityFactory(), LocalAuthorityFactory()
    outside = EngagementFactory(local_authority=leeds)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire]))
    assert client.get(reverse("facilitation:detail", args=[outside.pk])).status_code == 404
    assert client.get(reverse("facilitation:list")).status_code == 200
    client.force_login(user_with_role(Role.FACILITATOR))
    assert client.get(reverse("facilitation:create")).status_code == 403


def test_a_coordinator_opens_an_engagement_with_its_lead_contact(client):
    wiltshire = LocalAuthorityFactory(name="Wiltshire")
    facilitator = user_with_role(Role.FACILITATOR)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire]))
    response = client.post(
        reverse("facilitation:create"),
        {
            "name": "Wiltshire 2021",
            "local_authority": wiltshire.pk,
            "facilitators": [facilitator.pk],
            "joining_link": "https://meet.example.org/wilts",
            "lead-name": "Ann Lead",
            "lead-role": "head_of_service",
            "lead-organisation": "Wiltshire Council",
            "lead-sector": "la",
            "lead-email": "ann@wiltshire.example",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response.url).content.decode()
    assert "Ann Lead" in page and "Lead contact" in page
    assert "No one from Education, NHS CYPMHS, Voluntary and community sector" in page


def test_pausing_asks_why_on_a_page_then_posts(client):
    wiltshire = LocalAuthorityFactory()
    engagement = EngagementFactory(local_authority=wiltshire)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[wiltshire]))
    url = reverse("facilitation:pause", args=[engagement.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200  # the form again, with the error
    engagement.refresh_from_db()
    assert engagement.stage == Stage.REQUESTED
    client.post(url, {"reason": "Waiting for the new director"})
    engagement.refresh_from_db()
    assert (engagement.stage, engagement.pause_reason) == (
        Stage.PAUSED,
        "Waiting for the new director",
    )
    client.post(reverse("facilitation:to-scoping", args=[engagement.pk]))
    engagement.refresh_from_db()
    assert engagement.stage == Stage.PAUSED  # refused: a paused one resumes first


def test_the_demo_has_an_engagement_in_each_stage_and_seeds_once():
    from facilitation.services.demo import demo_engagements_seed
    from tests.schools.factories import EstablishmentFactory

    for name in ("Wiltshire", "Swindon"):
        EstablishmentFactory(la=LocalAuthorityFactory(name=name))
    facilitator = user_with_role(Role.FACILITATOR, "facilitator")
    assert demo_engagements_seed() == len(Stage)
    assert demo_engagements_seed() == 0
    from facilitation.models import Engagement

    assert set(Engagement.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(facilitator.facilitated_engagements.all()) == set(Engagement.objects.all())
    support = Engagement.objects.get(stage=Stage.SUPPORT)
    detail = engagement_detail(engagement=support)
    assert any("notes" in item for item in detail["overdue"])  # a past meeting without notes
    assert detail["mix"]["missing"] == []
