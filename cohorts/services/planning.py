"""The cohort planning helper: propose cohorts of up to 20 schools for a phase and area.

A proposal groups the schools a phase can reach that are not yet booked or planned, one
local authority at a time (never across the LA or MHST area chosen), into as few cohorts as
fit, of even size (45 schools make 15 + 15 + 15, not 20 + 20 + 5), by distance: GIAS gives
each establishment's Easting and Northing (British National Grid, metres), and the schools
are clustered so each travels little to its cohort's centre (``distance_groups``: a
capacitated k-means). Schools without coordinates join the cohort with room where most of
their postcode district is, and are named; an LA where no school has coordinates is grouped
by postcode district (the outward code, "NW1" of "NW1 1AA") as before. Cohorts are named
short, after their LA ("Camden", or "Camden 1", "Camden 2" …), numbered on from the phase's
cohorts of that name. Each gets a suggested venue (``venue_suggest``): the directory venue of
its area nearest its schools' centre, if one is within reach, else the school nearest that
centre; accepting the plan makes it the cohort's venue. Nothing is saved until the
coordinator, having edited it, accepts it.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from cohorts.errors import PlanningError
from cohorts.models import MAX_COHORT_CAPACITY, Cohort, CohortStatus, Phase
from cohorts.selectors import phase_reachable_establishments
from core.actors import takes_actor
from core.validators import field_values_check
from schools.models import Establishment, LocalAuthority, MHSTArea
from workshops.models import Venue

_DISTRICT = re.compile(r"^([A-Z]+)(\d+)([A-Z]?)$")


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("NW1 1AA" → "NW1", "sw1a1aa" → "SW1A")."""
    compact = postcode.replace(" ", "").upper()
    if not compact:
        return ""
    if " " in postcode.strip():
        return postcode.strip().split()[0].upper()
    return compact[:-3] if len(compact) > 4 else compact


def _district_key(district: str) -> tuple:
    """Sorts NW2 before NW10."""
    match = _DISTRICT.match(district)
    if not match:
        return (district, 0, "")
    letters, number, suffix = match.groups()
    return (letters, int(number), suffix)


def districts_in_order(districts: Iterable[str]) -> list[str]:
    """The distinct postcode districts given, blanks left out, NW2 before NW10."""
    return sorted(set(districts) - {""}, key=_district_key)


def cohort_names(base: str, count: int, *, taken: Iterable[str] = ()) -> list[str]:
    """``count`` names for cohorts in the area ``base``: "Camden" for one, else "Camden 1",
    "Camden 2" …; numbered on past any of those in ``taken`` (a plain "Camden" counts as
    "Camden 1"), so a phase never has two cohorts of one name."""
    numbered = re.compile(rf"{re.escape(base)} (\d+)")
    used = {int(m.group(1)) for name in taken if (m := numbered.fullmatch(name))}
    if base in taken:
        used.add(1)
    if count == 1 and not used:
        return [base]
    names: list[str] = []
    number = 0
    while len(names) < count:
        number += 1
        if number not in used:
            names.append(f"{base} {number}")
    return names


# --- Grouping by distance --------------------------------------------------------------------

Point = tuple[int, float, float]  # (id, easting, northing)


@dataclass(frozen=True)
class Spread:
    """How far a cohort's schools are from its centre, and the school nearest that centre
    (the suggested venue when no directory venue is within reach: ``venue_suggest``)."""

    mean_km: float
    max_km: float
    centre: tuple[float, float]
    nearest_id: int


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _centre(points: Sequence[Point]) -> tuple[float, float]:
    return (
        sum(p[1] for p in points) / len(points),
        sum(p[2] for p in points) / len(points),
    )


def group_spread(points: Sequence[Point]) -> Spread | None:
    """The spread of one group of schools with coordinates (None for none)."""
    if not points:
        return None
    centre = _centre(points)
    distances = [(_distance((p[1], p[2]), centre), p[0]) for p in points]
    return Spread(
        mean_km=sum(d for d, _ in distances) / len(distances) / 1000,
        max_km=max(d for d, _ in distances) / 1000,
        centre=centre,
        nearest_id=min(distances)[1],
    )


