"""Roles and scoping: every coordinator URL and export, walked as each role."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.scoping import scope_for
from accounts.services import RoleError, user_assign_role
from schools.models import Region, TypeGroup
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory, MHSTAreaFactory

from .factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two LAs in different regions, an MHST area in the first, a school in each."""
    camden = LocalAuthorityFactory(code="T01", name="Camden", region=Region.LONDON)
    leeds = LocalAuthorityFactory(code="T02", name="Leeds", region=Region.YORKSHIRE)
    area = MHSTAreaFactory(name="Camden MHST")
    area.local_authorities.add(camden)
    inside = EstablishmentFactory(urn=500001, name="Inside School", la=camden, mhst_area=area)
    outside = EstablishmentFactory(urn=500002, name="Outside School", la=leeds)
    return {"camden": camden, "leeds": leeds, "area": area, "in": inside, "out": outside}


@pytest.fixture
def users(world):
    return {
        "national": user_with_role(Role.NATIONAL_ADMIN),
        "regional": user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[world["camden"]]),
        "facilitator": user_with_role(Role.FACILITATOR),
        "viewer": user_with_role(Role.VIEWER),
        "no_role": UserFactory(username="norole", is_staff=True),
    }


def coordinator_urls(world):
    inside, outside = world["in"].urn, world["out"].urn
    return {
        "dashboard": reverse("home"),
        "list": reverse("schools:establishment-list"),
        "csv": reverse("schools:establishment-export-csv"),
        "xlsx": reverse("schools:establishment-export-xlsx"),
        "detail-in": reverse("schools:establishment-detail", args=[inside]),
        "detail-out": reverse("schools:establishment-detail", args=[outside]),
        "contact-in": reverse("schools:establishment-contact", args=[inside]),
        "contact-out": reverse("schools:establishment-contact", args=[outside]),
        "contact-import": reverse("schools:contact-import"),
        "contact-import-template": reverse("schools:contact-import-template"),
        # GIAS's changes are the national admin's to review; a decision is a POST.
        "register-changes": reverse("schools:register-changes"),
        "change-apply": reverse("schools:register-change-apply", args=[1]),
        "change-dismiss": reverse("schools:register-change-dismiss", args=[1]),
        "change-move": reverse("schools:register-change-move", args=[1]),
    }


REVIEW = {"register-changes": 403, "change-apply": 403, "change-dismiss": 403, "change-move": 403}


# Status per (role, url). The dashboard is the home page: 200 for everyone signed in (people
# without a role see a page saying how to get one).
EXPECTED = {
    "national": dict.fromkeys(
        [
            "dashboard",
            "list",
            "csv",
            "xlsx",
            "detail-in",
            "detail-out",
            "contact-in",
            "contact-out",
            "contact-import",
            "contact-import-template",
            "register-changes",
        ],
        200,
    )
    | {"change-apply": 405, "change-dismiss": 405, "change-move": 405},
    "regional": {
        "dashboard": 200,
        "list": 200,
        "csv": 200,
        "xlsx": 200,
        "detail-in": 200,
        "detail-out": 404,
        "contact-in": 200,
        "contact-out": 404,
        "contact-import": 200,
        "contact-import-template": 200,
        **REVIEW,
    },
    **{
        role: {
            "dashboard": 200,
            "list": 403,
            "csv": 403,
            "xlsx": 403,
            "detail-in": 403,
            "detail-out": 403,
            "contact-in": 403,
            "contact-out": 403,
            "contact-import": 403,
            "contact-import-template": 403,
            **REVIEW,
        }
        for role in ("facilitator", "viewer", "no_role")
    },
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_coordinator_url_as_each_role(client, world, users, role):
    client.force_login(users[role])

    got = {name: client.get(url).status_code for name, url in coordinator_urls(world).items()}

    assert got == EXPECTED[role]


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for name, url in coordinator_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_the_url_table_covers_every_coordinator_url(world):
    from django.urls import get_resolver

    names = {
        f"schools:{name}"
        for name in get_resolver().namespace_dict["schools"][1].reverse_dict
        if isinstance(name, str)
    }
    covered = {
        "schools:establishment-list",
        "schools:establishment-export-csv",
        "schools:establishment-export-xlsx",
        "schools:establishment-detail",
        "schools:establishment-contact",
        "schools:contact-import",
        "schools:contact-import-template",
        "schools:register-changes",
        "schools:register-change-apply",
        "schools:register-change-dismiss",
        "schools:register-change-move",
    }
    assert names == covered, "a new coordinator URL needs a row in EXPECTED"


def exported_urns(response) -> set[int]:
    body = b"".join(response.streaming_content).decode()
    return {int(row["URN"]) for row in csv.DictReader(io.StringIO(body))}


def test_exports_hold_only_what_the_role_may_see(client, world, users):
    client.force_login(users["regional"])
    assert exported_urns(client.get(reverse("schools:establishment-export-csv"))) == {500001}
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("schools:establishment-export-xlsx")).getvalue())
    ).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [500001]

    client.force_login(users["national"])
    assert exported_urns(client.get(reverse("schools:establishment-export-csv"))) == {
        500001,
        500002,
    }


def test_export_follows_the_filters_and_a_guessed_out_of_scope_filter_is_refused(
    client, world, users
):
    EstablishmentFactory(
        urn=500003,
        la=world["camden"],
        name="Camden Academy",
        type_code=34,
        type_group=TypeGroup.ACADEMIES,
    )
    client.force_login(users["regional"])
    url = reverse("schools:establishment-export-csv")

    assert exported_urns(client.get(url, {"type_group": TypeGroup.ACADEMIES})) == {500003}
    # Leeds is not offered to this coordinator, so asking for it is an invalid choice.
    assert exported_urns(client.get(url, {"la": world["leeds"].pk})) == set()
    listing = client.get(reverse("schools:establishment-list"), {"la": world["leeds"].pk})
    assert list(listing.context["object_list"]) == []
    assert "Select a valid choice" in listing.content.decode()


def test_regional_scope_by_mhst_area_and_by_region(world):
    by_area = user_with_role(
        Role.REGIONAL_COORDINATOR, username="by-area", mhst_areas=[world["area"]]
    )
    by_region = user_with_role(
        Role.REGIONAL_COORDINATOR, username="by-region", regions=[Region.YORKSHIRE]
    )
    from schools.selectors import establishments_for

    assert [e.urn for e in establishments_for(scope_for(by_area))] == [500001]
    assert [e.urn for e in establishments_for(scope_for(by_region))] == [500002]


def test_a_regional_coordinator_needs_an_area_and_regions_must_be_real(world):
    user = UserFactory(username="nobody")
    with pytest.raises(RoleError, match="at least one"):
        user_assign_role(user=user, role=Role.REGIONAL_COORDINATOR)
    with pytest.raises(RoleError, match="Unknown region"):
        user_assign_role(user=user, role=Role.REGIONAL_COORDINATOR, regions=["E99"])


def test_navigation_shows_each_role_only_what_it_may_use(client, world, users):
    list_url = reverse("schools:establishment-list")
    admin_url = reverse("admin:index")
    client.force_login(users["regional"])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{list_url}"' in page
    assert f'href="{admin_url}"' not in page
    assert "Regional coordinator" in page

    client.force_login(users["viewer"])
    page = client.get(reverse("home")).content.decode()
    assert f'href="{list_url}"' not in page
    assert "National dashboard" in page

    client.force_login(users["no_role"])
    page = client.get(reverse("home")).content.decode()
    assert "does not have a role" in page
    assert f'href="{admin_url}"' in page  # staff, so the admin is offered
