import datetime as dt

import factory

from tests.cohorts.factories import CohortFactory
from workshops.models import OrganisationType, Professional, Workshop


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    cohort = factory.SubFactory(CohortFactory)
    day = 1
    date = dt.date(2026, 3, 2)
    start_time = dt.time(9, 30)
    end_time = dt.time(16, 0)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Professional {n}")
    organisation = "North London CYPMHS"
    organisation_type = OrganisationType.NHS_CYPMHS
    email = factory.Sequence(lambda n: f"pro{n}@nhs.example")