def _capacitated_assign(
    points: Sequence[Point], centres: list[tuple[float, float]], capacity: int
) -> list[int]:
    """Each point's centre: nearest first, no centre over ``capacity`` (greedy over all
    point-centre pairs by distance, so the closest pairs are honoured first)."""
    pairs = sorted(
        (_distance((p[1], p[2]), c), i, j)
        for i, p in enumerate(points)
        for j, c in enumerate(centres)
    )
    assigned = [-1] * len(points)
    load = [0] * len(centres)
    left = len(points)
    for _, i, j in pairs:
        if assigned[i] == -1 and load[j] < capacity:
            assigned[i], load[j] = j, load[j] + 1
            left -= 1
            if not left:
                break
    return assigned


def distance_groups(points: Sequence[Point], size: int, *, rounds: int = 30) -> list[list[int]]:
    """The points' ids in groups of at most ``size``, as few groups as fit and of even size,
    each gathered round its centre. Deterministic: the first centres are spread out by
    farthest-first from the point furthest from the middle, then centres and assignment are
    refined together (at most ``rounds`` times) until nothing moves."""
    if not points:
        return []
    count = math.ceil(len(points) / size)
    capacity = math.ceil(len(points) / count)
    middle = _centre(points)
    ordered = sorted(points, key=lambda p: (-_distance((p[1], p[2]), middle), p[0]))
    centres = [(ordered[0][1], ordered[0][2])]
    while len(centres) < count:
        far = max(
            ordered,
            key=lambda p: (min(_distance((p[1], p[2]), c) for c in centres), -p[0]),
        )
        centres.append((far[1], far[2]))
    assigned: list[int] = []
    for _ in range(rounds):
        again = _capacitated_assign(points, centres, capacity)
        if again == assigned:
            break
        assigned = again
        centres = [
            _centre([p for p, a in zip(points, assigned, strict=True) if a == j] or [points[0]])
            for j in range(count)
        ]
    groups = [
        sorted(p[0] for p, a in zip(points, assigned, strict=True) if a == j) for j in range(count)
    ]
    # West to east, then south to north, so "Camden 1" is where a reader expects it.
    return sorted(
        (g for g in groups if g),
        key=lambda g: _centre([p for p in points if p[0] in set(g)]),
    )


# --- Suggesting a venue ----------------------------------------------------------------------

#: A directory venue is suggested when it is no further from the centre of a cohort's schools
#: than the furthest of them, but at least this far (a tight cluster still has a venue near
#: it) and at most this far (a scattered one is not sent across a county), in km.
VENUE_REACH_MIN_KM = 3.0
VENUE_REACH_MAX_KM = 15.0


@dataclass(frozen=True)
class VenueSuggestion:
    """Where a proposed cohort could meet: a directory venue (``venue_id``) or, failing one
    within reach, the school nearest the centre (``establishment_id``)."""

    name: str
    address: str
    km: float
    venue_id: int | None = None
    establishment_id: int | None = None

    @property
    def from_directory(self) -> bool:
        return self.venue_id is not None


def venue_reach_km(spread: Spread) -> float:
    return min(max(spread.max_km, VENUE_REACH_MIN_KM), VENUE_REACH_MAX_KM)


def venue_suggest(
    *,
    spread: Spread | None,
    venues: Iterable[Venue],
    local_authority_id: int | None,
    mhst_area_id: int | None,
    schools: dict[int, Establishment],
) -> VenueSuggestion | None:
    """The venue for a cohort whose schools spread as ``spread``: the nearest of ``venues``
    in its area (its LA or its MHST area) with a position, within reach
    (``venue_reach_km``), else the school nearest the centre (from ``schools``, by id).
    None for a cohort none of whose schools has a position."""
    if spread is None:
        return None
    reach = venue_reach_km(spread)
    in_area = [
        venue
        for venue in venues
        if venue.easting is not None
        and (
            (local_authority_id and venue.local_authority_id == local_authority_id)
            or (mhst_area_id and venue.mhst_area_id == mhst_area_id)
        )
    ]
    nearest = min(
        (
            (_distance((v.easting, v.northing), spread.centre) / 1000, v.name, v.pk, v)
            for v in in_area
        ),
        default=None,
    )
    if nearest is not None and nearest[0] <= reach:
        km, _, _, venue = nearest
        return VenueSuggestion(
            name=venue.name, address=venue.full_address, km=km, venue_id=venue.pk
        )
    school = schools.get(spread.nearest_id)
    if school is None:
        return None
    return VenueSuggestion(
        name=school.name,
        address=", ".join(part for part in (school.town, school.postcode) if part),
        km=_distance((school.easting, school.northing), spread.centre) / 1000,
        establishment_id=school.pk,
    )


