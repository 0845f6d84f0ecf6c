"""Load demo data (real LAs, MHST areas and establishments, cohorts, survey answers) and demo
logins; safe to rerun."""

from django.conf import settings
from django.core.management.base import CommandError

from accounts.services import DEMO_LOGINS, demo_users_seed
from cohorts.services.demo import demo_cohorts_seed
from core.actors import ActorCommand
from evaluation.demo import demo_surveys_seed
from facilitation.services.demo import demo_engagements_seed
from schools.models import LocalAuthority
from schools.services.demo import demo_seed


class Command(ActorCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG off (the demo logins have published passwords)",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with published passwords, so it only runs with "
                "DEBUG on (make run). Use --force if this really is a demo site."
            )
        report = demo_seed()
        self.stdout.write(
            f"Demo data: {report.establishments} establishments "
            f"({report.eligible} eligible) in {report.local_authorities} local authorities, "
            f"{report.mhst_areas} MHST areas, {report.mhst_teams} MHST teams."
        )
        existing_users = demo_users_seed(
            coordinator_las=LocalAuthority.objects.filter(pk__in=report.local_authority_ids)
        )
        cohorts = demo_cohorts_seed()
        if cohorts.delivered is not None:
            responses = demo_surveys_seed(delivered=cohorts.delivered, open_cohort=cohorts.open)
            self.stdout.write(
                f"Demo cohorts: {cohorts.delivered} (delivered), {cohorts.open} (open for "
                f"booking) and a planned one; {responses} new survey responses."
            )
        engagements = demo_engagements_seed()
        self.stdout.write(f"Demo engagements of online facilitation: {engagements} new.")
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.role:<22} username {login.username:<14} password {login.password}"
            )
        if existing_users:
            self.stdout.write(
                f"  ({', '.join(existing_users)} existed already; their passwords were "
                "left as they were)"
            )
