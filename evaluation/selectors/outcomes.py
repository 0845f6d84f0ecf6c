"""What changed: paired change per outcome and scale question, answer distributions and
free text, every figure suppressed."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from evaluation import suppression
from evaluation.cells import cells_in_use
from evaluation.models import (
    LIKERT_MAX,
    LIKERT_MIN,
    Answer,
    Choice,
    Outcome,
    Question,
    QuestionKind,
    TimePoint,
)
from evaluation.selectors import cells
from evaluation.selectors.groups import (
    ReportGroup,
    _audience_q,
    _group_answers,
    respondent,
    submitted_responses,
)
from evaluation.stats import PairedChange, paired_change, paired_change_from_sums
from evaluation.suppression import Cell, guarded, suppress_row

#: At most this many written answers are listed per question and time point.
FREE_TEXT_LIMIT = 300
DISTRIBUTION_KINDS = (QuestionKind.LIKERT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)
YES_NO_VALUES = (("yes", "Yes"), ("no", "No"))
#: The kinds of question whose answers can carry a score (a single choice only if scored).
SCORED_KINDS = (QuestionKind.LIKERT, QuestionKind.SINGLE_CHOICE)


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
    return _row(key, label, paired_change(pairs))


def _row(key: str, label: str, change: PairedChange) -> ChangeRow:
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


def _scored_answers(group: ReportGroup):
    """The group's answers that carry a score: a scale answer's number, or a single-choice
    answer's choice's ``score`` (choices in an order, such as how often a school was in
    contact with CYPMHS). Unscored choices and other kinds are left out."""
    # The scored choices are few (one query): a CASE in the row costs nothing, where a
    # subquery per answer (repeated in the filter and each aggregate) cost seconds.
    scored = Choice.objects.filter(score__isnull=False).values_list("question_id", "value", "score")
    choice_score = Case(
        *(When(question_id=q, choice=v, then=Value(score)) for q, v, score in scored),
        default=None,
        output_field=IntegerField(),
    )
    return (
        _group_answers(group)
        .filter(question__kind__in=SCORED_KINDS)
        .annotate(score=Coalesce("number", choice_score, output_field=IntegerField()))
        .filter(score__isnull=False)
    )


def paired_rows(group: ReportGroup, *, time_a: str, time_b: str):
    """One row per person and question code answered with a score at both ``time_a`` and
    ``time_b``: participant, cohort, code, outcome (the later version's), a and b. One query,
    paired in the database; people who answered at only one drop out."""
    at_a, at_b = Q(response__time_point=time_a), Q(response__time_point=time_b)
    return (
        _scored_answers(group)
        .filter(response__time_point__in=(time_a, time_b))
        .values(
            "response__cohort_id",
            "question__code",
            respondent=respondent("response__invitation__"),
        )
        .annotate(
            a=Max("score", filter=at_a),
            b=Max("score", filter=at_b),
            outcome=Max("question__outcome", filter=at_b),
        )
        .filter(a__isnull=False, b__isnull=False)
        .order_by()
    )


def outcome_pairs(rows) -> dict[str, list[tuple[float, float]]]:
    """Per outcome, one (score at A, score at B) per person: the mean of their paired
    answers to that outcome's questions."""
    by_person_outcome: dict[tuple, list] = defaultdict(list)
    for row in rows:
        if row["outcome"]:
            person = row["respondent"]
            by_person_outcome[(row["outcome"], person)].append((row["a"], row["b"]))
    by_outcome: dict[str, list] = defaultdict(list)
    for (outcome, _person), pairs in by_person_outcome.items():
        by_outcome[outcome].append(
            (
                sum(a for a, _ in pairs) / len(pairs),
                sum(b for _, b in pairs) / len(pairs),
            )
        )
    return by_outcome


def outcome_change_rows(rows, *, outcomes=None) -> list[ChangeRow]:
    """The paired change of each outcome with pairs in ``rows`` (``paired_rows``), in the
    order of ``Outcome``; or of each of ``outcomes`` (values), pairs or none."""
    by_outcome = outcome_pairs(rows)
    wanted = [o for o in Outcome if (o.value in by_outcome if outcomes is None else o in outcomes)]
    return [
        _change_row(outcome.value, str(outcome.label), by_outcome.get(outcome.value, []))
        for outcome in wanted
    ]


def outcome_change_rows_from_sums(sums: dict[str, list], *, outcomes=None) -> list[ChangeRow]:
    """``outcome_change_rows`` from the sums of the pairs per outcome (``selectors.cells``:
    [pairs, sum_a, sum_b, sum_d, sum_d2])."""
    wanted = [o for o in Outcome if (o.value in sums if outcomes is None else o in outcomes)]
    rows = []
    for outcome in wanted:
        if outcome.value in sums:
            n, sum_a, sum_b, sum_d, sum_d2 = sums[outcome.value]
            change = paired_change_from_sums(
                n=n, sum_a=sum_a, sum_b=sum_b, sum_d=sum_d, sum_d2=sum_d2
            )
        else:
            change = paired_change([])
        rows.append(_row(outcome.value, str(outcome.label), change))
    return rows


def paired_changes(group: ReportGroup, *, time_a: str, time_b: str) -> dict:
    """Paired change from ``time_a`` to ``time_b`` per outcome and per scored question (a
    scale, or choices in an order with their scores).

    From the report cells (``selectors.cells.pair_sums``: one query, however many answers),
    or live: one query pairs the answers in the database (``paired_rows``), Python then takes
    each person's mean per outcome and the statistics. A second query names the questions.
    """
    if cells_in_use():
        by_code, by_outcome = cells.pair_sums(group, time_a=time_a, time_b=time_b)
    else:
        rows = list(paired_rows(group, time_a=time_a, time_b=time_b))
        pairs: dict[str, list] = defaultdict(list)
        for row in rows:
            pairs[row["question__code"]].append((row["a"], row["b"]))
        by_code = {code: paired_change(found) for code, found in pairs.items()}
        by_outcome = {key: paired_change(found) for key, found in outcome_pairs(rows).items()}
    questions = _questions_by_code(by_code, audience=group.audience)
    ordered = sorted(
        (code for code in by_code if code in questions),
        key=lambda code: _question_order(questions[code]),
    )
    return {
        "time_a": str(TimePoint(time_a).label),
        "time_b": str(TimePoint(time_b).label),
        "outcomes": [
            _row(outcome.value, str(outcome.label), by_outcome[outcome.value])
            for outcome in Outcome
            if outcome.value in by_outcome
        ],
        "questions": [_row(code, questions[code].text, by_code[code]) for code in ordered],
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


def _answer_counts(group: ReportGroup):
    """(time point, code, value, respondents) of the distribution's questions: from the
    report cells, or live from the answers."""
    if cells_in_use():
        return cells.answer_counts(group, kinds=DISTRIBUTION_KINDS)
    counts = (
        _group_answers(group)
        .filter(question__kind__in=DISTRIBUTION_KINDS)
        .values_list("response__time_point", "question__code", "number", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (time_point, code, choice if number is None else str(number), n)
        for time_point, code, number, choice, n in counts
    ]


def answer_distributions(group: ReportGroup) -> list[Distribution]:
    """How many respondents gave each answer to each scale, yes/no and single-choice
    question at each time point (two queries), suppressed row by row: the row's total is
    the number who answered the question then."""
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for time_point, code, value, n in _answer_counts(group):
        found[(code, time_point)][value] += n
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


def _free_text(group: ReportGroup) -> tuple[dict, dict, dict]:
    """Respondents per time point, written answers per (time point, code), and the texts
    per (time point, code) in alphabetical order, at most ``FREE_TEXT_LIMIT`` of each:
    from the report cells and a bounded read (none when nothing may be shown), or live
    from every answer."""
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    if cells_in_use():
        respondents = cells.respondents(group)
        counts = {
            (time_point, code): n
            for time_point, code, _, n in cells.answer_counts(group, kinds=[QuestionKind.FREE_TEXT])
        }
        shown = [
            key
            for key, n in counts.items()
            if not suppression.is_small(n) and not suppression.is_small(respondents.get(key[0]))
        ]
        if not shown:
            return respondents, counts, texts
        answers = (
            _pooled_answers(group)
            .filter(
                question__kind=QuestionKind.FREE_TEXT,
                response__time_point__in={tp for tp, _ in shown},
                question__code__in={code for _, code in shown},
            )
            .exclude(text="")
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("response__time_point"), F("question__code")],
                    order_by=F("text").asc(),
                )
            )
            .filter(place__lte=FREE_TEXT_LIMIT)
        )
    else:
        respondents = dict(
            submitted_responses(group).values_list("time_point").annotate(n=Count("pk")).order_by()
        )
        answers = (
            _group_answers(group).filter(question__kind=QuestionKind.FREE_TEXT).exclude(text="")
        )
        counts = None
    found = answers.values_list("response__time_point", "question__code", "text").order_by(
        "response__time_point", "question__code", "text"
    )
    for time_point, code, text in found.iterator(chunk_size=2000):
        texts[(time_point, code)].append(text)
    if counts is None:
        counts = {key: len(written) for key, written in texts.items()}
    return respondents, counts, texts


