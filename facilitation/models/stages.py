"""An engagement's path as data: its stages and the moves between them."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where an engagement is. The first seven are its path, in order; it may be paused
    from any open stage (with a reason) and resumed where it was."""

    REQUESTED = "requested", _("Requested")
    SCOPING = "scoping", _("Scoping")
    SURVEY = "survey", _("Schools survey")
    CONSULTATION = "consultation", _("Consultation")
    SUPPORT = "support", _("Support sessions")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")
    PAUSED = "paused", _("Paused")


#: The path, in order (paused is off it).
PATH = (
    Stage.REQUESTED,
    Stage.SCOPING,
    Stage.SURVEY,
    Stage.CONSULTATION,
    Stage.SUPPORT,
    Stage.REVIEW,
    Stage.CLOSED,
)
OPEN_STAGES = PATH[:-1]


@dataclass(frozen=True)
class Move:
    """One move an engagement's stage allows: the services enforce it, the page offers
    exactly the moves its stage allows (``Engagement.next_moves``)."""

    name: str  # also the URL name: facilitation:<name>
    label: str
    sources: tuple[str, ...]
    #: The stage it moves to; None for "resume" (back to the stage it was paused from).
    target: str | None
    style: str = "btn-outline-primary"
    #: Asks for a reason first (a page of its own, then a POST).
    needs_reason: bool = False


def _forward(source: Stage, target: Stage, label: str) -> Move:
    return Move(f"to-{target.value}", label, (source,), target, style="btn-primary")


MOVES = {
    move.name: move
    for move in (
        _forward(Stage.REQUESTED, Stage.SCOPING, _("Start scoping")),
        _forward(Stage.SCOPING, Stage.SURVEY, _("Start the schools survey")),
        _forward(Stage.SURVEY, Stage.CONSULTATION, _("Move to consultation")),
        _forward(Stage.CONSULTATION, Stage.SUPPORT, _("Move to support sessions")),
        _forward(Stage.SUPPORT, Stage.REVIEW, _("Move to review")),
        _forward(Stage.REVIEW, Stage.CLOSED, _("Close the engagement")),
        Move("pause", _("Pause"), OPEN_STAGES, Stage.PAUSED, "btn-outline-secondary", True),
        Move("resume", _("Resume"), (Stage.PAUSED,), None, "btn-primary"),
        Move(
            "close-early",
            _("Close early"),
            (*OPEN_STAGES[:-1], Stage.PAUSED),
            Stage.CLOSED,
            "btn-outline-danger",
            True,
        ),
    )
}
