"""Did joint working improve? The CASCADE ratings of online strategic facilitation's
stakeholders (``facilitation.models.ratings``), for the evaluation report beside the cohorts'
figures: response rates at the consultation and the final review, and per CASCADE area the
number who rated it at each, and the paired change from one to the other.

Definitions:

- **Response rate** at a time point: stakeholders who rated ÷ stakeholders asked, over the
  engagements in the report. A cell is one engagement at one time point (the smallest group
  any filter or scope can single out); its count of stakeholders who rated is released by
  ``suppression.released_count`` (rule 4: fewer than 5 counts as 0 or 5, fixed per cell).
  Those asked are shown exactly, as invitations are.
- **Rated** (per area and time point): how many gave the area a rating (not “don't know”),
  counted only from cells of at least ``conf.min_cell()`` who rated (rule 3), and shown only
  when at least that many (rule 1).
- **Paired change** per area: a pair is one stakeholder (the same stakeholder, or the same
  pair key once the link to them went: ``facilitation.rating_retention``) who rated the area
  at both time points. Pairs count only from engagements where at least ``conf.min_cell()``
  stakeholders rated at both (stricter than rule 3, which asks 5 at each time point: an
  engagement's pairs are then never fewer than 5 in any figure, whatever is subtracted from
  it, but for those who said “don't know” about one area). “All seven areas”: a person's
  score at each time point is the mean of the areas they rated at both. Mean at each, mean
  change, its 95% confidence interval (``evaluation.stats``), hidden under 5 pairs.

Three queries, whatever the number of engagements or stakeholders; the engagements come
already scoped (``reportable_engagements``) and filtered (``engagements_filtered``).
"""

from collections import defaultdict

from django.db.models import CharField, Count, Max, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from evaluation import suppression
from evaluation.selectors.outcomes import ChangeRow, _change_row
from evaluation.suppression import Cell
from facilitation.models import CascadeArea, CascadeRating, Engagement, RatingPoint, RatingRequest

FIRST, SECOND = RatingPoint.CONSULTATION.value, RatingPoint.FINAL_REVIEW.value
#: A ``suppression.ResponseCell``'s audience for an engagement's stakeholders: its key is
#: then "<engagement id>:stakeholders:<time point>", never a cohort's (their audiences are
#: school staff and professionals), so each cell has a draw of its own.
AUDIENCE = "stakeholders"
ALL_AREAS = "all"


def reportable_engagements(*, scope) -> QuerySet[Engagement]:
    """The engagements ``scope`` (accounts.scoping) may report on, as the facilitation
    pages show them."""
    return scope.apply(
        Engagement.objects.all(),
        la="local_authority",
        mhst_area="mhst_area",
        icb="icb",
        facilitator="facilitators",
    )


def engagements_filtered(engagements: QuerySet[Engagement], data: dict) -> QuerySet[Engagement]:
    """``engagements`` narrowed by the report's area filters (region, local authority, MHST
    area, from the filter's cleaned data); phase, cohort and audience are the cohorts'."""
    if data.get("region"):
        engagements = engagements.filter(local_authority__region=data["region"])
    if data.get("local_authority"):
        engagements = engagements.filter(local_authority=data["local_authority"])
    if data.get("mhst_area"):
        engagements = engagements.filter(mhst_area=data["mhst_area"])
    return engagements


def _person(path: str = ""):
    """Who rated, as pairs are formed: the request's pair key once the link to the
    stakeholder went, else the stakeholder (``path``: "request__" from a rating)."""
    return Coalesce(
        NullIf(f"{path}pair_key", Value("")),
        Concat(Value("s"), Cast(f"{path}stakeholder_id", CharField())),
        output_field=CharField(),
    )


def _rate(cells: list[suppression.ResponseCell]) -> dict:
    asked = sum(cell.invited for cell in cells)
    rated = suppression.responses(cells)
    rate = rated if rated.hidden else Cell(round(100 * rated.value / asked))
    return {"asked": asked, "rated": rated, "rate": rate}


