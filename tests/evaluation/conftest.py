import datetime as dt

import pytest
import time_machine

#: A Monday morning in term time (as tests/cohorts): time-based tests start here.
NOW = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """A frozen clock at ``NOW``; ``clock.move_to(...)``/``clock.shift(...)`` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def outbox_broker(monkeypatch) -> list:
    """What was handed to the broker: evaluation tests never put a task on a real broker."""
    handed: list = []
    monkeypatch.setattr(
        "outbox.services.celery_app.send_task", lambda name, args: handed.append(args[0])
    )
    return handed


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
