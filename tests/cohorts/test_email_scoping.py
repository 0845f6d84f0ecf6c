"""The outbox page is scoped by the areas each email's producer stamped on it (issue 12,
item 4): a regional coordinator sees, retries and cancels a failed email to a professional
on their own cohort, which has no establishment to scope it by."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from cohorts.services.sessions import workshop_days_save
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PlaceFactory, make_open_cohort
from tests.schools.factories import LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory
from workshops.services import WorkshopDetails

pytestmark = pytest.mark.django_db


def _move_day_2(cohort):
    day_1, day_2 = cohort.workshops.order_by("day")
    workshop_days_save(
        cohort=cohort,
        day_1=WorkshopDetails(
            date=day_1.date, start_time=day_1.start_time, end_time=day_1.end_time
        ),
        day_2=WorkshopDetails(
            date=day_2.date + dt.timedelta(days=7),
            start_time=day_2.start_time,
            end_time=day_2.end_time,
        ),
    )


def test_a_coordinator_sees_retries_and_cancels_a_failed_email_to_a_professional_of_their_cohort(
    client, clock, django_capture_on_commit_callbacks
):
    camden, leeds = LocalAuthorityFactory(name="Camden"), LocalAuthorityFactory(name="Leeds")
    cohort = make_open_cohort(local_authority=camden)
    PlaceFactory(cohort=cohort)
    professional = ProfessionalFactory(cohort=cohort, email="pro@nhs.example")
    with django_capture_on_commit_callbacks(execute=True):
        _move_day_2(cohort)
    email = OutgoingEmail.objects.get(kind=EmailKind.PROFESSIONAL_NOTICE)
    assert (email.recipient, email.establishment, email.local_authority) == (
        professional.email,
        None,
        camden,
    )
    school_email = OutgoingEmail.objects.get(kind=EmailKind.WORKSHOP_CHANGE)
    assert school_email.local_authority == school_email.establishment.la == camden
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED)
    detail = reverse("outbox:email-detail", args=[email.pk])

    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))
    listed = client.get(reverse("outbox:email-list"), {"status": EmailStatus.FAILED})
    assert [e.pk for e in listed.context["object_list"]] == [email.pk]
    assert client.get(detail).status_code == 200
    client.post(reverse("outbox:email-retry", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    client.post(reverse("outbox:email-cancel", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED

    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, username="leeds", local_authorities=[leeds])
    )
    assert client.get(detail).status_code == 404
    assert client.post(reverse("outbox:email-retry", args=[email.pk])).status_code == 404
    assert not client.get(reverse("outbox:email-list")).context["object_list"]


def test_an_mhst_coordinator_sees_the_professionals_emails_of_a_cohort_in_their_area(
    client, clock, django_capture_on_commit_callbacks
):
    from tests.schools.factories import MHSTAreaFactory

    area = MHSTAreaFactory()
    cohort = make_open_cohort(mhst_area=area)
    ProfessionalFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        _move_day_2(cohort)
    email = OutgoingEmail.objects.get(kind=EmailKind.PROFESSIONAL_NOTICE)

    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, mhst_areas=[area]))
    assert client.get(reverse("outbox:email-detail", args=[email.pk])).status_code == 200


def test_the_migrations_stamp_the_emails_sent_before_stamps(
    clock, django_capture_on_commit_callbacks
):
    from importlib import import_module

    from django.apps import apps as django_apps

    camden = LocalAuthorityFactory(name="Camden")
    cohort = make_open_cohort(local_authority=camden)
    PlaceFactory(cohort=cohort)
    ProfessionalFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        _move_day_2(cohort)
    OutgoingEmail.objects.update(local_authority=None, mhst_area=None)  # as before 0010

    import_module("outbox.migrations.0010_area_stamps").stamp_from_establishments(django_apps, None)
    import_module("cohorts.migrations.0015_stamp_professional_emails").stamp_from_cohorts(
        django_apps, None
    )

    assert set(OutgoingEmail.objects.values_list("kind", "local_authority")) == {
        (EmailKind.WORKSHOP_CHANGE, camden.pk),
        (EmailKind.PROFESSIONAL_NOTICE, camden.pk),
    }
