import datetime as dt

import factory

from cohorts.models import Cohort, CohortFormat, Phase, Place, PlaceStatus
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