def _cells(engagements: QuerySet[Engagement]) -> tuple[list, dict[str, set], set]:
    """The response cells (one engagement at one time point), the engagements pooled at
    each time point (rule 3), and those where enough stakeholders rated at both for their
    pairs to count. One query: a row per request."""
    requests = (
        RatingRequest.objects.filter(round__engagement__in=engagements.values("pk"))
        .values_list("round__engagement_id", "round__point", "submitted_at", _person())
        .order_by()
    )
    asked: dict[tuple[int, str], int] = defaultdict(int)
    rated: dict[tuple[int, str], set[str]] = defaultdict(set)
    for engagement_id, point, submitted_at, person in requests:
        asked[(engagement_id, point)] += 1
        if submitted_at is not None:
            rated[(engagement_id, point)].add(person)
    cells = [
        suppression.ResponseCell(key[0], AUDIENCE, key[1], len(rated[key]), n)
        for key, n in sorted(asked.items())
    ]
    pooled: dict[str, set[int]] = {FIRST: set(), SECOND: set()}
    for cell in cells:
        if not cell.small:
            pooled[cell.time_point].add(cell.cohort_id)
    paired = {
        engagement_id
        for engagement_id in pooled[FIRST] & pooled[SECOND]
        if not suppression.is_small(
            len(rated[(engagement_id, FIRST)] & rated[(engagement_id, SECOND)])
        )
    }
    return cells, pooled, paired


def _rated_by_area(pooled: dict[str, set[int]]) -> dict[tuple[str, str], int]:
    """{(time point, area): how many rated it (not "don't know")}, from pooled cells only."""
    if not any(pooled.values()):
        return {}
    in_pooled = Q()
    for point, engagement_ids in pooled.items():
        in_pooled |= Q(
            request__round__point=point, request__round__engagement_id__in=engagement_ids
        )
    rows = (
        CascadeRating.objects.filter(in_pooled, request__submitted_at__isnull=False)
        .filter(score__isnull=False)
        .values_list("request__round__point", "area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(point, area): n for point, area, n in rows}


def _pairs(paired: set[int]) -> dict[str, list[tuple[float, float]]]:
    """Per area (and ``ALL_AREAS``), one (consultation, final review) score per person who
    rated it at both, in the engagements of ``paired``. One query, paired in the database."""
    if not paired:
        return {}
    rows = (
        CascadeRating.objects.filter(
            request__round__engagement_id__in=paired,
            request__submitted_at__isnull=False,
            score__isnull=False,
        )
        .values("request__round__engagement_id", "area", person=_person("request__"))
        .annotate(
            a=Max("score", filter=Q(request__round__point=FIRST)),
            b=Max("score", filter=Q(request__round__point=SECOND)),
        )
        .filter(a__isnull=False, b__isnull=False)
        .order_by()
    )
    by_area: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_person: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for row in rows:
        by_area[row["area"]].append((row["a"], row["b"]))
        by_person[(row["request__round__engagement_id"], row["person"])].append(
            (row["a"], row["b"])
        )
    by_area[ALL_AREAS] = [
        (sum(a for a, _ in scores) / len(scores), sum(b for _, b in scores) / len(scores))
        for scores in by_person.values()
    ]
    return by_area


def cascade_ratings(engagements: QuerySet[Engagement]) -> dict:
    """The CASCADE ratings of ``engagements`` (scoped and filtered), every figure
    suppressed: response rate at each time point, and per area the number who rated it at
    each and the paired change. Three queries."""
    cells, pooled, paired = _cells(engagements)
    rated = _rated_by_area(pooled)
    pairs = _pairs(paired)
    points = list(RatingPoint)
    areas = []
    for area in CascadeArea:
        change: ChangeRow = _change_row(area.value, str(area.label), pairs.get(area.value, []))
        areas.append(
            {
                "area": area.value,
                "label": str(area.label),
                "rated": [suppression.count(rated.get((p.value, area.value), 0)) for p in points],
                "change": change,
            }
        )
    return {
        "time_a": str(RatingPoint.CONSULTATION.label),
        "time_b": str(RatingPoint.FINAL_REVIEW.label),
        "engagements": len({cell.cohort_id for cell in cells}),
        "rates": [
            {"time_point": str(p.label), **_rate([c for c in cells if c.time_point == p.value])}
            for p in points
        ],
        "areas": areas,
        "changes": [row["change"] for row in areas]
        + [_change_row(ALL_AREAS, "All seven areas", pairs.get(ALL_AREAS, []))],
    }
