"""Reads of phases, cohorts and places that pages, services and reports need.

Each returns a queryset already joined and annotated, so a page costs a fixed number of
queries however many rows it shows.
"""

from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKABLE_COHORT_STATUSES,
    ROSTER_STATUSES,
    SEAT_HOLDING_STATUSES,
    AreaInterest,
    Cohort,
    CohortStatus,
    Phase,
    Place,
    PlaceStatus,
    Wave,
    WaveStatus,
)
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from schools.models import Establishment, LocalAuthority, MHSTArea
from workshops.models import Attendance, Workshop, WorkshopDay


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


def _workshop_date(day: int) -> Subquery:
    return Subquery(Workshop.objects.filter(cohort=OuterRef("pk"), day=day).values("date")[:1])


def cohorts_annotated(queryset: QuerySet[Cohort] | None = None) -> QuerySet[Cohort]:
    """Cohorts with ``seats_taken``, ``places_left``, ``waiting_count``, ``day_1_date`` and
    ``day_2_date``, their phase and areas joined."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("phase", "local_authority", "mhst_area")
        .annotate(
            seats_taken=Count("places", filter=Q(places__status__in=SEAT_HOLDING_STATUSES)),
            waiting_count=Count("places", filter=Q(places__status=PlaceStatus.WAITING)),
            day_1_date=_workshop_date(WorkshopDay.DAY_1),
            day_2_date=_workshop_date(WorkshopDay.DAY_2),
        )
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
        .prefetch_related(Prefetch("workshops", queryset=Workshop.objects.order_by("day")))
        .order_by("day_1_date", "name")
    )


def establishment_active_place(*, establishment: Establishment) -> Place | None:
    """The establishment's one active place, with its cohort and workshops, or None."""
    return (
        Place.objects.filter(establishment=establishment, status__in=ACTIVE_PLACE_STATUSES)
        .select_related("cohort", "cohort__local_authority", "cohort__mhst_area")
        .prefetch_related(Prefetch("cohort__workshops", queryset=Workshop.objects.order_by("day")))
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


def _cancelled_by(places: list[Place]) -> dict[int, str]:
    """{place id: who cancelled it} from the places' history (one query): the user who made
    the change, where one did (a school's link and the scheduled jobs sign in as no one)."""
    history = (
        Place.history.filter(id__in=[p.pk for p in places], status=PlaceStatus.CANCELLED)
        .exclude(history_user=None)
        .order_by("history_date")
        .values_list("id", "history_user__username")
    )
    who: dict[int, str] = {}
    for place_id, username in history:
        who.setdefault(place_id, username)
    return who


def cohort_detail(*, cohort: Cohort) -> dict:
    """Everything the cohort page shows, in a fixed number of queries: the roster with each
    place's attendance by day (``place.days``, in workshop order), each workshop's register
    (``workshop.register_places``/``register_professionals``: (row, present) pairs), offers,
    the waiting list, the cancelled places (latest first, each with ``cancelled_by``),
    professionals, the planned schools not yet booked and, while the cohort is planned, the
    schools its opening will tell (``area_interests_to_tell``)."""
    workshops = list(cohort.workshops.order_by("day"))
    attendance = {
        (a.workshop_id, a.place_id or a.professional_id, a.place_id is not None): a.present
        for a in Attendance.objects.filter(workshop__cohort=cohort)
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
    who = _cancelled_by(cancelled) if cancelled else {}
    for place in cancelled:
        place.cancelled_by = who.get(place.pk, "")
    roster = [p for p in places if p.status in ROSTER_STATUSES]
    for place in roster:
        place.days = [attendance.get((w.pk, place.pk, True)) for w in workshops]
    professionals = list(cohort.professionals.order_by("name"))
    for professional in professionals:
        professional.days = [attendance.get((w.pk, professional.pk, False)) for w in workshops]
    for workshop in workshops:
        workshop.register_places = [
            (place, attendance.get((workshop.pk, place.pk, True))) for place in roster
        ]
        workshop.register_professionals = [
            (pro, attendance.get((workshop.pk, pro.pk, False))) for pro in professionals
        ]
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
        "planned": planned,
        "interested": interested,
    }


# --- Where each establishment is in the programme (coordinators' lists and dashboard) -------

PROGRAMME_STATUSES = (
    ("not_invited", _("Not invited")),
    ("invited", _("Invited")),
    ("waiting", _("Waiting list")),
    ("booked", _("Booked")),
    ("completed", _("Completed")),
    ("attended_one_day", _("Attended one day")),
    ("did_not_attend", _("Did not attend")),
)


def _holds_place(*statuses: str) -> Q:
    return Q(pk__in=Place.objects.filter(status__in=statuses).values("establishment_id"))


def programme_status_conditions() -> dict[str, Q]:
    """A filter on Establishment per programme status, each excluding the others. An
    establishment holds at most one active place, so completed, booked and waiting exclude
    each other; one whose cohort finished without it completing ("attended one day", else
    "did not attend") is counted so until it holds a place again; "invited" means an
    invitation was sent (or a place was held once) and no place is held now.

    Each is an IN over a subquery, which PostgreSQL hashes once: the correlated EXISTS it
    replaces took 132 s for the dashboard's counts with 22,000 invitations sent.
    """
    completed = _holds_place(PlaceStatus.COMPLETED)
    booked = _holds_place(PlaceStatus.BOOKED, PlaceStatus.ATTENDED_DAY_1)
    waiting = _holds_place(PlaceStatus.WAITING, PlaceStatus.OFFERED)
    active = completed | booked | waiting
    one_day = _holds_place(PlaceStatus.ATTENDED_ONE_DAY) & ~active
    not_attended = _holds_place(PlaceStatus.DID_NOT_ATTEND) & ~active & ~one_day
    # Invited: sent an invitation, or reached some other way and given a place (by a
    # coordinator, say) at any time: a place cancelled later leaves the school invited.
    invited = Q(
        pk__in=OutgoingEmail.objects.filter(
            kind=EmailKind.INVITATION, status=EmailStatus.SENT, establishment__isnull=False
        ).values("establishment_id")
    ) | Q(pk__in=Place.objects.values("establishment_id"))
    placed = active | one_day | not_attended
    return {
        "not_invited": ~invited & ~placed,
        "invited": invited & ~placed,
        "waiting": waiting,
        "booked": booked,
        "completed": completed,
        "attended_one_day": one_day,
        "did_not_attend": not_attended,
    }


def with_programme_status(queryset: QuerySet[Establishment]) -> QuerySet[Establishment]:
    """Annotate ``programme_status`` (a key of PROGRAMME_STATUSES) in the same query."""
    conditions = programme_status_conditions()
    labels = dict(PROGRAMME_STATUSES)
    order = ("completed", "booked", "waiting", "attended_one_day", "did_not_attend", "invited")
    return queryset.annotate(
        programme_status=Case(
            *(When(conditions[key], then=Value(key)) for key in order),
            default=Value("not_invited"),
            output_field=CharField(),
        ),
        programme_status_label=Case(
            *(When(conditions[key], then=Value(str(labels[key]))) for key in order),
            default=Value(str(labels["not_invited"])),
            output_field=CharField(),
        ),
    )


def establishment_places(*, establishment: Establishment) -> list[Place]:
    """Every place an establishment has held, newest first. Each has ``days``: a list of
    (workshop, present) where present is True, False or None (not recorded)."""
    places = list(
        Place.objects.filter(establishment=establishment)
        .select_related("cohort")
        .prefetch_related(
            Prefetch("cohort__workshops", queryset=Workshop.objects.order_by("day")),
            "attendances",
        )
        .order_by("-created_at")
    )
    for place in places:
        marked = {a.workshop_id: a.present for a in place.attendances.all()}
        place.days = [(w, marked.get(w.pk)) for w in place.cohort.workshops.all()]
    return places


def programme_counts(establishments: QuerySet[Establishment]) -> dict[str, int]:
    """How many of ``establishments`` are invited (ever), waiting, booked, completed, and
    (their cohort finished) attended one day or did not attend, in one aggregate query.
    "Invited" counts every establishment sent an invitation or ever given a place, so it
    never goes down; "booked" counts those holding a place now on a cohort not yet
    completed."""
    conditions = programme_status_conditions()
    invited_ever = (
        conditions["invited"]
        | conditions["waiting"]
        | conditions["booked"]
        | conditions["attended_one_day"]
        | conditions["did_not_attend"]
    )
    return establishments.aggregate(
        invited=Count("pk", filter=invited_ever | conditions["completed"]),
        waiting=Count("pk", filter=conditions["waiting"]),
        booked=Count("pk", filter=conditions["booked"]),
        completed=Count("pk", filter=conditions["completed"]),
        attended_one_day=Count("pk", filter=conditions["attended_one_day"]),
        did_not_attend=Count("pk", filter=conditions["did_not_attend"]),
    )


def sessions_summary(*, scope) -> dict[str, int]:
    """Cohorts (sessions) in scope by stage, in one aggregate query; cancelled ones apart."""
    cohorts = _cohorts_scoped(scope)
    live = ~Q(status=CohortStatus.CANCELLED)
    return cohorts.aggregate(
        planned=Count("pk", filter=live),
        delivered=Count("pk", filter=Q(status=CohortStatus.COMPLETED)),
        running=Count("pk", filter=Q(status=CohortStatus.RUNNING)),
        open=Count("pk", filter=Q(status__in=BOOKABLE_COHORT_STATUSES)),
        cancelled=Count("pk", filter=Q(status=CohortStatus.CANCELLED)),
    )


#: Cohorts whose workshops are still to happen (a completed cohort's are over, whatever the
#: dates say; a cancelled one's will not happen).
LIVE_COHORT_STATUSES = (
    CohortStatus.PLANNED,
    CohortStatus.OPEN,
    CohortStatus.FULL,
    CohortStatus.RUNNING,
)


def workshops_upcoming(*, scope, today: date, days: int = 14, limit: int = 50):
    """Workshop days of live cohorts in scope from ``today`` for ``days`` days, soonest first."""
    cohorts = _cohorts_scoped(scope, Cohort.objects.filter(status__in=LIVE_COHORT_STATUSES))
    return (
        Workshop.objects.filter(
            cohort__in=cohorts, date__gte=today, date__lte=today + timedelta(days=days)
        )
        .select_related("cohort", "cohort__local_authority", "cohort__mhst_area")
        .order_by("date", "start_time")[:limit]
    )


def phases_progress(*, scope) -> QuerySet[Phase]:
    """Phases in scope with their live cohorts, and their places counted: booked, completed,
    and (on cohorts that finished) attended one day or did not attend. Only the cohorts the
    scope may see count (a phase shared with other areas counts none of theirs)."""
    mine = Q() if scope.national else Q(cohorts__in=_cohorts_scoped(scope).values("pk"))
    live_cohorts = mine & ~Q(cohorts__status=CohortStatus.CANCELLED)
    return phases_in_scope(scope=scope).annotate(
        cohorts_planned=Count("cohorts", filter=live_cohorts, distinct=True),
        cohorts_delivered=Count(
            "cohorts", filter=mine & Q(cohorts__status=CohortStatus.COMPLETED), distinct=True
        ),
        places_booked=Count(
            "cohorts__places",
            filter=mine
            & Q(cohorts__places__status__in=(PlaceStatus.BOOKED, PlaceStatus.ATTENDED_DAY_1)),
            distinct=True,
        ),
        places_completed=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.COMPLETED),
            distinct=True,
        ),
        places_attended_one_day=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.ATTENDED_ONE_DAY),
            distinct=True,
        ),
        places_did_not_attend=Count(
            "cohorts__places",
            filter=mine & Q(cohorts__places__status=PlaceStatus.DID_NOT_ATTEND),
            distinct=True,
        ),
    )


