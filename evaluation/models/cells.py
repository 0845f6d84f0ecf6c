"""Report cells: the evaluation reports' figures summed per cohort, audience and time point,
kept current as surveys are answered (``evaluation.cells``), so that a report over many
cohorts adds up a few rows per cohort instead of reading every answer.

A cell is the smallest group any report can single out (``suppression`` rules 3 and 4), so
every figure of a report is a sum of cells. Each row carries the size of the cell(s) it
comes from, so a reader leaves out small cells (rule 3) without a join.
"""

from django.db import models


def _as_worked_out(to: str) -> models.ForeignKey:
    """A phase, LA or MHST area as a cell was worked out with: no database constraint nor
    index, so a cell worked out before a move may name what has since gone, until it is
    worked out again."""
    return models.ForeignKey(
        to, models.DO_NOTHING, null=True, db_constraint=False, db_index=False, related_name="+"
    )


class SurveyCell(models.Model):
    """Invitations and responses of one cohort, audience and time point."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    #: The region of the cohort's LA ("" for none) when the cell was worked out: the
    #: region totals it is counted in.
    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_point = models.CharField(max_length=20)
    #: Invitations sent, by the invitation's cohort, questionnaire audience and time point.
    invited = models.IntegerField(default=0)
    #: Of those, the ones with a submitted response (what response rates count).
    responded = models.IntegerField(default=0)
    #: Submitted responses, by the response's own cohort, audience and time point: the size
    #: of the cell whose answers are pooled only from 5 up (``pooled_responses``).
    submitted = models.IntegerField(default=0)
    #: The cohort's phase, LA and MHST area when the cell was worked out: the rows of a
    #: report's breakdowns it is counted in (``RateTotal``).
    phase = _as_worked_out("cohorts.Phase")
    local_authority = _as_worked_out("schools.LocalAuthority")
    mhst_area = _as_worked_out("schools.MHSTArea")
    #: The MHST area whose row of the programme funnel counts the cohort's cells, when they
    #: were worked out: the cohort's own, or for a cohort organised by LA (none of its own)
    #: the one most of the schools on its roster are in (the lowest id of the most, on a
    #: tie; none if most are in no area). A booking or a school's move of area works the
    #: cohort's cells out again (``evaluation_cells_stale_places``).
    funnel_area = _as_worked_out("schools.MHSTArea")
    #: What ``responded`` counts for in every response figure (``suppression.released_count``,
    #: drawn in the database with the threshold and the key ``CellThreshold`` names), so
    #: that a report sums the cells in SQL.
    released = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "audience", "time_point"], name="survey_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.audience}:{self.time_point}"


class AnswerCell(models.Model):
    """How many submitted responses of one cell gave one answer to one question code: for a
    scale, yes/no or single-choice question, one row per value; for free text, one row
    (value "") counting the written answers."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_point = models.CharField(max_length=20)
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=60, blank=True)
    answers = models.IntegerField()
    #: Submitted responses in the cell (``SurveyCell.submitted``).
    cell_size = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.audience}:{self.time_point}:{self.code}={self.value}"


class PairSums(models.Model):
    """The sums a paired change is worked out from (``stats.paired_change_from_sums``): how
    many pairs, the sums of the scores at each time point, of their differences and of the
    differences squared. They add up over cells, cohorts and areas."""

    pairs = models.IntegerField()
    sum_a = models.FloatField()
    sum_b = models.FloatField()
    sum_d = models.FloatField()
    sum_d2 = models.FloatField()

    class Meta:
        abstract = True


class PairCell(PairSums):
    """The sums behind a paired change from ``time_a`` to ``time_b`` (each order of two time
    points has its rows), for the people of one cohort and audience: of one scored question
    (``code``) or of one outcome (``outcome``: each person's mean over its paired questions,
    the outcome being the question's at ``time_b``, as ``paired_rows`` takes it). The mean
    change and its confidence interval follow from the sums
    (``stats.paired_change_from_sums``), over one cohort or many."""

    cohort = models.ForeignKey("cohorts.Cohort", on_delete=models.CASCADE, related_name="+")
    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_a = models.CharField(max_length=20)
    time_b = models.CharField(max_length=20)
    code = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    #: Submitted responses in the cells at ``time_a`` and at ``time_b``.
    size_a = models.IntegerField()
    size_b = models.IntegerField()
    #: The cohort's LA and funnel area as its survey cells were worked out (``SurveyCell``):
    #: the rows of the funnel its changes are counted in (``PairAreaTotal``).
    local_authority = _as_worked_out("schools.LocalAuthority")
    funnel_area = _as_worked_out("schools.MHSTArea")

    class Meta:
        indexes = [
            models.Index(fields=["time_a", "time_b"], name="pair_cell_times"),
            # The funnel reads each cohort's outcome rows of two time points: from the index
            # alone (they lie scattered across the table: 38,000 pages at 10x).
            models.Index(
                fields=["time_a", "time_b", "audience"],
                include=[
                    "cohort",
                    "outcome",
                    "pairs",
                    "sum_a",
                    "sum_b",
                    "sum_d",
                    "sum_d2",
                    "size_a",
                    "size_b",
                ],
                condition=models.Q(code=""),
                name="pair_cell_outcomes",
            ),
        ]

    def __str__(self) -> str:
        key = self.code or self.outcome
        return f"{self.cohort_id}:{self.audience}:{self.time_a}-{self.time_b}:{key}"


