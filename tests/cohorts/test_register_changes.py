"""The register changes page (issue 14, items 1 and 5): a school with a place that GIAS
closes waits for a national admin, who applies or keeps it; failures and counts show."""

import shutil
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from cohorts.models import CohortStatus, PlaceStatus
from schools.models import ChangeKind, ChangeStatus, Establishment, RegisterChange, Status
from schools.services.areas import areas_load_reference
from schools.services.gias import GiasFileError
from schools.services.sync import register_import
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import SurveyInvitationFactory
from tests.schools.conftest import DATA
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("schools:register-changes")


@pytest.fixture
def areas(db):
    return areas_load_reference()


@pytest.fixture
def extracts(tmp_path):
    """The October 2018 and July 2025 rows of the same 20 URNs, named as GIAS names them."""
    old = shutil.copy(DATA / "gias_2018_20.csv", tmp_path / "edubasealldata20181029.csv")
    new = shutil.copy(DATA / "gias_2025_same_urns.csv", tmp_path / "edubasealldata20250718.csv")
    return old, new


@pytest.fixture
def national(client):
    user = user_with_role(Role.NATIONAL_ADMIN, username="nat")
    client.force_login(user)
    return user


def _place_at(urn: int, **place):
    school = Establishment.objects.get(urn=urn)
    cohort = CohortFactory(local_authority=school.la, status=CohortStatus.OPEN)
    return PlaceFactory(cohort=cohort, establishment=school, **place)


def test_a_booked_school_that_gias_closes_is_listed_and_an_admin_applies_it(
    areas, extracts, national, client
):
    old, new = extracts
    register_import(old)
    _place_at(100012)

    register_import(new)

    assert Establishment.objects.get(urn=100012).status == Status.OPEN  # held
    page = client.get(PAGE)
    text = page.content.decode()
    assert page.status_code == 200
    assert "It has an active place." in text
    assert "Status: Open → <strong>Closed</strong>" in text
    change = RegisterChange.objects.get(kind=ChangeKind.CLOSING)

    done = client.post(reverse("schools:register-change-apply", args=[change.pk]), follow=True)

    assert "the register now says what GIAS says" in done.content.decode()
    assert Establishment.objects.get(urn=100012).status == Status.CLOSED
    assert RegisterChange.objects.get(pk=change.pk).status == ChangeStatus.APPLIED
    assert "Nothing to review." in done.content.decode()


def test_keeping_a_school_as_it_is_and_a_second_decision_is_refused(
    areas, extracts, national, client
):
    old, new = extracts
    register_import(old)
    _place_at(100012)
    register_import(new)
    change = RegisterChange.objects.get(kind=ChangeKind.CLOSING)
    dismiss = reverse("schools:register-change-dismiss", args=[change.pk])

    client.post(dismiss)
    again = client.post(dismiss, follow=True)

    assert "Someone has already decided this change." in again.content.decode()
    assert Establishment.objects.get(urn=100012).status == Status.OPEN
    assert client.get(dismiss).status_code == 405  # a decision is a POST


def test_every_way_the_programme_holds_a_school_is_named(areas, extracts):
    old, new = extracts
    register_import(old)
    place = _place_at(100012, status=PlaceStatus.COMPLETED, completed_on=date(2025, 3, 1))
    SurveyInvitationFactory(place=place)

    register_import(new)

    change = RegisterChange.objects.get(establishment__urn=100012)
    assert change.held_because == "It has an active place and survey invitations."


def test_a_failed_import_shows_on_the_page_and_the_dashboard(areas, tmp_path, national, client):
    broken = tmp_path / "edubasealldata20250801.csv"
    broken.write_text("URN,Name\n1,x\n")
    with pytest.raises(GiasFileError):
        register_import(broken)

    assert "The last GIAS import failed" in client.get(PAGE).content.decode()
    dashboard = client.get(reverse("home")).content.decode()
    assert "edubasealldata20250801.csv" in dashboard
    assert "failed, so the register did not change" in dashboard


def test_the_dashboard_and_the_register_count_the_changes_to_review(
    areas, extracts, national, client
):
    old, new = extracts
    register_import(old)
    _place_at(100012)
    register_import(new)

    assert "1 register change from GIAS to review" in client.get(reverse("home")).content.decode()
    listing = client.get(reverse("schools:establishment-list")).content.decode()
    assert "Register changes from GIAS (1 to review)" in listing


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.VIEWER, Role.FACILITATOR])
def test_only_national_admins_review_register_changes(areas, client, role):
    areas = {"regions": ["E12000007"]} if role == Role.REGIONAL_COORDINATOR else {}
    client.force_login(user_with_role(role, username="someone", **areas))

    assert client.get(PAGE).status_code == 403


def test_the_page_costs_the_same_for_2_or_20_changes(
    areas, national, client, django_assert_max_num_queries
):
    def stage(count):
        for _ in range(count):
            RegisterChange.objects.create(
                establishment=EstablishmentFactory(),
                kind=ChangeKind.CLOSING,
                fields={"status": [1, 2], "close_date": [None, "2025-08-31"]},
                held_because="It has an active place.",
            )

    stage(2)
    with django_assert_max_num_queries(30) as two:
        client.get(PAGE)
    stage(18)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert "Closing or closed" in client.get(PAGE).content.decode()