def professionals_in_scope(*, scope):
    """Professionals on the cohorts ``scope`` may see, with their cohort."""
    from workshops.models import Professional

    return Professional.objects.select_related("cohort").filter(
        cohort__in=_cohorts_scoped(scope).values("pk")
    )


def waves_in_scope(*, scope) -> QuerySet[Wave]:
    """The waves ``scope`` may list, open and act on: those whose every target lies in its
    areas. National scopes see all of them.

    A wave reaches the LAs and MHST areas chosen for it, or, with none chosen, all of its
    phase's areas. A regional scope covers a wave when it covers each of those areas whole
    (``Scope.whole_local_authorities`` / ``whole_mhst_areas``); a wave that reaches one school
    beyond it (another LA, an MHST area that spans LAs) is a 404, however the phases overlap.
    """
    if scope.national:
        return Wave.objects.all()
    if not scope.has_areas:
        return Wave.objects.none()
    covered_las = LocalAuthority.objects.filter(scope.whole_local_authorities())
    covered_areas = MHSTArea.objects.filter(scope.whole_mhst_areas())
    wave_las = Wave.local_authorities.through.objects.filter(wave=OuterRef("pk"))
    wave_areas = Wave.mhst_areas.through.objects.filter(wave=OuterRef("pk"))
    phase_las = Phase.local_authorities.through.objects.filter(phase=OuterRef("phase"))
    phase_areas = Phase.mhst_areas.through.objects.filter(phase=OuterRef("phase"))
    chosen_covered = ~Exists(wave_las.exclude(localauthority__in=covered_las)) & ~Exists(
        wave_areas.exclude(mhstarea__in=covered_areas)
    )
    phase_covered = (
        (Exists(phase_las) | Exists(phase_areas))
        & ~Exists(phase_las.exclude(localauthority__in=covered_las))
        & ~Exists(phase_areas.exclude(mhstarea__in=covered_areas))
    )
    chose_areas = Exists(wave_las) | Exists(wave_areas)
    return Wave.objects.filter(chosen_covered & (chose_areas | phase_covered))


