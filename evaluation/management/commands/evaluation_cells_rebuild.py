"""``manage.py evaluation_cells_rebuild``: work out every cohort's report cells again from the
answers (after a bulk load or a repair; the reports keep showing the old cells until the
rebuild commits)."""

from django.core.management.base import BaseCommand

from evaluation.cells import cells_drift, cells_in_use, cells_rebuild
from evaluation.models import AnswerCell, PairCell, SurveyCell


class Command(BaseCommand):
    help = "Work out the evaluation report cells again from every answer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="only report cells that differ from the answers; change nothing",
        )

    def handle(self, *args, check=False, **options):
        if not cells_in_use():
            self.stdout.write("The reports compute live on this database: nothing to do.")
            return
        if check:
            drift = cells_drift()
            for row in drift:
                self.stdout.write(f"differs: {row}")
            self.stdout.write("The cells agree with the answers." if not drift else "")
            if drift:
                raise SystemExit(1)
            return
        cells_rebuild()
        self.stdout.write(
            f"Rebuilt {SurveyCell.objects.count()} survey cells, "
            f"{AnswerCell.objects.count()} answer cells, {PairCell.objects.count()} pair cells."
        )
