"""Anonymised responses, one row each, for those allowed to export them, with the data
dictionary that says what every column is."""

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    Func,
    JSONField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import MD5, Coalesce, Concat, NullIf, TruncMonth

from cohorts.models import CohortFormat
from evaluation import suppression
from evaluation.cells import cells_in_use
from evaluation.models import Answer, Audience, Outcome, Question, QuestionKind, TimePoint
from evaluation.selectors.cells import respondents
from evaluation.selectors.groups import ReportGroup, respondent, submitted_responses
from evaluation.selectors.outcomes import _questions_by_code
from schools.models import Region
from workshops.models import DeliveryKind

# --- Anonymised responses -----------------------------------------------------------------

RESPONSE_KEYS = (
    "cohort_id",
    "time_point",
    "cohort__phase__name",
    "cohort__local_authority__region",
    "cohort__local_authority__name",
    "cohort__delivery__kind",
    "cohort__format",
    "questionnaire__audience",
    "questionnaire__family",
    "questionnaire__version",
)

#: The columns before the answers: (name, what it is, its values).
COLUMNS = (
    (
        "respondent_key",
        "A pseudonym for the person who answered. The same in every row of this export for "
        "the same person, so that their answers at baseline, after the programme and at "
        "follow-up pair up; different in every export, so that it joins with no other export "
        "and with no id in Link. A keyed hash (HMAC-SHA256) of Link's id under a random key "
        "made for this export and never stored.",
        "16 hexadecimal characters",
    ),
    (
        "cohort_key",
        "A pseudonym for the cohort (up to 20 schools who attended the same two workshops) "
        "that the person was invited with, made like respondent_key: the same within this "
        "export, unrelated to any other. Every cohort here has at least {min_cell} responses "
        "from its audience at each time point it appears at.",
        "16 hexadecimal characters",
    ),
    ("time_point", "When the person was asked.", "{time_points}"),
    (
        "month_submitted",
        "The month the response was submitted (UK time). Given only where at least "
        "{min_cell} responses of the same cohort, audience and time point were submitted in "
        "that month; otherwise “{small}”, and where those would be fewer than {min_cell} "
        "rows, the cohort's smallest months are “{hidden}” too.",
        "YYYY-MM, “{small}” or “{hidden}”",
    ),
    ("phase", "The programme phase of the cohort.", "The phase's name"),
    ("region", "The region of the cohort's local authority.", "{regions}"),
    (
        "local_authority",
        "The cohort's local authority, unless fewer than {min_cell} people in this export are "
        "in it (then “{small}”).",
        "An English local authority's name, “{small}” or “No LA” (a cohort in an MHST area only)",
    ),
    ("delivery_model", "How the programme was delivered to the cohort.", "{delivery_models}"),
    ("audience", "Whose questionnaire this is.", "{audiences}"),
    ("questionnaire", "The questionnaire's family key (the same for all its versions).", ""),
    (
        "questionnaire_version",
        "The version answered. Answers to the same question code are comparable across versions.",
        "1, 2, …",
    ),
)


class JSONObjectAgg(Aggregate):
    """{key: value} over a group's rows: PostgreSQL's JSONB_OBJECT_AGG, SQLite's
    JSON_GROUP_OBJECT (the embedded default of ``make run``)."""

    function = "JSONB_OBJECT_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_OBJECT", **extra_context)


class ToJSON(Func):
    """A value as JSON (``to_jsonb``): a number stays a number, text becomes a string. On
    SQLite the value itself, which JSON_GROUP_OBJECT writes by its type in the same way."""

    function = "to_jsonb"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


@dataclass(frozen=True)
class AnonymisedExport:
    """The header, the rows (read as they are written: a generator, read once) and the
    data dictionary (the first row is its header) of one export."""

    header: list[str]
    body: Iterable[list]
    dictionary: list[list]

    @property
    def rows(self) -> Iterator[list]:
        """The header, then the rows."""
        yield self.header
        yield from self.body


