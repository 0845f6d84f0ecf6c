"""Reads behind the coordinators' evaluation reports, every figure already suppressed.

Every function takes a ``ReportGroup``: the cohorts the report covers (already narrowed to
the user's scope and the report's filters) and the audience (school staff, professionals, or
both). Each runs a fixed number of queries, however many responses there are; the person
behind a response is used only to count response rates and to pair one person's answers.
Only submitted responses count.

Definitions (the report page says the same in plain words):

- **Response rate** at a time point: submitted responses ÷ invitations sent (``sent_at``
  set), for the group, and by phase, region, local authority, MHST area and cohort (of the
  cohort the person was invited with). A cohort's responses for one audience at one time
  point count as 0 or 5 in every figure when they are fewer than 5 (``suppression``, rule 4).
- **Paired change** from time point A (baseline unless chosen) to B: a pair is one person
  (the same place, or the same professional, on the invitation) with a submitted response at
  both. Answers are matched by question ``code``, so a person who answered version 1 at A and
  version 2 at B still pairs. Per scale (1–5) question: the pairs who answered it at both.
  Per outcome: a person's score at A and at B is the mean of their answers to that outcome's
  scale questions answered at both. Reported: pairs, mean at A, mean at B, mean change and
  its 95% confidence interval (``evaluation.stats``).
- **Distribution**: per scale, yes/no and single-choice question, how many respondents gave
  each answer at each time point.
- **Free text**: the written answers, only for users allowed to read them, only where the
  group has at least ``conf.min_cell()`` respondents at that time point and the question at
  least that many written answers, listed in alphabetical order, with nothing beside them.

Suppression (``evaluation.suppression``) is applied here, so a page or an export cannot
forget it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Window

from cohorts.models import Cohort
from evaluation import conf, suppression
from evaluation.models import (
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    Audience,
    Outcome,
    Question,
    QuestionKind,
    Response,
    SurveyInvitation,
    TimePoint,
)
from evaluation.stats import paired_change
from evaluation.suppression import Cell, guarded, suppress_row
from schools.models import Region

#: At most this many written answers are listed per question and time point.
FREE_TEXT_LIMIT = 300
DISTRIBUTION_KINDS = (QuestionKind.LIKERT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)
YES_NO_VALUES = (("yes", "Yes"), ("no", "No"))


@dataclass(frozen=True)
class ReportGroup:
    """Whom a report is about: ``cohorts`` (scoped and filtered) and an ``audience`` value,
    or "" for both audiences."""

    cohorts: QuerySet[Cohort]
    audience: str = ""


def reportable_cohorts(*, scope) -> QuerySet[Cohort]:
    """The cohorts ``scope`` (accounts.scoping) may report on."""
    return scope.apply(
        Cohort.objects.all(),
        la="local_authority",
        mhst_area="mhst_area",
        facilitator="facilitators",
    )


def _audience_q(audience: str, path: str) -> Q:
    return Q(**{f"{path}questionnaire__audience": audience}) if audience else Q()


def pooled_responses() -> QuerySet[Response]:
    """The submitted responses whose answers may be counted in any report: those in a cell
    (one cohort, one audience, one time point) of at least ``conf.min_cell()`` submitted
    responses.

    Every report filter (phase, region, LA, MHST area, cohort, audience) is a union of such
    cells. Suppressing small results alone is not enough: an LA's figures minus those of its
    one large cohort would give away a small cohort's answers, and a cohort's figures minus
    its school staff's would give away its three professionals'. Leaving small cells out of
    every answer-based figure means any such difference is itself a union of cells of at
    least 5 people. Response rates still count everyone (they say who answered, not what),
    a small cell as 0 or 5 (``suppression``, rule 4).
    """
    return (
        Response.objects.filter(submitted_at__isnull=False)
        .annotate(
            cell_size=Window(
                Count("pk"),
                partition_by=[F("cohort_id"), F("questionnaire__audience"), F("time_point")],
            )
        )
        .filter(cell_size__gte=conf.min_cell())
        .values("pk")
    )


def submitted_responses(group: ReportGroup) -> QuerySet[Response]:
    """Submitted responses of the group whose answers can be counted (``pooled_responses``),
    by their own cohort and version, not the invitation."""
    return Response.objects.filter(
        _audience_q(group.audience, ""),
        cohort__in=group.cohorts,
        pk__in=pooled_responses(),
    )


def _group_answers(group: ReportGroup) -> QuerySet[Answer]:
    return Answer.objects.filter(
        _audience_q(group.audience, "response__"),
        response__cohort__in=group.cohorts,
        response__in=pooled_responses(),
    )


# --- Response rates ---------------------------------------------------------------------


@dataclass(frozen=True)
class RateCell:
    """One time point of a row: invitations sent (a count of people asked, not of answers,
    so shown as it is), submitted responses (``suppression.responses``) and the rate in per
    cent, the responses shown over the invitations shown."""

    invited: int
    responded: Cell
    rate: Cell


def _rate_cell(cells: list[suppression.ResponseCell]) -> RateCell:
    invited = sum(cell.invited for cell in cells)
    responded = suppression.responses(cells)
    if responded.hidden:
        return RateCell(invited, responded, Cell(None, responded.reason))
    return RateCell(invited, responded, Cell(round(100 * responded.value / invited)))


def _response_cells(invitations: QuerySet[SurveyInvitation]) -> list[suppression.ResponseCell]:
    """Invitations sent and submitted responses per cohort, audience and time point (one
    query): the cells every response count is made of."""
    rows = (
        invitations.filter(sent_at__isnull=False)
        .values("cohort_id", "questionnaire__audience", "time_point")
        .annotate(
            invited=Count("pk"),
            responded=Count("pk", filter=Q(response__submitted_at__isnull=False)),
        )
        .order_by()
    )
    return [
        suppression.ResponseCell(
            cohort_id=row["cohort_id"],
            audience=row["questionnaire__audience"],
            time_point=row["time_point"],
            responded=row["responded"],
            invited=row["invited"],
        )
        for row in rows
    ]


BREAKDOWNS = (
    ("phase", "By phase", "Phase"),
    ("region", "By region", "Region"),
    ("local_authority", "By local authority", "Local authority"),
    ("mhst_area", "By MHST area", "MHST area"),
    ("cohort", "By cohort", "Cohort"),
)


def _breakdown_keys(cohort: Cohort) -> dict[str, tuple]:
    """(sort key, label) of the cohort's row in each breakdown."""
    la, area, phase = cohort.local_authority, cohort.mhst_area, cohort.phase
    regions = dict(Region.choices)
    region = la.region if la and la.region else ""
    return {
        "phase": ((phase.start_date, phase.name), phase.name),
        "region": ((not region, region), str(regions.get(region, "Region not known"))),
        "local_authority": ((la is None, la.name if la else ""), la.name if la else "No LA"),
        "mhst_area": (
            (area is None, area.name if area else ""),
            area.name if area else "Not in an MHST area",
        ),
        "cohort": ((phase.start_date, cohort.name, cohort.pk), f"{cohort.name} ({phase.name})"),
    }


