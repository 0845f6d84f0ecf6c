"""Rollout phases, cohorts of up to 20 schools, each school's place on a cohort, and waves.

Writes that matter go through ``cohorts.services``: the models hold the data, the database
constraints that can enforce a rule on their own, and small derived properties.
"""

from cohorts.models.cohorts import (
    BOOKABLE_COHORT_STATUSES,
    COHORT_TRANSITIONS,
    MAX_COHORT_CAPACITY,
    Cohort,
    CohortFormat,
    CohortStatus,
)
from cohorts.models.imports import (
    SetUpImport,
    SetUpImportStatus,
)
from cohorts.models.invitations import (
    RECORDED_CHANNELS,
    Invitation,
    InvitationChannel,
    WorkshopDaysTold,
    WorkshopReminder,
)
from cohorts.models.phases import (
    Phase,
)
from cohorts.models.places import (
    ACTIVE_PLACE_STATUSES,
    BOOKED_STATUSES,
    NOT_COMPLETED_STATUSES,
    PHONE_CHANGE_PREFIX,
    ROSTER_STATUSES,
    SEAT_HOLDING_STATUSES,
    AreaInterest,
    CancelReason,
    Place,
    PlaceCount,
    PlaceStatus,
)
from cohorts.models.status import (
    ProgrammeStatus,
    ProgrammeStatusKind,
)
from cohorts.models.terms import (
    SchoolTerm,
)
from cohorts.models.transitions import (
    Transition,
)
from cohorts.models.waves import (
    WAVE_TRANSITIONS,
    Wave,
    WaveAudience,
    WaveStatus,
)
from cohorts.rules import WorkshopDay

__all__ = [
    "ACTIVE_PLACE_STATUSES",
    "AreaInterest",
    "BOOKABLE_COHORT_STATUSES",
    "BOOKED_STATUSES",
    "COHORT_TRANSITIONS",
    "CancelReason",
    "Cohort",
    "Invitation",
    "InvitationChannel",
    "ProgrammeStatus",
    "ProgrammeStatusKind",
    "RECORDED_CHANNELS",
    "WorkshopDaysTold",
    "WorkshopReminder",
    "CohortFormat",
    "CohortStatus",
    "MAX_COHORT_CAPACITY",
    "NOT_COMPLETED_STATUSES",
    "PHONE_CHANGE_PREFIX",
    "Phase",
    "Place",
    "PlaceCount",
    "PlaceStatus",
    "ROSTER_STATUSES",
    "SEAT_HOLDING_STATUSES",
    "SchoolTerm",
    "SetUpImport",
    "SetUpImportStatus",
    "Transition",
    "WAVE_TRANSITIONS",
    "Wave",
    "WaveAudience",
    "WaveStatus",
    "WorkshopDay",
]
