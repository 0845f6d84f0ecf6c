import datetime as dt

import pytest
import time_machine

from cohorts.services.places import Attendee

#: A Monday morning in term time; every time-based test starts here.
NOW = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """A frozen clock at ``NOW``; ``clock.move_to(...)``/``clock.shift(...)`` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def attendee() -> Attendee:
    return Attendee(
        name="Sam Lead",
        role="Senior mental health lead",
        email="sam.lead@school.example",
        phone="020 7946 0000",
        access_needs="Step-free access",
    )
