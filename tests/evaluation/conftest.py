import datetime as dt

import pytest

from tests.conftest import NOW  # noqa: F401 - the tests here import it from this module


@pytest.fixture(autouse=True)
def outbox_broker(stub_outbox_broker) -> list[int]:
    """Evaluation tests never put a send task on a real broker."""
    return stub_outbox_broker


#: The workshop days of ``survey_cohort``: day 2 ends at 4pm London time (BST) on 13 April.
DAY_1 = dt.date(2026, 3, 2)
DAY_2 = dt.date(2026, 4, 13)


@pytest.fixture
def survey_cohort():
    """Makes an open cohort with both workshop days (9:30am to 4pm): ``survey_cohort()``."""
    from cohorts.models import CohortStatus
    from tests.cohorts.factories import CohortFactory
    from tests.workshops.factories import WorkshopFactory

    def make(*, day_1=DAY_1, day_2=DAY_2, status=CohortStatus.OPEN):
        cohort = CohortFactory(status=status)
        WorkshopFactory(cohort=cohort, day=1, date=day_1)
        WorkshopFactory(cohort=cohort, day=2, date=day_2)
        return cohort

    return make