@dataclass
class ProposedCohort:
    """One cohort of a proposal: a name, its area and the establishments planned for it."""

    name: str
    local_authority_id: int | None
    mhst_area_id: int | None
    establishment_ids: list[int]
    districts: list[str] = field(default_factory=list)
    capacity: int = MAX_COHORT_CAPACITY
    #: Schools placed by postcode district because GIAS gives no coordinates for them.
    without_coordinates: list[int] = field(default_factory=list)
    #: Where it meets, once accepted: the suggested venue (``venue_suggest``), or none.
    venue_name: str = ""
    venue_address: str = ""


@dataclass
class CohortProposal:
    phase_id: int
    cohorts: list[ProposedCohort]
    #: Names of the phase's cohorts already planned, so more can be named around them.
    names_taken: set[str] = field(default_factory=set)

    @property
    def establishment_count(self) -> int:
        return sum(len(c.establishment_ids) for c in self.cohorts)


def _even_sizes(total: int, most: int) -> list[int]:
    count = math.ceil(total / most)
    return [total // count + (1 if i < total % count else 0) for i in range(count)]


def _by_district(members: list[Establishment], size: int) -> list[list[Establishment]]:
    """The postcode-district method: sorted by district, cut into even chunks."""
    members = sorted(members, key=lambda s: (_district_key(postcode_district(s.postcode)), s.name))
    groups, start = [], 0
    for chunk_size in _even_sizes(len(members), size):
        groups.append(members[start : start + chunk_size])
        start += chunk_size
    return groups


def _group(members: list[Establishment], size: int) -> tuple[list[list[Establishment]], set]:
    """One LA's schools in cohorts: by distance where GIAS gives coordinates, the rest
    joining the cohort with room where most of their postcode district is. Returns the
    groups and the ids of the schools placed by postcode."""
    located = [s for s in members if s.easting and s.northing]
    if not located:
        return _by_district(members, size), set()
    count = math.ceil(len(members) / size)
    capacity = math.ceil(len(members) / count)
    by_id = {s.pk: s for s in located}
    points = [(s.pk, float(s.easting), float(s.northing)) for s in located]
    # As many groups as the whole LA needs, so the schools without coordinates fit too.
    groups = [[by_id[pk] for pk in ids] for ids in distance_groups(points, min(size, capacity))]
    while len(groups) < count:
        groups.append([])
    unlocated = sorted(
        (s for s in members if not (s.easting and s.northing)),
        key=lambda s: (_district_key(postcode_district(s.postcode)), s.name),
    )
    for school in unlocated:
        district = postcode_district(school.postcode)
        room = [g for g in groups if len(g) < capacity]
        best = max(
            room,
            key=lambda g: (
                sum(postcode_district(m.postcode) == district for m in g),
                -len(g),
            ),
        )
        best.append(school)
    return [g for g in groups if g], {s.pk for s in unlocated}


def _unplanned(queryset):
    return queryset.exclude(
        planned_cohorts__in=Cohort.objects.exclude(status=CohortStatus.CANCELLED)
    )


def cohort_plan_propose(
    *,
    phase: Phase,
    local_authority: LocalAuthority | None = None,
    mhst_area: MHSTArea | None = None,
    size: int = MAX_COHORT_CAPACITY,
    within: QuerySet[Establishment] | None = None,
) -> CohortProposal:
    """Propose cohorts of at most ``size`` schools among those ``phase`` can reach (in
    ``local_authority`` and/or ``mhst_area`` if given, and among ``within`` if given: a
    coordinator's scope) that have no active place and are not planned for another cohort
    already. Each proposed cohort's capacity is ``size``."""
    if not 1 <= size <= MAX_COHORT_CAPACITY:
        raise PlanningError(f"A cohort takes between 1 and {MAX_COHORT_CAPACITY} schools.")
    schools = _unplanned(phase_reachable_establishments(phase=phase))
    if within is not None:
        schools = schools.filter(pk__in=within.values("pk"))
    if local_authority is not None:
        schools = schools.filter(la=local_authority)
    if mhst_area is not None:
        schools = schools.filter(mhst_area=mhst_area)
    by_la: dict[LocalAuthority, list[Establishment]] = defaultdict(list)
    for school in schools:
        by_la[school.la].append(school)
    taken = set(phase.cohorts.values_list("name", flat=True))

    proposed: list[ProposedCohort] = []
    for la in sorted(by_la, key=lambda la: la.name):
        groups, placed_by_postcode = _group(by_la[la], size)
        names = cohort_names(la.name, len(groups), taken=taken)
        for name, chunk in zip(names, groups, strict=True):
            areas = {s.mhst_area_id for s in chunk}
            area_id = mhst_area.pk if mhst_area else (areas.pop() if len(areas) == 1 else None)
            proposed.append(
                ProposedCohort(
                    name=name,
                    local_authority_id=la.pk,
                    mhst_area_id=area_id,
                    establishment_ids=[s.pk for s in chunk],
                    districts=districts_in_order(postcode_district(s.postcode) for s in chunk),
                    capacity=size,
                    without_coordinates=[s.pk for s in chunk if s.pk in placed_by_postcode],
                )
            )
    return CohortProposal(phase_id=phase.pk, cohorts=proposed, names_taken=taken)


@takes_actor
def cohort_plan_accept(*, phase: Phase, cohorts: Sequence[ProposedCohort]) -> list[Cohort]:
    """Create a planned cohort for each (possibly edited) proposed cohort, with its capacity,
    recording the establishments it was planned for (no more than its capacity). All or
    nothing: a problem anywhere saves none."""
    if not cohorts:
        raise PlanningError("The plan has no cohorts to create.")
    seen: set[int] = set()
    for proposed in cohorts:
        if not proposed.name.strip():
            raise PlanningError("Every cohort in the plan needs a name.")
        field_values_check(
            Cohort, error=PlanningError, name=proposed.name.strip(), venue_name=proposed.venue_name
        )
        if proposed.local_authority_id is None and proposed.mhst_area_id is None:
            raise PlanningError(f"{proposed.name} needs a local authority or an MHST area.")
        if not proposed.establishment_ids:
            raise PlanningError(f"{proposed.name} has no establishments.")
        if len(proposed.establishment_ids) > MAX_COHORT_CAPACITY:
            raise PlanningError(
                f"{proposed.name} has {len(proposed.establishment_ids)} establishments; "
                f"a cohort takes at most {MAX_COHORT_CAPACITY}."
            )
        if not 1 <= proposed.capacity <= MAX_COHORT_CAPACITY:
            raise PlanningError(
                f"{proposed.name}: a cohort takes between 1 and {MAX_COHORT_CAPACITY} schools."
            )
        if len(proposed.establishment_ids) > proposed.capacity:
            raise PlanningError(
                f"{proposed.name} has {len(proposed.establishment_ids)} establishments but a "
                f"capacity of {proposed.capacity}: raise its capacity or move schools out."
            )
        twice = seen.intersection(proposed.establishment_ids)
        if twice:
            raise PlanningError(
                f"{proposed.name} repeats establishments planned in another cohort."
            )
        seen.update(proposed.establishment_ids)

    with transaction.atomic():
        reachable = set(
            _unplanned(phase_reachable_establishments(phase=phase))
            .filter(pk__in=seen)
            .values_list("pk", flat=True)
        )
        if missing := seen - reachable:
            names = ", ".join(
                Establishment.objects.filter(pk__in=missing)
                .order_by("name")
                .values_list("name", flat=True)[:5]
            )
            raise PlanningError(
                f"{len(missing)} establishments can no longer be planned in {phase.name} "
                f"(booked, planned elsewhere or outside its areas): {names}."
            )
        created = []
        for proposed in cohorts:
            cohort = Cohort.objects.create(
                phase=phase,
                name=proposed.name.strip(),
                local_authority_id=proposed.local_authority_id,
                mhst_area_id=proposed.mhst_area_id,
                capacity=proposed.capacity,
                venue_name=proposed.venue_name.strip()[:200],
                venue_address=proposed.venue_address.strip(),
            )
            cohort.planned_establishments.set(proposed.establishment_ids)
            created.append(cohort)
    return created
