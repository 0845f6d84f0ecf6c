"""A record's life as data: the moves a status allows, named for the pages."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """One thing that can be done to a record in some statuses, moving it to another: the
    services enforce it, and the pages offer exactly the transitions a record's status
    allows (``Wave.next_actions``)."""

    name: str  # also the URL name: cohorts:<name> for a cohort, cohorts:wave-<name>
    label: str
    sources: tuple[str, ...]
    target: str
    #: Why it is refused in another status: {name} is the record's, {status} its status.
    refusal: str
    style: str = "btn-outline-primary"
    #: The button leads to a page that asks first (a GET), instead of posting at once.
    confirm: bool = False

    def refusal_for(self, record) -> str:
        return self.refusal.format(name=record, status=record.get_status_display().lower())