def waves_in_progress(*, scope) -> list:
    """Waves in scope that are scheduled, sending or paused, or whose emails are still on
    their way, with their progress: a fixed number of queries (at most a handful of waves)."""

    waves = list(
        waves_in_scope(scope=scope)
        .filter(status__in=(WaveStatus.SCHEDULED, WaveStatus.SENDING, WaveStatus.PAUSED))
        .select_related("phase")[:10]
    )
    for wave in waves:
        wave.progress = wave_progress(wave=wave)
    return waves


# --- Invitation waves ------------------------------------------------------------------


def wave_targets(*, wave: Wave) -> QuerySet[Establishment]:
    """Every establishment the wave is for: eligible, in its areas, no place yet."""
    targets = phase_reachable_establishments(phase=wave.phase)
    las, areas = list(wave.local_authorities.all()), list(wave.mhst_areas.all())
    if las or areas:
        targets = targets.filter(Q(la__in=las) | Q(mhst_area__in=areas))
    if wave.type_groups:
        targets = targets.filter(type_group__in=wave.type_groups)
    if wave.mhst_only:
        targets = targets.filter(mhst_area__isnull=False)
    return targets


def wave_remaining(*, wave: Wave) -> QuerySet[Establishment]:
    """Targets with a contact email that this wave has not queued an invitation for yet.

    "Not yet invited" is a NOT IN over the wave's own outbox rows (indexed by wave and kind):
    PostgreSQL hashes it once, where a correlated EXISTS took over a minute at 22,000.
    """
    invited = OutgoingEmail.objects.filter(
        wave_key=wave.wave_key, kind=EmailKind.INVITATION, establishment__isnull=False
    ).values("establishment_id")
    return wave_targets(wave=wave).exclude(contact_email="").exclude(pk__in=invited).order_by("pk")


def wave_progress(*, wave: Wave) -> dict[str, int]:
    """Counts of the wave's emails by state, and its targets, in two aggregate queries."""
    counts = OutgoingEmail.objects.filter(wave_key=wave.wave_key).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=EmailStatus.SENT)),
        failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
        cancelled=Count("pk", filter=Q(status=EmailStatus.CANCELLED)),
        pending=Count(
            "pk",
            filter=Q(status__in=(EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.RETRYING)),
        ),
    )
    counts["targets"] = (
        counts["total"]
        if wave.status in (WaveStatus.SENT, WaveStatus.CANCELLED)
        else counts["total"] + wave_remaining(wave=wave).count()
    )
    done = counts["sent"] + counts["failed"] + counts["cancelled"]
    counts["percent"] = round(100 * done / counts["targets"]) if counts["targets"] else 0
    return counts
