"""What a school can book, and its place and waiting-list position."""

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKABLE_COHORT_STATUSES,
    SEAT_HOLDING_STATUSES,
    AreaInterest,
    Cohort,
    CohortStatus,
    Phase,
    Place,
    PlaceStatus,
)
from cohorts.rules import WorkshopDay
from schools.models import Establishment
from workshops.models import Workshop


def phase_reachable_establishments(*, phase: Phase) -> QuerySet[Establishment]:
    """Eligible establishments in ``phase``'s areas (its LAs, its MHST areas) that hold no
    active place yet, those in an MHST area first, then by LA, postcode and name."""
    in_areas = Q(la__in=phase.local_authorities.all()) | Q(mhst_area__in=phase.mhst_areas.all())
    placed = Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES).values("establishment_id")
    return (
        Establishment.objects.eligible()
        .filter(in_areas)
        .exclude(pk__in=placed)
        .select_related("la", "mhst_area")
        .annotate(
            in_mhst_area=Case(
                When(mhst_area__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-in_mhst_area", "la__name", "postcode", "name")
    )


def _workshop(day: int) -> FilteredRelation:
    """A cohort's workshop of ``day``, joined ((delivery, day) is unique, so one row at most).
    A join, not a subquery per cohort: the cohort list sorts every cohort in scope by its
    first day before it takes 50, and 11,920 index lookups took 160 ms of it at 10x."""
    return FilteredRelation("delivery__workshops", condition=Q(delivery__workshops__day=day))


def _workshop_date(day: int) -> Subquery:
    # No ordering: (delivery, day) is unique, and Workshop's default ordering would join.
    return Subquery(
        Workshop.objects.filter(delivery=OuterRef("delivery"), day=day)
        .order_by()
        .values("date")[:1]
    )


def _places_count(*statuses: str) -> Coalesce:
    """How many of a cohort's places are in ``statuses``: a subquery per cohort (an index
    lookup), which PostgreSQL works out only for the rows a page shows, instead of joining
    and grouping every place of every cohort before the LIMIT."""
    counted = (
        Place.objects.filter(cohort=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def cohorts_annotated(queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    """Cohorts with ``seats_taken``, ``places_left``, ``waiting_count``, ``day_1_date`` and
    ``day_2_date``, their phase and areas joined."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("delivery", "phase", "local_authority", "mhst_area")
        .annotate(
            seats_taken=_places_count(*SEAT_HOLDING_STATUSES),
            waiting_count=_places_count(PlaceStatus.WAITING),
            workshop_day_1=_workshop(WorkshopDay.DAY_1),
            workshop_day_2=_workshop(WorkshopDay.DAY_2),
        )
        .annotate(day_1_date=F("workshop_day_1__date"), day_2_date=F("workshop_day_2__date"))
        .annotate(
            places_left=Greatest(
                F("capacity") - F("seats_taken"), Value(0), output_field=IntegerField()
            )
        )
    )


def cohorts_bookable_by(*, establishment: Establishment, today: date) -> QuerySet[Cohort]:
    """Cohorts open (or full, for the waiting list) in ``establishment``'s area whose booking
    has not closed, soonest first, each with its two workshops prefetched."""
    area = Q(pk__in=[])
    if establishment.la_id:
        area |= Q(local_authority_id=establishment.la_id)
    if establishment.mhst_area_id:
        area |= Q(mhst_area_id=establishment.mhst_area_id)
    first_bookable_day_1 = today + timedelta(days=conf.booking_closes_days())
    return (
        cohorts_annotated(Cohort.objects.filter(area, status__in=BOOKABLE_COHORT_STATUSES))
        .filter(day_1_date__gte=first_bookable_day_1)
        .prefetch_related(
            Prefetch("delivery__workshops", queryset=Workshop.objects.order_by("day"))
        )
        .order_by("day_1_date", "name")
    )


def cohorts_open_for_booking(
    *, today: date, statuses: tuple = BOOKABLE_COHORT_STATUSES
) -> QuerySet[Cohort]:
    """Cohorts in ``statuses`` (open or full: what a school's page lists) whose booking has
    not closed on ``today``: the rule of ``cohorts_bookable_by``, for any school."""
    first_bookable_day_1 = today + timedelta(days=conf.booking_closes_days())
    return Cohort.objects.filter(
        status__in=statuses,
        delivery__workshops__day=WorkshopDay.DAY_1,  # one per delivery: no duplicates
        delivery__workshops__date__gte=first_bookable_day_1,
    )


#: A plan that still stands: the cohort a school was planned into, until it runs or is cancelled.
PLAN_STANDING_STATUSES = (CohortStatus.PLANNED, *BOOKABLE_COHORT_STATUSES)


def establishment_planned_cohort(*, establishment: Establishment) -> Cohort | None:
    """The cohort the planning helper planned ``establishment`` into (``cohort_plan_accept``),
    while that plan stands (planned, open or full), the latest phase's first; or None."""
    return (
        establishment.planned_cohorts.filter(status__in=PLAN_STANDING_STATUSES)
        .select_related("delivery")
        .prefetch_related(
            Prefetch("delivery__workshops", queryset=Workshop.objects.order_by("day"))
        )
        .order_by("-phase__start_date", "pk")
        .first()
    )


def planned_cohorts_open_for(*, establishment_ids: list[int], today: date) -> dict[int, Cohort]:
    """{establishment id: the cohort it was planned into}, for those whose planned cohort is
    open for booking (``cohorts_open_for_booking``), each annotated as ``cohorts_annotated``
    (its days, places left). Two queries, however many establishments."""
    pairs = list(
        Cohort.planned_establishments.through.objects.filter(
            establishment_id__in=establishment_ids,
            cohort__in=cohorts_open_for_booking(today=today),
        ).values_list("establishment_id", "cohort_id")
    )
    if not pairs:
        return {}
    cohorts = {
        cohort.pk: cohort
        for cohort in cohorts_annotated(Cohort.objects.filter(pk__in={c for _, c in pairs}))
    }
    return {establishment_id: cohorts[cohort_id] for establishment_id, cohort_id in pairs}


def establishment_active_place(*, establishment: Establishment) -> Place | None:
    """The establishment's one active place, with its cohort and workshops, or None."""
    return (
        Place.objects.filter(establishment=establishment, status__in=ACTIVE_PLACE_STATUSES)
        .select_related(
            "cohort", "cohort__delivery", "cohort__local_authority", "cohort__mhst_area"
        )
        .prefetch_related(
            Prefetch("cohort__delivery__workshops", queryset=Workshop.objects.order_by("day"))
        )
        .first()
    )


def place_waiting_rank(*, place: Place) -> int | None:
    """1 for the first school on its cohort's waiting list, and so on; None if not waiting."""
    if place.status != PlaceStatus.WAITING:
        return None
    return Place.objects.filter(
        cohort_id=place.cohort_id,
        status=PlaceStatus.WAITING,
        waiting_position__lte=place.waiting_position,
    ).count()


def area_interests_to_tell(*, cohort: Cohort) -> QuerySet[AreaInterest]:
    """The schools kept as interested in their area when a waiting list closed, not told yet,
    that can book ``cohort`` (in its LA or MHST area, as ``Cohort.serves``) and hold no place:
    those its opening for booking tells."""
    can_book = Q(pk__in=[])
    if cohort.local_authority_id:
        can_book |= Q(establishment__la_id=cohort.local_authority_id)
    if cohort.mhst_area_id:
        can_book |= Q(establishment__mhst_area_id=cohort.mhst_area_id)
    placed = Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES).values("establishment_id")
    return AreaInterest.objects.filter(can_book, told_at__isnull=True).exclude(
        establishment_id__in=placed
    )


def cohort_waiting_list(*, cohort: Cohort) -> QuerySet[Place]:
    return (
        cohort.places.filter(status=PlaceStatus.WAITING)
        .select_related("establishment")
        .order_by("waiting_position")
    )
