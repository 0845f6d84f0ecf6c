import datetime as dt

import factory
from django.utils import timezone

from facilitation.models import Engagement, Sector, Stakeholder, StakeholderRole
from tests.schools.factories import LocalAuthorityFactory


class EngagementFactory(factory.django.DjangoModelFactory):
    """A requested engagement for a local authority, with a joining link."""

    class Meta:
        model = Engagement

    name = factory.Sequence(lambda n: f"Engagement {n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    joining_link = "https://meet.example.org/link-room"
    stage_since = factory.LazyFunction(timezone.localdate)


SECTORS = [Sector.EDUCATION, Sector.NHS_CYPMHS, Sector.LOCAL_AUTHORITY, Sector.VCS, Sector.ICB]


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    engagement = factory.SubFactory(EngagementFactory)
    name = factory.Sequence(lambda n: f"Leader {n}")
    role = StakeholderRole.SERVICE_LEAD
    organisation = "Wiltshire Council"
    sector = factory.Sequence(lambda n: SECTORS[n % len(SECTORS)])
    email = factory.Sequence(lambda n: f"leader{n}@area.example")


def future(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)
