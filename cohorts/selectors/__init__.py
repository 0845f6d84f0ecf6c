"""Reads of phases, cohorts and places that pages, services and reports need, by topic.

Each returns a queryset already joined and annotated, so a page costs a fixed number of
queries however many rows it shows.
"""

from cohorts.selectors.booking import (
    area_interests_to_tell,
    cohort_waiting_list,
    cohorts_annotated,
    cohorts_bookable_by,
    establishment_active_place,
    phase_reachable_establishments,
    place_waiting_rank,
)
from cohorts.selectors.coordinator import (
    cohort_detail,
    cohorts_in_scope,
    local_authorities_in_scope,
    mhst_areas_in_scope,
    phases_in_scope,
    phone_booking_schools,
    place_move_targets,
    places_in_scope,
    wave_area_choices,
)
from cohorts.selectors.dashboard import (
    LIVE_COHORT_STATUSES,
    phases_progress,
    professionals_in_scope,
    sessions_summary,
    workshops_upcoming,
)
from cohorts.selectors.status import (
    PROGRAMME_STATUSES,
    establishment_invitations,
    establishment_places,
    programme_counts,
    programme_start,
    programme_status_conditions,
    reached_q,
    with_programme_status,
)
from cohorts.selectors.waves import (
    wave_delivery,
    wave_progress,
    wave_remaining,
    wave_targets,
    waves_in_progress,
    waves_in_scope,
)

__all__ = [
    "LIVE_COHORT_STATUSES",
    "PROGRAMME_STATUSES",
    "area_interests_to_tell",
    "cohort_detail",
    "cohort_waiting_list",
    "cohorts_annotated",
    "cohorts_bookable_by",
    "cohorts_in_scope",
    "establishment_active_place",
    "establishment_invitations",
    "establishment_places",
    "local_authorities_in_scope",
    "mhst_areas_in_scope",
    "phase_reachable_establishments",
    "phases_in_scope",
    "phases_progress",
    "phone_booking_schools",
    "place_move_targets",
    "place_waiting_rank",
    "places_in_scope",
    "professionals_in_scope",
    "programme_counts",
    "programme_start",
    "programme_status_conditions",
    "reached_q",
    "sessions_summary",
    "wave_area_choices",
    "wave_delivery",
    "wave_progress",
    "wave_remaining",
    "wave_targets",
    "waves_in_progress",
    "waves_in_scope",
    "with_programme_status",
    "workshops_upcoming",
]