def _delivery_model(kind: str, format: str) -> str:
    kinds, formats = dict(DeliveryKind.choices), dict(CohortFormat.choices)
    return f"{kinds.get(kind, kind)}, {str(formats.get(format, format)).lower()}"


def anonymised_responses_count(group: ReportGroup) -> int:
    """How many rows ``anonymised_responses`` would give: on PostgreSQL the submitted
    responses of the group's report cells of at least the threshold, summed (two queries,
    however many responses: counting them took 1.1 s at ten times the national programme,
    before the national export could even be sent to a worker); elsewhere, one count."""
    if cells_in_use():
        return sum(respondents(group).values())
    return submitted_responses(group).count()


def _answers(codes: list[str]) -> Subquery:
    """Each response's answers to ``codes``, as {code: number, else choice, else text}."""
    value = Coalesce(
        ToJSON(F("number")),
        ToJSON(NullIf(F("choice"), Value(""))),
        ToJSON(F("text")),
        output_field=JSONField(),
    )
    given = (
        Answer.objects.filter(response=OuterRef("pk"), question__code__in=codes)
        .order_by()
        .values("response")
        .annotate(given=JSONObjectAgg(F("question__code"), value))
        .values("given")
    )
    return Subquery(given, output_field=JSONField())


def anonymised_responses(group: ReportGroup, *, include_free_text: bool) -> AnonymisedExport:
    """One row per submitted response of the group's cells of at least the threshold (rule
    3): the person's and the cohort's keys, time point, month submitted, phase, region, LA,
    delivery model, audience, questionnaire and version, then one column per question code.

    No school, name, email, cohort name or database id; keys, LA and month as
    ``suppression`` rule 5 says. Free-text columns only with ``include_free_text``. Rows are
    grouped by person in a random order (new in each export), then by time point, so their
    order says nothing of when they came in.

    Memory does not grow with the rows: the database counts people per LA and responses per
    cell and month (two small aggregates, when the first row is read), then hands over the
    rows, each with its answers, each person's together in a shuffled order, through a
    server-side cursor as they are written; the respondent keys are made here (their key
    never leaves this process).
    One query here, two for the dictionary, three more as the rows are read (six in all).
    """
    responses = submitted_responses(group)
    person = respondent("invitation__")
    month = TruncMonth("submitted_at")
    kinds = (
        Question.objects.filter(questionnaire__in=responses.values("questionnaire"))
        .values_list("code", "kind")
        .order_by("questionnaire__family", "-questionnaire__version", "section__order", "order")
    )
    codes: dict[str, str] = {}
    for code, kind in kinds:
        if kind != QuestionKind.FREE_TEXT or include_free_text:
            codes.setdefault(code, kind)
    order = Case(
        *(When(time_point=value, then=Value(n)) for n, value in enumerate(TimePoint.values)),
        default=Value(99),
    )
    # The database shuffles people with a salt of its own (it never sees the pseudonyms'
    # key): each person's rows stay together, in an order that says nothing of when anyone
    # answered and is different in every export.
    shuffle = MD5(Concat(Value(secrets.token_hex(16)), person, output_field=CharField()))
    found = (
        responses.annotate(who=person, shuffle=shuffle, month=month, given=_answers(list(codes)))
        .order_by("shuffle", "who", order, "questionnaire__family", "questionnaire__version")
        .values_list("who", "month", "given", *RESPONSE_KEYS)
    )
    header = [name for name, *_ in COLUMNS]
    return AnonymisedExport(
        header=[*header, *codes],
        body=_body(found, codes, suppression.Pseudonyms(), responses=responses, person=person),
        dictionary=data_dictionary(codes, audience=group.audience),
    )


def _released_months(responses, month) -> dict:
    cell_months: dict[tuple, Counter] = defaultdict(Counter)
    for cohort_id, audience, time_point, at, n in (
        responses.order_by()
        .annotate(month=month)
        .values_list("cohort_id", "questionnaire__audience", "time_point", "month")
        .annotate(n=Count("pk"))
    ):
        cell_months[cohort_id, audience, time_point][f"{at:%Y-%m}"] = n
    return suppression.release_month_counts(cell_months)


