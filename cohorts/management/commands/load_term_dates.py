"""Load a local authority's school term dates from a CSV file (term, first_day, last_day)."""

from pathlib import Path

from django.core.management.base import CommandError

from cohorts.errors import TermDatesError
from cohorts.services.terms import term_dates_load
from core.actors import ActorCommand
from schools.models import LocalAuthority


class Command(ActorCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("la_code", help="the LA's 3-digit DfE code, e.g. 860")
        parser.add_argument("file", type=Path, help="CSV: term,first_day,last_day")

    def handle(self, *args, **options):
        try:
            la = LocalAuthority.objects.get(code=options["la_code"])
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No local authority has the code {options['la_code']}.") from None
        try:
            data = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
        try:
            loaded = term_dates_load(local_authority=la, data=data, source=options["file"].name)
        except TermDatesError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{la.name}: {loaded.terms} terms loaded for {', '.join(loaded.school_years)} "
            f"({loaded.replaced} replaced)."
        )
