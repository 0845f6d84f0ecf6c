"""Load or refresh England's local authorities and the MHST trailblazer areas (idempotent)."""

from core.actors import ActorCommand
from schools.services.areas import areas_load_reference


class Command(ActorCommand):
    help = __doc__

    def handle(self, *args, **options):
        report = areas_load_reference()
        self.stdout.write(
            f"Local authorities: {report.local_authorities_created} created, "
            f"{report.local_authorities_updated} updated. MHST areas: "
            f"{report.mhst_areas_created} created, {report.mhst_areas_updated} updated."
        )
