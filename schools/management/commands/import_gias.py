"""Import or refresh the establishment register from a GIAS extract (edubasealldata*.csv[.gz])."""

import sys
from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from core.actors import ActorCommand
from schools.services.areas import areas_load_reference
from schools.services.gias import GiasFileError
from schools.services.sync import register_import


class Command(ActorCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="GIAS extract: .csv or .csv.gz")
        parser.add_argument(
            "--close-missing",
            action="store_true",
            help="the file lists every open establishment (e.g. an open-only extract): close "
            "those the register holds as open that it omits (refused for a partial file)",
        )
        parser.add_argument(
            "--links",
            type=Path,
            help="GIAS links file (links_edubasealldata*.csv): a closed school the programme "
            "holds moves to its simple successor; others are listed for a person",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import the file even if it is older than the extract last imported",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar, even on a terminal"
        )

    def handle(
        self,
        *args,
        file: Path,
        links: Path | None,
        close_missing: bool,
        force: bool,
        no_progress: bool,
        **options,
    ):
        for path in (file, links):
            if path is not None and not path.is_file():
                raise CommandError(f"{path}: no such file")
        # The register resolves LA codes, so the shipped LA list must be there (idempotent).
        areas_load_reference()
        bar = tqdm(
            total=file.stat().st_size,
            unit="B",
            unit_scale=True,
            desc="Importing",
            disable=no_progress or not sys.stderr.isatty(),
            file=sys.stderr,
        )

        def on_progress(position: int) -> None:
            bar.update(position - bar.n)

        try:
            with bar:
                run, report = register_import(
                    file,
                    links=links,
                    on_progress=on_progress,
                    close_missing=close_missing,
                    force=force,
                )
        except GiasFileError as exc:
            raise CommandError(f"{file} was not imported: {exc}. Nothing was changed.") from None

        for skipped in report.skipped:
            self.stderr.write(f"row {skipped.row}: skipped: {skipped.reason}")
        self.stdout.write(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.skipped)} skipped "
            f"({report.changes} changes)."
        )
        if close_missing:
            self.stdout.write(
                f"{report.closed_missing} open establishments not in the file closed."
            )
        if links is not None:
            self.stdout.write(f"Run: {run.message}.")
        if report.staged:
            self.stdout.write(
                f"{report.staged} changes to establishments the programme holds are held for "
                "review on the register changes page."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{report.eligible} establishments are eligible for the programme.")
        )
