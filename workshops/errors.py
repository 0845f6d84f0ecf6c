"""The domain error of the sessions layer: a rule refused an operation, and says why."""

from core.errors import LinkDomainError


class WorkshopError(LinkDomainError):
    """A session (a workshop day), a professional or attendance could not be saved."""

    default_code = "workshop"


class DirectoryError(LinkDomainError):
    """A venue or local professional of the directory could not be saved."""

    default_code = "directory"
