import datetime as dt

import factory

from tests.cohorts.factories import CohortFactory
from tests.schools.factories import LocalAuthorityFactory
from workshops.models import (
    Delivery,
    DeliveryKind,
    LocalProfessional,
    OrganisationType,
    Professional,
    Venue,
    Workshop,
)


class DeliveryFactory(factory.django.DjangoModelFactory):
    """A delivery of its own, with no cohort (the sessions layer alone)."""

    class Meta:
        model = Delivery

    kind = DeliveryKind.COHORT


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A session of ``cohort``'s delivery (a new cohort unless given), or of ``delivery``."""

    class Meta:
        model = Workshop

    class Params:
        cohort = factory.SubFactory(CohortFactory)

    delivery = factory.LazyAttribute(lambda o: o.cohort.delivery)
    day = 1
    date = dt.date(2026, 3, 2)
    start_time = dt.time(9, 30)
    end_time = dt.time(16, 0)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    """A professional on ``cohort``'s delivery (a new cohort unless given), or ``delivery``."""

    class Meta:
        model = Professional

    class Params:
        cohort = factory.SubFactory(CohortFactory)

    delivery = factory.LazyAttribute(lambda o: o.cohort.delivery)
    name = factory.Sequence(lambda n: f"Professional {n}")
    organisation = "North London CYPMHS"
    organisation_type = OrganisationType.NHS_CYPMHS
    email = factory.Sequence(lambda n: f"pro{n}@nhs.example")


class VenueFactory(factory.django.DjangoModelFactory):
    """A venue of the directory in a local authority (a new one unless given)."""

    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Civic Centre {n}")
    address = "1 High Street, London"
    postcode = "NW1 1AA"
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class LocalProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalProfessional

    name = factory.Sequence(lambda n: f"Local Professional {n}")
    role = "Clinical lead"
    organisation = "North London CYPMHS"
    sector = OrganisationType.NHS_CYPMHS
    email = factory.Sequence(lambda n: f"local{n}@nhs.example")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
