"""Writes of the rollout plan: national admins create and edit phases (which areas are
offered the programme when)."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from cohorts.errors import PhaseError
from cohorts.models import Cohort, CohortStatus, Phase
from core.actors import takes_actor
from core.dates import day
from core.validators import field_values_check
from schools.models import LocalAuthority, MHSTArea


@takes_actor
def phase_save(
    *,
    phase: Phase | None = None,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    local_authorities: Iterable[LocalAuthority],
    mhst_areas: Iterable[MHSTArea],
) -> Phase:
    """Create a phase (``phase`` None) or change one, with its areas, all or nothing.

    Refused: an end before the start; a name another phase has; no area at all; and, for
    a change, leaving out an area a live cohort of the phase is planned in (move or cancel
    the cohort first).
    """
    name = " ".join(name.split())
    field_values_check(Phase, error=PhaseError, name=name)
    if not name:
        raise PhaseError("Give the phase a name.")
    if end_date < start_date:
        raise PhaseError(f"The phase must end ({day(end_date)}) on or after it starts.")
    local_authorities, mhst_areas = list(local_authorities), list(mhst_areas)
    if not local_authorities and not mhst_areas:
        raise PhaseError("Choose the local authorities or MHST areas this phase covers.")
    with transaction.atomic():
        others = Phase.objects.filter(name__iexact=name)
        if phase is not None:
            phase = Phase.objects.select_for_update().get(pk=phase.pk)
            others = others.exclude(pk=phase.pk)
        if others.exists():
            raise PhaseError(f"There is already a phase called {name}.", code="name_taken")
        if phase is not None:
            _areas_kept_check(phase, local_authorities, mhst_areas)
        else:
            phase = Phase()
        phase.name, phase.start_date, phase.end_date = name, start_date, end_date
        phase.save()
        phase.local_authorities.set(local_authorities)
        phase.mhst_areas.set(mhst_areas)
    return phase


def _areas_kept_check(phase: Phase, local_authorities, mhst_areas) -> None:
    """Refuse to drop an area that one of the phase's live cohorts is planned in."""
    left_out = Cohort.objects.filter(phase=phase).exclude(status=CohortStatus.CANCELLED)
    kept = Q(local_authority__in=local_authorities) | Q(mhst_area__in=mhst_areas)
    orphan = left_out.exclude(kept).select_related("local_authority", "mhst_area").first()
    if orphan is not None:
        area = (orphan.mhst_area or orphan.local_authority).name
        raise PhaseError(
            f"{orphan.name} is planned in {area} under this phase, so {area} must stay in it. "
            "Move or cancel that cohort first.",
            code="area_in_use",
        )