def response_rates(group: ReportGroup) -> dict:
    """Invited, responded and response rate per time point, for the whole group and by each
    breakdown (two queries). Every responses figure is a sum over the same cells (one cohort,
    one audience, one time point), each counted the same way wherever it appears
    (``suppression.responses``), so no figure less others gives a small cell away."""
    cells = _response_cells(
        SurveyInvitation.objects.filter(_audience_q(group.audience, ""), cohort__in=group.cohorts)
    )
    cohorts = {
        c.pk: c
        for c in Cohort.objects.filter(pk__in={cell.cohort_id for cell in cells}).select_related(
            "phase", "local_authority", "mhst_area"
        )
    }
    time_points = list(TimePoint)
    totals = {tp: [] for tp in time_points}
    grouped = {key: defaultdict(lambda: {tp: [] for tp in time_points}) for key, *_ in BREAKDOWNS}
    labels = {key: {} for key, *_ in BREAKDOWNS}
    for cell in cells:
        tp = TimePoint(cell.time_point)
        totals[tp].append(cell)
        for key, (sort_key, label) in _breakdown_keys(cohorts[cell.cohort_id]).items():
            grouped[key][sort_key][tp].append(cell)
            labels[key][sort_key] = label

    breakdowns = []
    for key, title, column in BREAKDOWNS:
        rows = [
            {
                "label": labels[key][k],
                "cells": [_rate_cell(grouped[key][k][tp]) for tp in time_points],
            }
            for k in sorted(grouped[key])
        ]
        breakdowns.append({"key": key, "title": title, "column": column, "rows": rows})
    total_row = [_rate_cell(totals[tp]) for tp in time_points]
    return {
        "time_points": [(tp.value, str(tp.label)) for tp in time_points],
        "total": total_row,
        "total_rows": [
            (str(tp.label), cell) for tp, cell in zip(time_points, total_row, strict=True)
        ],
        "breakdowns": breakdowns,
    }