class StaleCohort(models.Model):
    """A cohort whose cells a write has made out of date (database triggers mark it, so no
    writer can forget); the next reader, or the writer itself, works its cells out again."""

    cohort_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"cohort {self.cohort_id}"


class CellThreshold(models.Model):
    """The threshold (``conf.min_cell()``) the region totals were summed with: cells under it
    are left out of them. One row; a report with another threshold sums the cells."""

    min_size = models.IntegerField()
    #: Names the key the survey cells' released counts were drawn with
    #: (``suppression.draw_key_id``); "" before they were.
    key_id = models.CharField(max_length=16, blank=True, db_default="")

    def __str__(self) -> str:
        return f"cells of {self.min_size} or more"


class AnswerTotal(models.Model):
    """``AnswerCell`` summed over every cell of at least the threshold of one region (the
    region of the cohort's LA): a report over whole regions (national, a region's
    coordinator) adds up a few rows instead of one per cohort."""

    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_point = models.CharField(max_length=20)
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=60, blank=True)
    answers = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "audience", "time_point", "code", "kind", "value"],
                name="answer_total_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region}:{self.audience}:{self.time_point}:{self.code}={self.value}"


class PairTotal(PairSums):
    """``PairCell`` summed over the cells of one region with at least the threshold at both
    time points."""

    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_a = models.CharField(max_length=20)
    time_b = models.CharField(max_length=20)
    code = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "audience", "time_a", "time_b", "code", "outcome"],
                name="pair_total_unique",
            )
        ]

    def __str__(self) -> str:
        key = self.code or self.outcome
        return f"{self.region}:{self.audience}:{self.time_a}-{self.time_b}:{key}"


class PairAreaTotal(PairSums):
    """``PairCell``'s outcome rows summed over the cells of one region, LA and funnel area
    with at least the threshold at both time points: the programme funnel's mean changes
    over whole regions add up a few thousand rows, however many cohorts."""

    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_a = models.CharField(max_length=20)
    time_b = models.CharField(max_length=20)
    outcome = models.CharField(max_length=30)
    local_authority = _as_worked_out("schools.LocalAuthority")
    funnel_area = _as_worked_out("schools.MHSTArea")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "region",
                    "audience",
                    "time_a",
                    "time_b",
                    "outcome",
                    "local_authority",
                    "funnel_area",
                ],
                name="pair_area_total_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.region}:{self.audience}:{self.time_a}-{self.time_b}:{self.outcome}:"
            f"{self.local_authority_id}:{self.funnel_area_id}"
        )


class RateTotal(models.Model):
    """``SurveyCell`` with an invitation sent summed over each region, audience, time point,
    phase, LA, MHST area and funnel area, with the threshold ``CellThreshold`` names: the
    response rates of a report or the funnel over whole regions (national, a region's
    coordinator) add up a few thousand rows instead of one per cohort."""

    region = models.CharField(max_length=30, blank=True)
    audience = models.CharField(max_length=20)
    time_point = models.CharField(max_length=20)
    phase = _as_worked_out("cohorts.Phase")
    local_authority = _as_worked_out("schools.LocalAuthority")
    mhst_area = _as_worked_out("schools.MHSTArea")
    funnel_area = _as_worked_out("schools.MHSTArea")
    #: How many cells, their invitations, their released responses, and how many of them
    #: have at least the threshold of responses.
    cells = models.IntegerField()
    invited = models.IntegerField()
    released = models.IntegerField()
    large = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "region",
                    "audience",
                    "time_point",
                    "phase",
                    "local_authority",
                    "mhst_area",
                    "funnel_area",
                ],
                name="rate_total_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.region}:{self.audience}:{self.time_point}:{self.local_authority_id}"
