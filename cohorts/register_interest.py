"""What the cohort programme holds in the register (``schools.interest``): an establishment
with an active place waits for a person before GIAS closes it or moves it, and a new
eligible establishment in an LA with a cohort open for booking is listed for review."""

from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKABLE_COHORT_STATUSES,
    AreaInterest,
    Cohort,
    Invitation,
    Place,
)
from cohorts.status_summary import programme_status_refresh
from schools.interest import (
    SuccessorConflict,
    register_holder,
    register_mover,
    register_watched_areas,
)
from schools.models import MHSTArea

MOVED_REASON = "Moved to the school's successor in GIAS"


def _with_active_places():
    return Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES).values_list(
        "establishment_id", flat=True
    )


def _las_with_open_cohorts():
    open_cohorts = Cohort.objects.filter(status__in=BOOKABLE_COHORT_STATUSES)
    las = set(
        open_cohorts.exclude(local_authority=None).values_list("local_authority_id", flat=True)
    )
    areas = MHSTArea.local_authorities.through.objects.filter(
        mhstarea_id__in=open_cohorts.exclude(mhst_area=None).values("mhst_area_id")
    )
    return las | set(areas.values_list("localauthority_id", flat=True))


def _move_places(from_id: int, to_id: int) -> int:
    """A closed school's places (active or past, with their attendance and survey
    invitations, which belong to the place) and its wish to hear of new cohorts move to its
    successor. Refused when both hold an active place: a person decides which stays."""
    places = list(Place.objects.select_for_update().filter(establishment_id=from_id))
    active = Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES)
    if (
        any(p.status in ACTIVE_PLACE_STATUSES for p in places)
        and active.filter(establishment_id=to_id).exists()
    ):
        raise SuccessorConflict(
            "Both schools hold a place in the programme: cancel one of them first, then move."
        )
    for place in places:
        place.establishment_id = to_id
        place._change_reason = MOVED_REASON
        place.save(update_fields=["establishment", "updated_at"])
    waiting = AreaInterest.objects.filter(establishment_id=from_id, told_at__isnull=True)
    if AreaInterest.objects.filter(establishment_id=to_id, told_at__isnull=True).exists():
        waiting.delete()  # the successor already asked to hear of new cohorts
    AreaInterest.objects.filter(establishment_id=from_id).update(establishment_id=to_id)
    programme_status_refresh([from_id, to_id])
    return len(places)


def _move_invitations(from_id: int, to_id: int) -> int:
    """A closed school's invitations count for its successor (it has been invited), unless
    the successor was invited in the same wave itself: that one stays on the closed school,
    as it happened."""
    theirs = Invitation.objects.filter(establishment_id=to_id).values("wave_id")
    moved = (
        Invitation.objects.filter(establishment_id=from_id)
        .exclude(wave_id__in=theirs)
        .update(establishment_id=to_id)
    )
    programme_status_refresh([from_id, to_id])
    return moved


def register() -> None:
    register_holder("an active place", _with_active_places)
    register_watched_areas(_las_with_open_cohorts)
    register_mover("places, with their attendance and surveys", _move_places)
    register_mover("invitations", _move_invitations)