def _pooled_answers(group: ReportGroup):
    """The group's submitted answers in cells of at least the threshold, by the cells."""
    answers = Answer.objects.filter(
        _audience_q(group.audience, "response__"),
        response__submitted_at__isnull=False,
        response__cohort__in=group.cohorts,
    )
    return answers.filter(cells.pooled("response__"))


def free_text_answers(group: ReportGroup) -> list[dict]:
    """Written answers per time point and question, for users allowed to read them: only
    where the group had at least the threshold of respondents at that time point and the
    question that many written answers; in alphabetical order (not the order they came
    in), with nothing else about who wrote them. From the cells, three queries and a fourth
    that reads at most ``FREE_TEXT_LIMIT`` texts per question when any may be shown; live,
    two."""
    respondents, counts, texts = _free_text(group)
    questions = _questions_by_code({code for _, code in counts}, audience=group.audience)
    sections = []
    for tp in TimePoint:
        if suppression.is_small(respondents.get(tp.value, 0)):
            continue
        items = []
        for code in sorted(
            (c for t, c in counts if t == tp.value and c in questions),
            key=lambda c: _question_order(questions[c]),
        ):
            written = counts[(tp.value, code)]
            items.append(
                {
                    "code": code,
                    "text": questions[code].text,
                    "count": suppression.count(written),
                    "answers": []
                    if suppression.is_small(written)
                    else texts.get((tp.value, code), [])[:FREE_TEXT_LIMIT],
                }
            )
        if items:
            sections.append({"time_point": str(tp.label), "questions": items})
    return sections
