"""The programme funnel a funder asks for, per region, local authority and MHST area: schools
eligible, invited, booked and attended both workshop days; schools whose attendee responded
at baseline, after the programme and at follow-up; and the mean change per outcome.

Definitions (the funnel page says the same in plain words):

- **Eligible**: establishments the programme is offered to now (``Establishment.objects
  .eligible()``), by their own LA, region and MHST area.
- **Invited**: establishments invited in a wave by any channel (``cohorts.Invitation``) or
  ever given a place, as the dashboard counts them (``cohorts.selectors.programme_counts``),
  by their own area; so a school invited and since closed still counts as invited.
- **Booked**: establishments that have held a place on a cohort's roster (booked, then
  attended or not; not cancelled, not only waiting), by their own area.
- **Attended both days**: those that completed a cohort: their attendee was marked present
  on workshop day 1 and day 2 (``workshops.Attendance``; marking it moves the place to
  "completed", ``cohorts.services.sessions.attendance_mark``), by their own area.

- **Responded**: school staff who submitted the survey at each time point, by the area of
  the cohort they were invited with (usually the school's own; for a cohort with no MHST
  area, the MHST area most of its booked schools are in), every cohort's cells whole in
  one row; each cohort's count is
  ``suppression.responses``'s (rule 4), as in the reports, so the funnel less the report
  gives no small cohort away.
- **Mean change** per outcome, school staff, from baseline to follow-up: as the report's
  paired change (rule 3 pooling, rule 1 threshold on pairs), for the cohorts in the area.

The four counts of schools are of the establishments in the user's areas (for a facilitator,
who has none, the schools placed on the cohorts they run; booked within invited, attended
within booked), read from each establishment's kept programme status
(``cohorts.ProgrammeStatus``, which every write of a place or invitation keeps, checked
against the places after every test), not from the places and attendance themselves.

Counts of schools eligible, invited, booked and attended are shown exactly: they say who
took part in the programme, which coordinators know and the dashboard shows, not what anyone
answered.

On PostgreSQL the responses and the pairs come from the report cells (``evaluation.cells``),
which keep each cohort's row of the funnel as they are worked out (``SurveyCell.funnel_area``:
a booking or a school's move marks an LA-organised cohort's cells stale). A funnel of whole
regions (national; a region's coordinator) adds up the totals the cells keep per region, LA
and funnel area: a few thousand rows, however many cohorts or answers; another funnel (a
facilitator's) adds up its cohorts' cells. About six queries either way. On SQLite, and when
the cells' released counts were drawn with another key, each cohort's row is worked out
from its roster and its figures cell by cell.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cohorts.models import ROSTER_STATUSES, Place, ProgrammeStatusKind
from evaluation import suppression
from evaluation.cells import cells_in_use
from evaluation.filters import DEFAULT_TIME_A, DEFAULT_TIME_B
from evaluation.models import Audience, SurveyInvitation, TimePoint
from evaluation.selectors.cells import funnel_sums, outcome_sums, rate_cells
from evaluation.selectors.groups import ReportGroup, reportable_cohorts, scope_regions
from evaluation.selectors.outcomes import (
    ChangeRow,
    outcome_change_rows,
    outcome_change_rows_from_sums,
    paired_rows,
)
from evaluation.selectors.rates import _response_cells
from evaluation.suppression import Cell
from schools.models import Establishment, LocalAuthority, MHSTArea, Region, eligible_q

AUDIENCE = Audience.SCHOOL_STAFF
STAGES = (
    ("eligible", "Eligible"),
    ("invited", "Invited"),
    ("booked", "Booked"),
    ("attended", "Attended both days"),
)
BREAKDOWNS = (
    ("region", "By region", "Region"),
    ("local_authority", "By local authority", "Local authority"),
    ("mhst_area", "By MHST area", "MHST area"),
)
#: Every programme status but "not invited": invited in a wave, or given a place, at any time.
INVITED_STATUSES = tuple(
    key for key in ProgrammeStatusKind.values if key != ProgrammeStatusKind.NOT_INVITED
)


@dataclass
class FunnelRow:
    """One area's funnel: counts of schools, responses per time point (``Cell``), and one
    ``ChangeRow`` per outcome of the funnel."""

    label: str
    eligible: int = 0
    invited: int = 0
    booked: int = 0
    attended: int = 0
    #: Per time point, the responses of the cells counted here (``suppression``, rule 4).
    at: dict = field(default_factory=dict)
    pairs: list = field(default_factory=list)
    #: Per outcome, [pairs, sum_a, sum_b, sum_d, sum_d2] from the report cells.
    sums: dict = field(default_factory=dict)
    responded: list[Cell] = field(default_factory=list)
    change: list[ChangeRow] = field(default_factory=list)

    @property
    def surveyed(self) -> bool:
        """Whether anyone here was sent a survey: if not, there is no change to report."""
        return any(total.invited for total in self.at.values())

    def add_cell(self, cell: suppression.ResponseCell) -> None:
        self.at.setdefault(cell.time_point, suppression.ResponseSum()).add(cell)

    def add_sums(self, outcome: str, sums) -> None:
        """Add one outcome's [pairs, sum_a, sum_b, sum_d, sum_d2]."""
        kept = self.sums.setdefault(outcome, [0, 0.0, 0.0, 0.0, 0.0])
        for n, value in enumerate(sums):
            kept[n] += value

    def add(self, part: "FunnelRow") -> None:
        """Count ``part``'s responses and pairs here too."""
        for time_point, total in part.at.items():
            self.at.setdefault(time_point, suppression.ResponseSum()).add_sum(total)
        for outcome, sums in part.sums.items():
            self.add_sums(outcome, sums)
        self.pairs.extend(part.pairs)

    def responded_at(self, time_point: str) -> Cell:
        """Responses at one time point (``suppression.responses``); 0 where nobody was sent
        the survey, which says nothing of anyone's answer."""
        total = self.at.get(time_point)
        if total is None or not total.invited:
            return suppression.shown(0)
        return total.figure()

    @property
    def stages(self) -> list[int]:
        return [self.eligible, self.invited, self.booked, self.attended]