def _body(found, codes, pseudonyms, *, responses, person) -> Iterator[list]:
    """The rows; the two aggregates they need are read when the first row is asked for, so a
    streamed download starts before them."""
    people_in_la = dict(
        responses.order_by()
        .values_list("cohort__local_authority__name")
        .annotate(people=Count(person, distinct=True))
    )
    months = _released_months(responses, TruncMonth("submitted_at"))
    time_points, regions = dict(TimePoint.choices), dict(Region.choices)
    audiences = dict(Audience.choices)
    time_points = {value: str(label) for value, label in time_points.items()}
    regions = {value: str(label) for value, label in regions.items()}
    audiences = {value: str(label) for value, label in audiences.items()}
    cohort_keys: dict[int, str] = {}
    delivery_models: dict[tuple, str] = {}
    for row in found.iterator(chunk_size=2000):
        who, at, given, cohort_id, time_point, phase, region, la, delivery, format, *rest = row
        audience, family, version = rest
        if la is None:
            la_shown = "No LA"
        elif suppression.is_small(people_in_la.get(la, 0)):
            la_shown = suppression.small_label()
        else:
            la_shown = la
        if cohort_id not in cohort_keys:
            cohort_keys[cohort_id] = pseudonyms("cohort", cohort_id)
        if (delivery, format) not in delivery_models:
            delivery_models[delivery, format] = _delivery_model(delivery, format)
        given = given or {}
        yield [
            pseudonyms("respondent", who),
            cohort_keys[cohort_id],
            time_points.get(time_point, time_point),
            months[(cohort_id, audience, time_point), f"{at:%Y-%m}"].export(),
            phase,
            regions.get(region, "Region not known"),
            la_shown,
            delivery_models[delivery, format],
            audiences.get(audience, ""),
            family,
            version,
            *(given.get(code, "") for code in codes),
        ]


# --- The data dictionary ------------------------------------------------------------------


def _question_values(question: Question) -> str:
    if question.kind == QuestionKind.LIKERT:
        return (
            f"1 ({question.likert_low_label}) to 5 ({question.likert_high_label}); "
            "empty if not answered"
        )
    if question.kind == QuestionKind.YES_NO:
        return "yes, no; empty if not answered"
    if question.kind == QuestionKind.SINGLE_CHOICE:
        choices = "; ".join(
            f"{c.value} = {c.label}" + (f" (scored {c.score})" if c.score is not None else "")
            for c in question.choices.all()
        )
        return f"{choices}; empty if not answered"
    if question.kind == QuestionKind.NUMBER:
        return "A whole number; empty if not answered"
    return "Free text as written; empty if not answered"


def data_dictionary(codes: dict[str, str], *, audience: str = "") -> list[list]:
    """What every column of the export is: the fixed columns, then each question code with
    its question (the newest version's wording), kind, outcome and values. Two queries."""
    filled = {
        "min_cell": suppression.min_cell(),
        "small": suppression.small_label(),
        "hidden": suppression.HIDDEN_LABEL,
        "time_points": "; ".join(str(label) for _, label in TimePoint.choices),
        "regions": "; ".join(str(label) for _, label in Region.choices) + "; Region not known",
        "audiences": "; ".join(str(label) for _, label in Audience.choices),
        "delivery_models": "; ".join(
            _delivery_model(kind, fmt) for kind in DeliveryKind.values for fmt in CohortFormat
        ),
    }
    rows = [["Column", "What it is", "Values", "Outcome"]]
    for name, meaning, values in COLUMNS:
        rows.append([name, meaning.format(**filled), values.format(**filled), ""])
    questions = _questions_by_code(codes, audience=audience)
    kinds = dict(QuestionKind.choices)
    outcomes = dict(Outcome.choices)
    for code in codes:
        question = questions.get(code)
        if question is None:
            continue
        rows.append(
            [
                code,
                f"{question.text} ({kinds[question.kind]})",
                _question_values(question),
                str(outcomes.get(question.outcome, "")),
            ]
        )
    return rows
