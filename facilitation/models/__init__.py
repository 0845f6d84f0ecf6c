"""Engagements, their stages, stakeholders and meetings. Writes go through
``facilitation.services``; the models hold data, constraints and small derived properties."""

from facilitation.models.engagements import Engagement, StageChange
from facilitation.models.meetings import Meeting, MeetingInvite, MeetingKind
from facilitation.models.people import JOINED_SECTORS, Sector, Stakeholder, StakeholderRole
from facilitation.models.plans import (
    OPEN_GOAL_STATUSES,
    Action,
    CascadeArea,
    Goal,
    GoalReview,
    GoalStatus,
    Priority,
    Progress,
)
from facilitation.models.ratings import (
    RATING_MAX,
    RATING_MIN,
    CascadeRating,
    RatingPoint,
    RatingRequest,
    RatingRound,
)
from facilitation.models.stages import MOVES, OPEN_STAGES, PATH, Move, Stage
from facilitation.models.survey import QUESTIONS, Question, SchoolsSurvey, SchoolsSurveyInvite

__all__ = [
    "OPEN_GOAL_STATUSES",
    "Action",
    "CascadeArea",
    "Goal",
    "GoalReview",
    "GoalStatus",
    "Priority",
    "Progress",
    "QUESTIONS",
    "Question",
    "SchoolsSurvey",
    "SchoolsSurveyInvite",
    "JOINED_SECTORS",
    "MOVES",
    "OPEN_STAGES",
    "PATH",
    "Engagement",
    "Meeting",
    "MeetingInvite",
    "MeetingKind",
    "Move",
    "Sector",
    "Stage",
    "StageChange",
    "Stakeholder",
    "StakeholderRole",
    "RATING_MAX",
    "RATING_MIN",
    "CascadeRating",
    "RatingPoint",
    "RatingRequest",
    "RatingRound",
]
