"""The facilitation app's domain error: a rule refused an operation, and says why."""

from core.errors import LinkDomainError


class FacilitationError(LinkDomainError):
    """A rule of online strategic facilitation refused an operation."""
