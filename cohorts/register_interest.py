"""What the cohort programme holds in the register (``schools.interest``): an establishment
with an active place waits for a person before GIAS closes it or moves it, and a new
eligible establishment in an LA with a cohort open for booking is listed for review."""

from cohorts.models import ACTIVE_PLACE_STATUSES, BOOKABLE_COHORT_STATUSES, Cohort, Place
from schools.interest import register_holder, register_watched_areas
from schools.models import MHSTArea


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


def register() -> None:
    register_holder("an active place", _with_active_places)
    register_watched_areas(_las_with_open_cohorts)
