# The frozen clock and a sample attendee, shared with the cohorts tests.
from tests.cohorts.conftest import attendee, clock  # noqa: F401
