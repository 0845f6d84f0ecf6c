"""The domain errors of cohorts: a rule refused an operation, and says why.
(``WorkshopError``, for workshop days and attendance, is the sessions layer's, named here
too since the cohort rules about workshop days raise it.)

Views show ``error.message`` to the user as it is, so it is written for a school's staff or
a coordinator: what was refused and, where there is one, what to do instead.
"""

from core.errors import LinkDomainError
from workshops.errors import WorkshopError


class BookingError(LinkDomainError):
    """A place could not be booked, moved, cancelled, offered or changed."""

    default_code = "booking"


__all__ = [
    "BookingError",
    "BookingLinkExpired",
    "BookingLinkInvalid",
    "CohortError",
    "PhaseError",
    "PlanningError",
    "TermDatesError",
    "WorkshopError",
]


class CohortError(LinkDomainError):
    """A cohort could not be created, opened, resized or moved on to another status."""

    default_code = "cohort"


class PhaseError(LinkDomainError):
    """A rollout phase could not be created or changed as asked."""

    default_code = "phase"


class TermDatesError(LinkDomainError):
    """An LA's term dates file could not be loaded; nothing of it was."""

    default_code = "term_dates"


class PlanningError(LinkDomainError):
    """A cohort plan could not be accepted as it stands."""

    default_code = "planning"


class BookingLinkInvalid(LinkDomainError):
    """A school's booking link was altered, or is not a booking link at all."""

    default_code = "link_invalid"


class BookingLinkExpired(LinkDomainError):
    """A school's booking link was genuine but is too old; ``establishment`` may ask anew."""

    default_code = "link_expired"

    def __init__(self, message: str, *, establishment):
        super().__init__(message)
        self.establishment = establishment
