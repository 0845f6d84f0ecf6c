# A sample attendee, shared with the cohorts tests (the frozen clock is in tests/conftest.py).
from tests.cohorts.conftest import attendee  # noqa: F401
