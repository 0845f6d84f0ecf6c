"""The coordinators' daily digest (issue 13, item 9; issue 14, item 5): one email per
coordinator, only when something needs them, once a day, within their areas."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from cohorts.models import CancelReason, CohortStatus, PlaceStatus
from linkprog.digest import digest_for, digests_send
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from schools.models import GiasImport, ImportStatus, RegisterChange
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory, WorkshopFactory
from workshops.models import OrganisationType

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Leeds")


@pytest.fixture
def coordinators(areas):
    camden, leeds = areas
    people = {
        "camden": user_with_role(
            Role.REGIONAL_COORDINATOR, username="camden", local_authorities=[camden]
        ),
        "leeds": user_with_role(
            Role.REGIONAL_COORDINATOR, username="leeds", local_authorities=[leeds]
        ),
        "national": user_with_role(Role.NATIONAL_ADMIN, username="national"),
    }
    for name, user in people.items():
        user.email = f"{name}@coordinators.example"
        user.save()
    return people


def digests():
    return {email.recipient: email for email in OutgoingEmail.objects.filter(kind=EmailKind.DIGEST)}


def test_a_coordinator_hears_of_their_areas_only_and_only_when_there_is_something(
    areas, coordinators
):
    camden, _leeds = areas
    today = timezone.localdate()
    full = CohortFactory(name="Camden 1", local_authority=camden, status=CohortStatus.FULL)
    PlaceFactory(
        cohort=full,
        establishment=EstablishmentFactory(la=camden, name="Argyle Primary School"),
        status=PlaceStatus.CANCELLED,
        cancel_reason=CancelReason.OFFER_DECLINED,
        cancelled_at=timezone.now(),
    )
    soon = CohortFactory(name="Camden 2", local_authority=camden, status=CohortStatus.OPEN)
    WorkshopFactory(cohort=soon, day=1, date=today + dt.timedelta(days=10))
    with_cypmhs = CohortFactory(name="Camden 3", local_authority=camden, status=CohortStatus.OPEN)
    WorkshopFactory(cohort=with_cypmhs, day=1, date=today + dt.timedelta(days=5))
    ProfessionalFactory(cohort=with_cypmhs, organisation_type=OrganisationType.NHS_CYPMHS)

    assert digests_send() == 2  # Camden's coordinator and the national admin; Leeds: nothing

    sent = digests()
    assert set(sent) == {"camden@coordinators.example", "national@coordinators.example"}
    text = sent["camden@coordinators.example"].body_text
    assert "Cohorts that filled\n- Camden 1" in text
    assert "Argyle Primary School, Camden 1: offered place declined" in text
    assert "Camden 2, " in text  # a workshop in 10 days with no CYPMHS professional
    assert "Camden 3, " not in text
    # Booking closes (7 days before day 1) within the week, with 0 of 20 places taken.
    assert "Camden 2: 0 of 20 places taken, booking closes" in text
    assert f"See: {settings.LINK_BASE_URL}/cohorts/" in text  # a working link, absolute
    assert sent["camden@coordinators.example"].subject.endswith(f"{today:%-d %B}")


def test_once_a_day(areas, coordinators):
    camden, _ = areas
    CohortFactory(local_authority=camden, status=CohortStatus.FULL)

    assert digests_send() == 2
    assert digests_send() == 0
    assert OutgoingEmail.objects.filter(kind=EmailKind.DIGEST).count() == 2
    tomorrow = timezone.now() + dt.timedelta(days=1)
    CohortFactory(local_authority=camden, status=CohortStatus.FULL)
    assert digests_send(now=tomorrow) >= 1


def test_failed_emails_and_a_failed_gias_import_reach_those_who_act_on_them(areas, coordinators):
    camden, _ = areas
    school = EstablishmentFactory(la=camden)
    OutgoingEmail.objects.create(
        kind=EmailKind.INVITATION,
        recipient="head@school.example",
        establishment=school,
        local_authority=camden,
        idempotency_key="k1",
        subject="Invitation",
        body_text="…",
        status=EmailStatus.FAILED,
    )
    GiasImport.objects.create(
        file_name="edubasealldata20250801.csv",
        status=ImportStatus.FAILED,
        message="it has no URN column, so it is not a GIAS establishment extract",
    )
    RegisterChange.objects.create(establishment=school, kind="closing")
    since = timezone.now() - dt.timedelta(days=1)
    today = timezone.localdate()

    camden_digest = digest_for(coordinators["camden"], since=since, today=today)
    national_digest = digest_for(coordinators["national"], since=since, today=today)

    assert [s.title for s in camden_digest.sections] == ["Emails that failed to send"]
    assert "status=failed" in camden_digest.sections[0].link
    register = next(s for s in national_digest.sections if s.title == "The register")
    assert "The GIAS import of edubasealldata20250801.csv failed" in register.lines[0]
    assert register.lines[1] == "1 change from GIAS to review."
    assert not digest_for(coordinators["leeds"], since=since, today=today)
