"""Anonymised responses, one row each, for those allowed to export them."""

from collections import defaultdict

from django.db.models import Count

from evaluation import suppression
from evaluation.models import Answer, Audience, Question, QuestionKind, TimePoint
from evaluation.selectors.groups import ReportGroup, submitted_responses
from schools.models import Region

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
