import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import (
    Cohort,
    CohortFormat,
    Invitation,
    InvitationChannel,
    Phase,
    Place,
    PlaceStatus,
    Wave,
)
from cohorts.services.cohorts import cohort_open_for_booking
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    name = factory.Sequence(lambda n: f"Year {n}, autumn")
    start_date = dt.date(2026, 1, 1)
    end_date = dt.date(2026, 12, 31)


class CohortFactory(factory.django.DjangoModelFactory):
    """A planned, in-person cohort in a local authority, without workshop days."""

    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Test cohort {n}")
    phase = factory.SubFactory(PhaseFactory)
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    format = CohortFormat.IN_PERSON
    venue_name = "Civic Centre"
    venue_address = "1 High Street, London NW1 1AA"


class WaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wave

    name = factory.Sequence(lambda n: f"Wave {n}")
    phase = factory.SubFactory(PhaseFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A school invited in a wave (by email, with no email row: as after retention)."""

    class Meta:
        model = Invitation

    wave = factory.SubFactory(WaveFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    channel = InvitationChannel.EMAIL
    invited_at = factory.LazyFunction(timezone.now)


class PlaceFactory(factory.django.DjangoModelFactory):
    """A booked place written straight to the table (no capacity checks): for fixtures."""

    class Meta:
        model = Place

    cohort = factory.SubFactory(CohortFactory)
    establishment = factory.SubFactory(
        EstablishmentFactory, la=factory.SelfAttribute("..cohort.local_authority")
    )
    attendee_name = "Alex Example"
    attendee_role = "Senior mental health lead"
    attendee_email = factory.Sequence(lambda n: f"lead{n}@school.example")
    status = PlaceStatus.BOOKED


def make_open_cohort(*, day_1: dt.date | None = None, gap_days: int = 42, **kwargs) -> Cohort:
    """A cohort with both workshop days, opened for booking through the service.

    Workshop 1 is 60 days from today unless ``day_1`` is given; workshop 2 ``gap_days`` later.
    """
    from tests.workshops.factories import WorkshopFactory

    cohort = CohortFactory(**kwargs)
    day_1 = day_1 or timezone.localdate() + dt.timedelta(days=60)
    WorkshopFactory(cohort=cohort, day=1, date=day_1)
    WorkshopFactory(cohort=cohort, day=2, date=day_1 + dt.timedelta(days=gap_days))
    cohort_open_for_booking(cohort=cohort)
    cohort.refresh_from_db()
    return cohort
