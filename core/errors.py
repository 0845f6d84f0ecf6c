"""The domain error: a programme rule refused an operation, and says why.

Views show ``error.message`` to the user as it is, so it is written for a school's staff or
a coordinator: what was refused and, where there is one, what to do instead. Each app
subclasses it for its own rules (``cohorts.errors``, ``evaluation.errors``).
"""


class LinkDomainError(Exception):
    """A programme rule refused an operation. ``message`` is readable; ``code`` is for code."""

    default_code = "refused"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def __str__(self) -> str:
        return self.message