def _keys(region, la_id, mhst_area_id) -> dict[str, tuple]:
    return {"region": region or "", "local_authority": la_id, "mhst_area": mhst_area_id}


def _area_fields(la: str) -> tuple[str, ...]:
    """An LA (id, name, region) and MHST area (id, name): an establishment's or a
    cohort's, by the name of its LA field."""
    return (f"{la}_id", f"{la}__name", f"{la}__region", "mhst_area_id", "mhst_area__name")


def _label(key: str, value, names: dict) -> str:
    if key == "region":
        return str(dict(Region.choices).get(value, "Region not known"))
    if value is None:
        return "No LA" if key == "local_authority" else "Not in an MHST area"
    # An LA or area a cell was worked out with that has since gone from the register.
    return names.get((key, value), "No longer in the register")


def _cohort_areas(in_scope, names: dict) -> dict[int, tuple]:
    """Each cohort's row of the funnel, (region, LA id, MHST area id), worked out from the
    cohorts and their rosters, naming what it finds in ``names`` (two queries): for the
    funnel computed cohort by cohort (SQLite; cells not drawn with today's key), as the
    cells keep it (``SurveyCell.funnel_area``)."""
    cohort_keys = {}
    for pk, la_id, la_name, region, area_id, area_name in in_scope.values_list(
        "pk", *_area_fields("local_authority")
    ).order_by():
        cohort_keys[pk] = [region or "", la_id, area_id]
        if la_id:
            names[("local_authority", la_id)] = la_name
        if area_id:
            names[("mhst_area", area_id)] = area_name
    roster = Place.objects.filter(cohort__in=in_scope.values("pk"), status__in=ROSTER_STATUSES)
    # A cohort organised by LA (no MHST area of its own) counts its surveys in the MHST area
    # most of its booked schools are in (the lowest id of the most, on a tie): every cell
    # still goes whole to one row (rule 4 holds).
    by_la = (
        roster.filter(cohort__mhst_area__isnull=True)
        .values_list("cohort_id", "establishment__mhst_area_id", "establishment__mhst_area__name")
        .annotate(n=Count("establishment_id", distinct=True))
        .order_by()
    )
    schools_in_area: dict[int, list] = defaultdict(list)
    for cohort_id, area_id, area_name, n in by_la:
        schools_in_area[cohort_id].append((-n, area_id is None, area_id or 0, area_id))
        if area_id:  # schools from outside the user's areas can make it a row of its own
            names[("mhst_area", area_id)] = area_name
    for cohort_id, areas in schools_in_area.items():
        cohort_keys[cohort_id][2] = min(areas)[-1]
    return {pk: tuple(keys) for pk, keys in cohort_keys.items()}


def _name_areas(names: dict, areas) -> None:
    """Put in ``names`` the LAs and MHST areas of ``areas`` ((region, LA id, area id)) not
    named yet: cohorts counted in an area outside the user's register (at most two
    queries, none when every one is named)."""
    for key, model, at in (
        ("local_authority", LocalAuthority, 1),
        ("mhst_area", MHSTArea, 2),
    ):
        missing = {area[at] for area in areas if area[at] and (key, area[at]) not in names}
        if missing:
            for pk, name in model.objects.filter(pk__in=missing).values_list("pk", "name"):
                names[(key, pk)] = name


