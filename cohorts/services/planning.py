"""The cohort planning helper: propose cohorts of up to 20 schools for a phase and area.

A proposal groups the schools a phase can reach that are not yet booked or planned: one
local authority at a time, then by postcode district (the outward code, "NW1" of "NW1 1AA"),
split into as few cohorts as fit, of even size (45 schools make 15 + 15 + 15, not
20 + 20 + 5). Cohorts are named short, after their LA ("Camden", or "Camden 1", "Camden 2"
…), numbered on from the phase's cohorts of that name. Nothing is saved until the
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
from core.validators import field_values_check
from schools.models import Establishment, LocalAuthority, MHSTArea

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


@dataclass
class ProposedCohort:
    """One cohort of a proposal: a name, its area and the establishments planned for it."""

    name: str
    local_authority_id: int | None
    mhst_area_id: int | None
    establishment_ids: list[int]
    districts: list[str] = field(default_factory=list)
    capacity: int = MAX_COHORT_CAPACITY


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
        members = sorted(
            by_la[la], key=lambda s: (_district_key(postcode_district(s.postcode)), s.name)
        )
        start = 0
        sizes = _even_sizes(len(members), size)
        names = cohort_names(la.name, len(sizes), taken=taken)
        for name, chunk_size in zip(names, sizes, strict=True):
            chunk = members[start : start + chunk_size]
            start += chunk_size
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
                )
            )
    return CohortProposal(phase_id=phase.pk, cohorts=proposed, names_taken=taken)


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
        field_values_check(Cohort, error=PlanningError, name=proposed.name.strip())
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
            )
            cohort.planned_establishments.set(proposed.establishment_ids)
            created.append(cohort)
    return created
