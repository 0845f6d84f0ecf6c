"""Import MHST areas and teams from CSV files (an areas file, a teams file, or both).

All or nothing: a wrong row saves nothing and is listed with what is wrong. The file format
is described in schools/services/mhst.py; tests/schools/data/mhst_2019_20_sample_*.csv are
examples.
"""

from pathlib import Path

from django.core.management.base import CommandError

from core.actors import ActorCommand
from schools.services.mhst import MhstImportError, mhst_import


class Command(ActorCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="areas and/or teams CSV files")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the files and say what would change"
        )

    def handle(self, *args, files, dry_run, **options):
        contents = []
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            contents.append((path.name, path.read_bytes()))
        try:
            report = mhst_import(contents, dry_run=dry_run)
        except MhstImportError as error:
            raise CommandError(str(error)) from None
        for row in report.error_rows:
            self.stderr.write(f"{row.file} row {row.number} ({row.kind} {row.name}): {row.reason}")
        if report.error_rows:
            raise CommandError(
                f"{len(report.error_rows)} rows are wrong; nothing was saved. "
                "Correct them and run the import again."
            )
        prefix = "Dry run, nothing saved. Would be: " if dry_run else ""
        self.stdout.write(prefix + report.summary())
