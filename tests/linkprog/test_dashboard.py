"""The dashboard: figures computed in the database, constant queries at national scale."""

import pytest
from django.urls import reverse

from accounts.models import Role
from schools.models import Establishment, Region, Status
from tests.accounts.factories import user_with_role
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db


def bulk_establishments(count: int, las, areas, start_urn: int) -> None:
    """``count`` eligible schools spread over the LAs, every third in an MHST area."""
    Establishment.objects.bulk_create(
        [
            EstablishmentFactory.build(
                urn=start_urn + n,
                la=las[n % len(las)],
                mhst_area=areas[n % len(areas)] if n % 3 == 0 else None,
                contact_email="lead@school.example.org" if n % 2 else "",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


@pytest.fixture
def las():
    return [
        LocalAuthorityFactory(code=f"T{n:02d}", region=region)
        for n, region in enumerate(list(Region)[:6])
    ]


def test_dashboard_queries_stay_constant_from_60_to_22000_establishments(
    client, las, django_assert_max_num_queries
):
    areas = [MHSTAreaFactory() for _ in range(3)]
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    bulk_establishments(60, las, areas, start_urn=200000)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))

    bulk_establishments(22_000 - 60, las, areas, start_urn=300000)
    EstablishmentFactory(la=las[0], status=Status.CLOSED)  # in the register, not eligible
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))

    summary = response.context["summary"]
    assert summary["eligible"] == 22_000
    assert summary["establishments"] == 22_001
    assert summary["eligible_in_mhst_areas"] == len(range(0, 60, 3)) + len(range(0, 22_000 - 60, 3))
    by_region = {row["label"]: row["eligible"] for row in response.context["by_region"]}
    assert sum(by_region.values()) == 22_000
    assert len(by_region) == 6
    assert response.context["target"] == 22_000


def test_a_regional_coordinator_sees_only_their_areas(client, las):
    areas = [MHSTAreaFactory()]
    bulk_establishments(30, las, areas, start_urn=200000)
    mine = las[0]
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, username="reg", local_authorities=[mine])
    )

    response = client.get(reverse("home"))

    assert response.context["summary"]["eligible"] == 5  # 30 spread over 6 LAs
    assert [row["label"] for row in response.context["by_la"]] == [str(mine)]
    assert "Dashboard for your areas" in response.content.decode()


def test_every_chart_has_a_table_with_its_figures(client, las):
    bulk_establishments(12, las, [MHSTAreaFactory()], start_urn=200000)
    client.force_login(user_with_role(Role.VIEWER))

    page = client.get(reverse("home")).content.decode()

    assert page.count("<canvas") == page.count('aria-hidden="true" height')
    assert 'id="chart-region"' in page
    assert "Eligible establishments by region (the figures of the chart)" in page
