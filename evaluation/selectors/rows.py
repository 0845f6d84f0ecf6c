"""Anonymised responses, one row each, for those allowed to export them, with the data
dictionary that says what every column is."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from cohorts.models import CohortFormat
from evaluation import suppression
from evaluation.models import Answer, Audience, Outcome, Question, QuestionKind, TimePoint
from evaluation.selectors.groups import ReportGroup, respondent, submitted_responses
from evaluation.selectors.outcomes import _questions_by_code
from schools.models import Region
from workshops.models import DeliveryKind

# --- Anonymised responses -----------------------------------------------------------------

RESPONSE_KEYS = (
    "pk",
    "cohort_id",
    "time_point",
    "submitted_at",
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


@dataclass(frozen=True)
class AnonymisedExport:
    """The rows (the first is the header) and the data dictionary (the first row is its
    header) of one export."""

    rows: list[list]
    dictionary: list[list]


def _delivery_model(kind: str, format: str) -> str:
    kinds, formats = dict(DeliveryKind.choices), dict(CohortFormat.choices)
    return f"{kinds.get(kind, kind)}, {str(formats.get(format, format)).lower()}"


def anonymised_responses(group: ReportGroup, *, include_free_text: bool) -> AnonymisedExport:
    """One row per submitted response of the group's cells of at least the threshold (rule
    3): the person's and the cohort's keys, time point, month submitted, phase, region, LA,
    delivery model, audience, questionnaire and version, then one column per question code.

    No school, name, email, cohort name or database id; keys, LA and month as
    ``suppression`` rule 5 says. Free-text columns only with ``include_free_text``. Rows are
    sorted by respondent key (random in each export) and time point, so their order says
    nothing of when they came in. Five queries.
    """
    responses = submitted_responses(group)
    found = list(
        responses.values(*RESPONSE_KEYS, respondent=respondent("invitation__"))
        .order_by()
        .iterator(chunk_size=2000)
    )
    pseudonyms = suppression.Pseudonyms()
    people_in_la: dict[str, set] = defaultdict(set)
    for row in found:
        people_in_la[row["cohort__local_authority__name"]].add(row["respondent"])
    months = suppression.release_months(
        (
            row["pk"],
            (row["cohort_id"], row["questionnaire__audience"], row["time_point"]),
            timezone.localtime(row["submitted_at"]).strftime("%Y-%m"),
        )
        for row in found
    )
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
    given = (
        Answer.objects.filter(response__in=responses, question__code__in=list(codes))
        .values_list("response_id", "question__code", "number", "choice", "text")
        .order_by()
    )
    for response_id, code, number, choice, text in given.iterator(chunk_size=5000):
        answers[response_id][code] = number if number is not None else (choice or text)
    time_points, regions = dict(TimePoint.choices), dict(Region.choices)
    audiences = dict(Audience.choices)
    order = {value: n for n, value in enumerate(TimePoint.values)}
    body = []
    for row in found:
        la = row["cohort__local_authority__name"]
        if la is None:
            la_shown = "No LA"
        elif suppression.is_small(len(people_in_la[la])):
            la_shown = suppression.small_label()
        else:
            la_shown = la
        given = answers.get(row["pk"], {})
        body.append(
            (
                order.get(row["time_point"], 99),
                [
                    pseudonyms("respondent", row["respondent"]),
                    pseudonyms("cohort", row["cohort_id"]),
                    str(time_points.get(row["time_point"], row["time_point"])),
                    months[row["pk"]].export(),
                    row["cohort__phase__name"],
                    str(regions.get(row["cohort__local_authority__region"], "Region not known")),
                    la_shown,
                    _delivery_model(row["cohort__delivery__kind"], row["cohort__format"]),
                    str(audiences.get(row["questionnaire__audience"], "")),
                    row["questionnaire__family"],
                    row["questionnaire__version"],
                    *(given.get(code, "") for code in codes),
                ],
            )
        )
    body.sort(key=lambda item: (item[1][0], item[0], item[1][9], item[1][10]))
    header = [name for name, *_ in COLUMNS]
    return AnonymisedExport(
        rows=[[*header, *codes], *(row for _, row in body)],
        dictionary=data_dictionary(codes, audience=group.audience),
    )


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