def response_rates_summary(*, scope) -> list[dict]:
    """For the dashboard: per time point, invitations sent, submitted responses and the
    response rate in ``scope`` (one query), made of the same cells and counted the same way
    as the reports (``suppression.responses``)."""
    cells = _response_cells(
        SurveyInvitation.objects.filter(cohort__in=reportable_cohorts(scope=scope))
    )
    rows = []
    for tp in TimePoint:
        at = [cell for cell in cells if cell.time_point == tp.value]
        rows.append({"time_point": str(tp.label), "cell": _rate_cell(at)})
    return rows


# --- Questions, by code ------------------------------------------------------------------


def _questions_by_code(codes, *, audience: str = "") -> dict[str, Question]:
    """The newest version's question for each code (one query, choices prefetched)."""
    questions = (
        Question.objects.filter(_audience_q(audience, ""), code__in=set(codes))
        .select_related("questionnaire", "section")
        .prefetch_related("choices")
        .order_by("code", "-questionnaire__version", "-questionnaire__pk")
    )
    newest = {}
    for question in questions:
        newest.setdefault(question.code, question)
    return newest


def _question_order(question: Question) -> tuple:
    return (question.questionnaire.family, question.section.order, question.order)


# --- Paired change ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    """The paired change of one outcome or one question; every figure is hidden when
    fewer than the threshold of pairs."""

    key: str
    label: str
    pairs: Cell
    mean_a: Cell
    mean_b: Cell
    mean_change: Cell
    ci_low: Cell
    ci_high: Cell


def _change_row(key: str, label: str, pairs: list[tuple[float, float]]) -> ChangeRow:
    change = paired_change(pairs)

    def cell(value):
        return guarded(None if value is None else round(value, 3), respondents=change.n)

    return ChangeRow(
        key=key,
        label=label,
        pairs=suppression.count(change.n),
        mean_a=cell(change.mean_a),
        mean_b=cell(change.mean_b),
        mean_change=cell(change.mean_change),
        ci_low=cell(change.ci_low),
        ci_high=cell(change.ci_high),
    )


def paired_changes(group: ReportGroup, *, time_a: str, time_b: str) -> dict:
    """Paired change from ``time_a`` to ``time_b`` per outcome and per scale question.

    One query pairs the answers in the database: one row per person and question code with
    their answer at A and at B (people who answered at only one drop out). Python then takes
    each person's mean per outcome and the statistics; a second query names the questions.
    """
    at_a, at_b = Q(response__time_point=time_a), Q(response__time_point=time_b)
    paired = (
        _group_answers(group)
        .filter(
            question__kind=QuestionKind.LIKERT,
            response__time_point__in=(time_a, time_b),
            number__isnull=False,
        )
        .values(
            "response__invitation__place_id",
            "response__invitation__professional_id",
            "question__code",
        )
        .annotate(
            a=Max("number", filter=at_a),
            b=Max("number", filter=at_b),
            outcome=Max("question__outcome", filter=at_b),
        )
        .filter(a__isnull=False, b__isnull=False)
        .order_by()
    )
    by_code: dict[str, list] = defaultdict(list)
    by_person_outcome: dict[tuple, list] = defaultdict(list)
    for row in paired:
        pair = (row["a"], row["b"])
        by_code[row["question__code"]].append(pair)
        if row["outcome"]:
            person = (
                row["response__invitation__place_id"],
                row["response__invitation__professional_id"],
            )
            by_person_outcome[(row["outcome"], person)].append(pair)
    by_outcome: dict[str, list] = defaultdict(list)
    for (outcome, _person), pairs in by_person_outcome.items():
        by_outcome[outcome].append(
            (
                sum(a for a, _ in pairs) / len(pairs),
                sum(b for _, b in pairs) / len(pairs),
            )
        )
    outcomes = [
        _change_row(outcome.value, str(outcome.label), by_outcome[outcome.value])
        for outcome in Outcome
        if outcome.value in by_outcome
    ]
    questions = _questions_by_code(by_code, audience=group.audience)
    ordered = sorted(
        (code for code in by_code if code in questions),
        key=lambda code: _question_order(questions[code]),
    )
    return {
        "time_a": str(TimePoint(time_a).label),
        "time_b": str(TimePoint(time_b).label),
        "outcomes": outcomes,
        "questions": [_change_row(code, questions[code].text, by_code[code]) for code in ordered],
    }


# --- Distributions of answers -----------------------------------------------------------


def _answer_values(question: Question) -> list[tuple[str, str]]:
    """Every answer a question can have, as (value, label), so that an answer nobody gave
    is a suppressed zero rather than a missing row."""
    if question.kind == QuestionKind.LIKERT:
        values = [(str(n), str(n)) for n in range(LIKERT_MIN, LIKERT_MAX + 1)]
        values[0] = (values[0][0], f"1 ({question.likert_low_label})")
        values[-1] = (values[-1][0], f"{LIKERT_MAX} ({question.likert_high_label})")
        return values
    if question.kind == QuestionKind.YES_NO:
        return list(YES_NO_VALUES)
    return [(choice.value, choice.label) for choice in question.choices.all()]


@dataclass
class Distribution:
    code: str
    text: str
    values: list[tuple[str, str]]
    #: one dict per time point: {"time_point": label, "cells": [Cell], "total": Cell}
    time_points: list[dict] = field(default_factory=list)


def answer_distributions(group: ReportGroup) -> list[Distribution]:
    """How many respondents gave each answer to each scale, yes/no and single-choice
    question at each time point (two queries), suppressed row by row: the row's total is
    the number who answered the question then."""
    counts = (
        _group_answers(group)
        .filter(question__kind__in=DISTRIBUTION_KINDS)
        .values("response__time_point", "question__code", "number", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        value = str(row["number"]) if row["number"] is not None else row["choice"]
        found[(row["question__code"], row["response__time_point"])][value] += row["n"]
    questions = _questions_by_code({code for code, _ in found}, audience=group.audience)
    distributions = []
    for code in sorted(questions, key=lambda c: _question_order(questions[c])):
        question = questions[code]
        values = _answer_values(question)
        known = {value for value, _ in values}
        seen = {v for tp in TimePoint for v in found.get((code, tp.value), {})}
        values += [(v, v) for v in sorted(seen - known)]  # a choice dropped in a later version
        distribution = Distribution(code=code, text=question.text, values=values)
        for tp in TimePoint:
            answers = found.get((code, tp.value))
            if not answers:
                continue
            cells, total = suppress_row([answers.get(value, 0) for value, _ in values])
            distribution.time_points.append(
                {"time_point": str(tp.label), "cells": cells, "total": total}
            )
        distributions.append(distribution)
    return distributions


# --- Free text ----------------------------------------------------------------------------


def free_text_answers(group: ReportGroup) -> list[dict]:
    """Written answers per time point and question, for users allowed to read them: only
    where the group had at least the threshold of respondents at that time point and the
    question that many written answers; in alphabetical order (not the order they came
    in), with nothing else about who wrote them. Two queries."""
    respondents = dict(
        submitted_responses(group).values_list("time_point").annotate(n=Count("pk")).order_by()
    )
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    answers = (
        _group_answers(group)
        .filter(question__kind=QuestionKind.FREE_TEXT)
        .exclude(text="")
        .values_list("response__time_point", "question__code", "text")
        .order_by("response__time_point", "question__code", "text")
    )
    for time_point, code, text in answers.iterator(chunk_size=2000):
        texts[(time_point, code)].append(text)
    questions = _questions_by_code({code for _, code in texts}, audience=group.audience)
    sections = []
    for tp in TimePoint:
        if suppression.is_small(respondents.get(tp.value, 0)):
            continue
        items = []
        for code in sorted(
            (c for t, c in texts if t == tp.value and c in questions),
            key=lambda c: _question_order(questions[c]),
        ):
            written = texts[(tp.value, code)]
            items.append(
                {
                    "code": code,
                    "text": questions[code].text,
                    "count": suppression.count(len(written)),
                    "answers": []
                    if suppression.is_small(len(written))
                    else written[:FREE_TEXT_LIMIT],
                }
            )
        if items:
            sections.append({"time_point": str(tp.label), "questions": items})
    return sections


# --- Anonymised responses -----------------------------------------------------------------

ANONYMISED_KEYS = (
    "time_point",
    "cohort__phase__name",
    "cohort__local_authority__region",
    "questionnaire__audience",
    "questionnaire__family",
    "questionnaire__version",
)
ANONYMISED_HEADER = ("Time point", "Phase", "Region", "Audience", "Questionnaire", "Version")


def anonymised_responses(group: ReportGroup, *, include_free_text: bool) -> list[list]:
    """One row per submitted response (the first row is the header): time point, phase,
    region, audience, questionnaire family and version, then one column per question code.

    No school, cohort, LA, name, invitation or database id. A response whose combination
    of those first columns is shared by fewer than the threshold of responses is left out,
    so no row stands for a group smaller than a report cell. Free-text columns only with
    ``include_free_text``. Rows are sorted by their contents, so their order says nothing
    of when they came in. Four queries.
    """
    responses = submitted_responses(group)
    groups = responses.values(*ANONYMISED_KEYS).annotate(n=Count("pk")).order_by()
    allowed = {
        tuple(row[key] for key in ANONYMISED_KEYS)
        for row in groups
        if not suppression.is_small(row["n"])
    }
    kept = {}
    for pk, *key in responses.values_list("pk", *ANONYMISED_KEYS).iterator(chunk_size=2000):
        if tuple(key) in allowed:
            kept[pk] = key
    kinds = (
        Question.objects.filter(questionnaire__in=responses.values("questionnaire"))
        .values_list("code", "kind")
        .order_by("questionnaire__family", "-questionnaire__version", "section__order", "order")
    )
    codes: dict[str, str] = {}
    for code, kind in kinds:
        if kind != QuestionKind.FREE_TEXT or include_free_text:
            codes.setdefault(code, kind)
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(response__in=responses, question__code__in=list(codes))
        .values_list("response_id", "question__code", "number", "choice", "text")
        .order_by()
    )
    for response_id, code, number, choice, text in rows.iterator(chunk_size=5000):
        if response_id in kept:
            answers[response_id][code] = number if number is not None else (choice or text)
    time_points, regions = dict(TimePoint.choices), dict(Region.choices)
    audiences = dict(Audience.choices)
    body = []
    for pk, (tp, phase, region, audience, family, version) in kept.items():
        given = answers.get(pk, {})
        body.append(
            [
                str(time_points.get(tp, tp)),
                phase,
                str(regions.get(region, "Region not known")),
                str(audiences.get(audience, audience)),
                family,
                version,
                *(given.get(code, "") for code in codes),
            ]
        )
    body.sort(key=lambda row: [str(value) for value in row])
    return [[*ANONYMISED_HEADER, *codes], *body]
