"""Demo data for `make run`: real local authorities, MHST areas and establishments."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.actors import current_actor
from schools.models import Establishment, MHSTArea, MHSTeam
from schools.services.areas import DATA_DIR, areas_load_reference, mhst_area_assign_establishments
from schools.services.gias import gias_import

DEMO_GIAS_SLICE: Path = DATA_DIR / "demo" / "gias_demo_slice.csv.gz"
SCHOOLS_PER_TEAM = 20


@dataclass
class DemoReport:
    establishments: int = 0
    eligible: int = 0
    local_authorities: int = 0
    mhst_areas: int = 0
    mhst_teams: int = 0
    #: The demo's local authorities: the demo coordinator covers these.
    local_authority_ids: list[int] = field(default_factory=list)


def _demo_teams(areas) -> None:
    """One MHST team per 20 eligible schools of each demo area, as MHSTs are sized."""
    for area in areas:
        schools = list(
            Establishment.objects.eligible()
            .filter(mhst_area=area)
            .order_by("urn")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(schools) - SCHOOLS_PER_TEAM + 1, SCHOOLS_PER_TEAM):
            team, _ = MHSTeam.objects.get_or_create(
                area=area, name=f"{area.name} MHST {start // SCHOOLS_PER_TEAM + 1}"
            )
            team.schools_served.add(*schools[start : start + SCHOOLS_PER_TEAM])


@transaction.atomic
def demo_seed() -> DemoReport:
    """Load areas, the demo GIAS slice, MHST areas and teams and contact emails (the demo
    logins, which the register knows nothing of, are the seed_demo command's).

    Idempotent: a second run changes nothing that the first made.
    """
    areas_load_reference()
    gias_import(path=DEMO_GIAS_SLICE)
    demo_las = Establishment.objects.filter(la__isnull=False).values("la").distinct()
    areas = list(MHSTArea.objects.filter(local_authorities__in=demo_las).distinct())
    for area in areas:
        mhst_area_assign_establishments(area=area)
    _demo_teams(areas)
    # GIAS has no email addresses; the demo gives each eligible school a reserved one,
    # recorded in its history like any other change (a later edit then shows what it was).
    missing = list(Establishment.objects.eligible().filter(contact_email=""))
    for establishment in missing:
        establishment.contact_email = f"mental-health-lead.{establishment.urn}@example.org"
    bulk_update_with_history(
        missing,
        Establishment,
        ["contact_email"],
        batch_size=2000,
        default_change_reason="demo contact emails",
        default_user=current_actor(),
    )

    report = DemoReport()
    report.local_authority_ids = list(demo_las.values_list("la", flat=True))
    report.establishments = Establishment.objects.count()
    report.eligible = Establishment.objects.eligible().count()
    report.local_authorities = demo_las.count()
    report.mhst_areas = len(areas)
    report.mhst_teams = MHSTeam.objects.filter(area__in=areas).count()
    return report