def programme_funnel(*, scope, time_a=DEFAULT_TIME_A, time_b=DEFAULT_TIME_B) -> dict:
    """The funnel for ``scope``: the total and a row per region, LA and MHST area, each
    with the stages, responses per time point and the mean change per outcome."""
    in_scope = reportable_cohorts(scope=scope)
    names: dict[tuple, str] = {}
    total = FunnelRow(label="All areas")
    rows: dict[str, dict] = {key: {} for key, *_ in BREAKDOWNS}

    def rows_for(keys: dict) -> list[FunnelRow]:
        found = [total]
        for key, value in keys.items():
            found.append(rows[key].setdefault(value, FunnelRow(label="")))
        return found

    # Every stage from each establishment's kept programme status (``cohorts.ProgrammeStatus``,
    # which the writes keep): one query over the register, however many places, attendance
    # records and invitations the programme has.
    invited = Q(programme__status__in=INVITED_STATUSES)
    if scope.has_areas:
        register = scope.apply(Establishment.objects.all(), la="la", mhst_area="mhst_area")
    else:
        # A facilitator has no areas: the schools placed on the cohorts they run.
        register = Establishment.objects.filter(
            pk__in=Place.objects.filter(cohort__in=in_scope.values("pk")).values("establishment_id")
        )
    establishments = (
        register.filter(eligible_q() | invited)
        .values_list(*_area_fields("la"))
        .annotate(
            eligible=Count("pk", filter=eligible_q()),
            invited=Count("pk", filter=invited),
            booked=Count("pk", filter=Q(programme__has_been_booked=True)),
            attended=Count("pk", filter=Q(programme__status=ProgrammeStatusKind.COMPLETED)),
        )
        .order_by()
    )
    for la_id, la_name, region, area_id, area_name, *stages in establishments:
        if la_id:
            names[("local_authority", la_id)] = la_name
        if area_id:
            names[("mhst_area", area_id)] = area_name
        for target in rows_for(_keys(region, la_id, area_id)):
            for (stage, _), n in zip(STAGES, stages, strict=True):
                setattr(target, stage, getattr(target, stage) + n)

    group = ReportGroup(cohorts=in_scope, audience=AUDIENCE, regions=scope_regions(scope))
    from_sums = cells_in_use()
    # Each cohort's figures are added up per area first (many cohorts share one), then
    # into the rows of that area: (region, LA id, MHST area id) -> its figures.
    by_area: dict[tuple, FunnelRow] = defaultdict(lambda: FunnelRow(label=""))
    summed = funnel_sums(group, time_a=time_a, time_b=time_b) if from_sums else None
    change_rows = outcome_change_rows_from_sums if from_sums else outcome_change_rows
    if summed is not None:
        # The report cells added up per area in the database (from the totals the cells
        # keep, for whole regions): rows per area, however many cohorts and answers (the
        # live pairing read every answer: 40 s at 10x).
        response_totals, outcome_rows = summed
        for area, time_point, response_sum in response_totals:
            by_area[area].at[time_point] = response_sum
        for region, la_id, area_id, outcome, *sums in outcome_rows:
            by_area[(region, la_id, area_id)].add_sums(outcome, sums)
        _name_areas(names, by_area)
    else:
        area_of = _cohort_areas(in_scope, names)
        if from_sums:
            # The cells with released counts not drawn with today's key: each cell drawn here.
            response_cells = rate_cells(group)
            for cohort_id, outcome, *sums in outcome_sums(group, time_a=time_a, time_b=time_b):
                by_area[area_of[cohort_id]].add_sums(outcome, sums)
        else:
            response_cells = _response_cells(
                SurveyInvitation.objects.filter(
                    cohort__in=in_scope.values("pk"), questionnaire__audience=AUDIENCE
                )
            )
            for pair in paired_rows(group, time_a=time_a, time_b=time_b):
                by_area[area_of[pair["response__cohort_id"]]].pairs.append(pair)
        for cell in response_cells:
            by_area[area_of[cell.cohort_id]].add_cell(cell)
    for area, part in by_area.items():
        for target in rows_for(_keys(*area)):
            target.add(part)

    def change_of(row, **kwargs):
        return change_rows(row.sums if from_sums else row.pairs, **kwargs)

    total.change = change_of(total)
    outcomes = [row.key for row in total.change]
    every = [total, *(row for by_key in rows.values() for row in by_key.values())]
    for row in every:
        row.responded = [row.responded_at(tp.value) for tp in TimePoint]
        if row is not total:
            row.change = change_of(row, outcomes=outcomes)
    breakdowns = []
    for key, title, column in BREAKDOWNS:
        labelled = []
        for value, row in rows[key].items():
            row.label = _label(key, value, names)
            labelled.append(row)
        labelled.sort(
            key=lambda row: (
                row.label in ("No LA", "Not in an MHST area", "Region not known"),
                row.label,
            )
        )
        breakdowns.append({"key": key, "title": title, "column": column, "rows": labelled})
    return {
        "stages": [label for _, label in STAGES],
        "time_points": [str(tp.label) for tp in TimePoint],
        "time_a": str(TimePoint(time_a).label),
        "time_b": str(TimePoint(time_b).label),
        "outcomes": [row.label for row in total.change],
        "total": total,
        "breakdowns": breakdowns,
    }
