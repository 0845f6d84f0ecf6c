"""Coordinator pages: every queryset narrowed to the user's scope."""

from datetime import date, timedelta

from django.db.models import (
    Q,
    QuerySet,
)

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    PHONE_CHANGE_PREFIX,
    ROSTER_STATUSES,
    Cohort,
    CohortStatus,
    Phase,
    Place,
    PlaceStatus,
)
from cohorts.selectors.booking import area_interests_to_tell, cohorts_annotated
from schools.models import Establishment, LocalAuthority, MHSTArea
from workshops.models import Attendance, OrganisationType

# --- Coordinator pages: every queryset narrowed to the user's scope ---------------------------


def _cohorts_scoped(scope, queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    return scope.apply(
        Cohort.objects.all() if queryset is None else queryset,
        la="local_authority",
        mhst_area="mhst_area",
        facilitator="facilitators",
    )


def cohorts_in_scope(*, scope) -> QuerySet[Cohort]:
    """The cohorts ``scope`` (accounts.scoping) may see: those in its areas, and those a
    facilitator runs; annotated as ``cohorts_annotated``."""
    return cohorts_annotated(_cohorts_scoped(scope))


def places_in_scope(*, scope) -> QuerySet[Place]:
    return scope.apply(
        Place.objects.select_related("establishment", "cohort"),
        la="cohort__local_authority",
        mhst_area="cohort__mhst_area",
        facilitator="cohort__facilitators",
    )


def wave_area_choices(*, scope) -> tuple[QuerySet[LocalAuthority], QuerySet[MHSTArea]]:
    """The LAs and MHST areas a wave made under ``scope`` may target: only those the scope
    covers whole, so no wave of a regional coordinator reaches a school outside their areas
    (an MHST area that merely touches their LA may span nine others)."""
    return (
        LocalAuthority.objects.filter(scope.whole_local_authorities(), is_current=True).order_by(
            "name"
        ),
        MHSTArea.objects.filter(scope.whole_mhst_areas()).order_by("name"),
    )


def local_authorities_in_scope(*, scope) -> QuerySet[LocalAuthority]:
    """Current LAs a cohort may be planned in: those of the scope's areas that have
    establishments (an LA is matched through its own establishments' LA)."""
    return scope.apply(
        LocalAuthority.objects.filter(is_current=True),
        la="establishments__la",
        mhst_area="mhst_areas",
    ).order_by("name")


def mhst_areas_in_scope(*, scope) -> QuerySet[MHSTArea]:
    return scope.apply(MHSTArea.objects.all(), la="local_authorities", mhst_area="pk").order_by(
        "name"
    )


def phases_in_scope(*, scope) -> QuerySet[Phase]:
    """Phases that reach into the scope's areas, however either side names them: a phase
    is visible when one of its LAs or MHST areas overlaps the scope (an LA coordinator sees
    a phase of the MHST areas covering their LA, an MHST-area coordinator a phase of the LAs
    their area lies in, a regional one both); a facilitator, the phases of their cohorts.

    Seeing a phase lets a coordinator plan cohorts in their own areas under it; it never
    widens what they reach: cohorts, waves and schools stay scoped by their own areas
    (``wave_area_choices``, ``waves_in_scope``).
    """
    phases = Phase.objects.order_by("start_date", "name")
    if scope.national:
        return phases
    reached = Q(
        pk__in=Phase.local_authorities.through.objects.filter(
            localauthority__in=LocalAuthority.objects.filter(scope.overlapping_local_authorities())
        ).values("phase_id")
    ) | Q(
        pk__in=Phase.mhst_areas.through.objects.filter(
            mhstarea__in=MHSTArea.objects.filter(scope.overlapping_mhst_areas())
        ).values("phase_id")
    )
    if scope.facilitator_id:
        run = Cohort.objects.filter(facilitators=scope.facilitator_id)
        reached |= Q(pk__in=run.values("phase"))
    return phases.filter(reached)


def place_move_targets(*, scope, place: Place, today: date) -> tuple[list[Cohort], list[Cohort]]:
    """The cohorts in ``scope`` that ``place`` can move to (open, taking bookings, a place
    left and no waiting list), soonest first: (those in its school's area, those outside).

    Each has ``other_phase``: whether it is in another phase than the place's cohort."""
    first_bookable_day_1 = today + timedelta(days=conf.booking_closes_days())
    targets = (
        cohorts_in_scope(scope=scope)
        .filter(
            status=CohortStatus.OPEN,
            places_left__gt=0,
            waiting_count=0,
            day_1_date__gte=first_bookable_day_1,
        )
        .exclude(pk=place.cohort_id)
        .order_by("day_1_date", "name")
    )
    own, other = [], []
    for cohort in targets:
        cohort.other_phase = cohort.phase_id != place.cohort.phase_id
        (own if cohort.serves(place.establishment) else other).append(cohort)
    return own, other


def phone_booking_schools(*, scope, cohort: Cohort) -> QuerySet[Establishment]:
    """The schools a coordinator may book on ``cohort`` for them: eligible, in the cohort's
    area (``Cohort.serves``) and the user's scope, holding no active place; by name."""
    area = Q(pk__in=[])
    if cohort.local_authority_id:
        area |= Q(la_id=cohort.local_authority_id)
    if cohort.mhst_area_id:
        area |= Q(mhst_area_id=cohort.mhst_area_id)
    placed = Place.objects.filter(status__in=ACTIVE_PLACE_STATUSES).values("establishment_id")
    schools = Establishment.objects.eligible().filter(area).exclude(pk__in=placed)
    return scope.apply(schools, la="la", mhst_area="mhst_area").order_by("name", "urn")


def _coordinators_changes(places: list[Place]) -> tuple[dict[int, str], dict[int, dict]]:
    """From the places' history, in one query: ({place id: who cancelled it}, {place id: the
    latest change a coordinator made for the school by phone: who, why, when}). Only changes
    a user made count (a school's link and the scheduled jobs sign in as no one)."""
    history = (
        Place.history.filter(id__in=[p.pk for p in places], history_user__isnull=False)
        .filter(
            Q(status=PlaceStatus.CANCELLED)
            | Q(history_change_reason__startswith=PHONE_CHANGE_PREFIX)
        )
        .order_by("history_date")
        .values_list(
            "id", "status", "history_user__username", "history_change_reason", "history_date"
        )
    )
    cancelled_by: dict[int, str] = {}
    by_phone: dict[int, dict] = {}
    for place_id, status, username, reason, when in history:
        if status == PlaceStatus.CANCELLED:
            cancelled_by.setdefault(place_id, username)
        if reason and reason.startswith(PHONE_CHANGE_PREFIX):
            by_phone[place_id] = {"who": username, "reason": reason, "when": when}
    return cancelled_by, by_phone


#: The sectors in the room, in the order the register shows them.
SECTORS = (
    ("school", "School staff"),
    (OrganisationType.NHS_CYPMHS, "NHS CYPMHS"),
    (OrganisationType.LOCAL_AUTHORITY, "Local authority"),
    (OrganisationType.VCS, "Voluntary and community sector"),
    (OrganisationType.OTHER, "Other"),
)


def sector_mix(workshop, *, marked: set[int]) -> None:
    """The mix of sectors at ``workshop`` (its ``register_places``/``register_professionals``
    set): those recorded present once its register is marked, else those expected.
    Sets ``workshop.mix`` ([(label, count)]), ``workshop.mix_marked`` and
    ``workshop.no_cypmhs``: no NHS CYPMHS professional present (or expected), which the
    programme exists to prevent: it puts schools and specialist services in one room."""
    workshop.mix_marked = workshop.pk in marked
    counts = dict.fromkeys((key for key, _ in SECTORS), 0)
    for _place, present in workshop.register_places:
        counts["school"] += bool(present) if workshop.mix_marked else 1
    for professional, present in workshop.register_professionals:
        if present or not workshop.mix_marked:
            counts[professional.organisation_type] += 1
    workshop.mix = [(label, counts[key]) for key, label in SECTORS]
    workshop.no_cypmhs = counts[OrganisationType.NHS_CYPMHS] == 0


def cohort_detail(*, cohort: Cohort) -> dict:
    """Everything the cohort page shows, in a fixed number of queries: the roster with each
    place's attendance by day (``place.days``, in workshop order), each workshop's register
    (``workshop.register_places``/``register_professionals``: (row, present) pairs) and mix
    of sectors (``sector_mix``; ``workshop.mix``, ``workshop.no_cypmhs``), offers, the
    waiting list, the cancelled places (latest first, each with ``cancelled_by``), each
    active place's latest change made for it by phone (``by_phone``), professionals, the
    planned schools not yet booked and, while the cohort is planned, the schools its
    opening will tell (``area_interests_to_tell``)."""
    workshops = list(cohort.workshops.order_by("day"))
    attendance = {
        (a.workshop_id, a.participant_id): a.present
        for a in Attendance.objects.filter(workshop__delivery=cohort.delivery_id)
    }
    every_place = list(
        cohort.places.select_related("establishment", "establishment__la").order_by(
            "waiting_position", "establishment__name"
        )
    )
    places = [p for p in every_place if p.status != PlaceStatus.CANCELLED]
    cancelled = sorted(
        (p for p in every_place if p.status == PlaceStatus.CANCELLED),
        key=lambda p: (p.cancelled_at is not None, p.cancelled_at),
        reverse=True,
    )
    who, by_phone = _coordinators_changes(every_place) if every_place else ({}, {})
    for place in cancelled:
        place.cancelled_by = who.get(place.pk, "")
    roster = [p for p in places if p.status in ROSTER_STATUSES]
    for place in places:
        place.by_phone = by_phone.get(place.pk)
    for place in roster:
        place.days = [attendance.get((w.pk, place.participant_id)) for w in workshops]
    professionals = list(cohort.professionals.order_by("name"))
    for professional in professionals:
        professional.days = [attendance.get((w.pk, professional.participant_id)) for w in workshops]
    for workshop in workshops:
        workshop.register_places = [
            (place, attendance.get((workshop.pk, place.participant_id))) for place in roster
        ]
        workshop.register_professionals = [
            (pro, attendance.get((workshop.pk, pro.participant_id))) for pro in professionals
        ]
        sector_mix(workshop, marked={w for w, _ in attendance})
    interested = []
    if cohort.status == CohortStatus.PLANNED:
        interested = list(
            area_interests_to_tell(cohort=cohort)
            .select_related("establishment")
            .order_by("establishment__name")
        )
    placed_ids = {p.establishment_id for p in places}
    planned = [
        e
        for e in cohort.planned_establishments.select_related("la").order_by("name")
        if e.pk not in placed_ids
    ]
    return {
        "workshops": workshops,
        "roster": roster,
        "offered": [p for p in places if p.status == PlaceStatus.OFFERED],
        "waiting": [p for p in places if p.status == PlaceStatus.WAITING],
        "cancelled": cancelled,
        "professionals": professionals,
        # Each sector with its count at each workshop, for the register's table.
        "sector_mix": [
            (label, [w.mix[row][1] for w in workshops]) for row, (_, label) in enumerate(SECTORS)
        ],
        # The workshops without an NHS CYPMHS professional: expected (not yet marked), present.
        "no_cypmhs": {
            "expected": [w.day for w in workshops if w.no_cypmhs and not w.mix_marked],
            "present": [w.day for w in workshops if w.no_cypmhs and w.mix_marked],
        },
        "planned": planned,
        "interested": interested,
    }
