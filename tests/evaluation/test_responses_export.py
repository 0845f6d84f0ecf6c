"""The anonymised responses export an evaluator can analyse (issue 16, item 1): keys that pair
a person's time points within one export and join nothing across exports, the cohort key,
region, LA (unless fewer than 5 people), delivery model, month submitted (rule 5), and a
data dictionary naming every column; and contact scored so every outcome has a change
(item 2)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts.models import CohortFormat
from evaluation import suppression
from evaluation.models import Outcome, QuestionKind, TimePoint
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import ChoiceFactory, QuestionFactory
from tests.evaluation.test_reports import (
    answer,
    make_questionnaire,
    report,
    xlsx_rows,
    zip_rows,
)
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden", code="T01")


@pytest.fixture
def national(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, username="nat"))
    return client


def _pairs(cohort, count, questionnaire, questions, *, later=TimePoint.POST):
    places = [PlaceFactory(cohort=cohort) for _ in range(count)]
    for n, place in enumerate(places):
        answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2, heard="yes")
        answer(place, later, questionnaire, questions, comms=3 + n % 2, heard="no")
    return places


def _column(rows, name):
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_a_persons_time_points_pair_up_within_an_export_and_join_nothing_across_exports(
    national, camden
):
    questionnaire, questions = make_questionnaire()
    _pairs(CohortFactory(local_authority=camden), 6, questionnaire, questions)
    _pairs(CohortFactory(local_authority=camden), 5, questionnaire, questions)
    url = reverse("evaluation:export-responses-csv")

    first, second = zip_rows(national.get(url)), zip_rows(national.get(url))

    people = _column(first, "respondent_key")
    assert len(first) == 1 + 22
    assert len(set(people)) == 11
    # Each key holds exactly one baseline and one after-the-programme row, side by side.
    for key in set(people):
        rows = [row for row in first[1:] if row[0] == key]
        assert [row[2] for row in rows] == [
            str(TimePoint.BASELINE.label),
            str(TimePoint.POST.label),
        ]
        assert len({row[1] for row in rows}) == 1  # one cohort
    assert len(set(_column(first, "cohort_key"))) == 2
    assert all(len(key) == 16 and int(key, 16) >= 0 for key in people)
    # A second export keys everyone afresh: no key (person or cohort) is in both.
    keys = lambda rows: set(_column(rows, "respondent_key")) | set(_column(rows, "cohort_key"))  # noqa: E731
    assert not keys(first) & keys(second)


def test_each_row_says_region_la_delivery_model_and_month_and_hides_a_small_la(national):
    big = LocalAuthorityFactory(name="Barnet", code="T11", region="E12000007")
    cohort = CohortFactory(local_authority=big, format=CohortFormat.ONLINE)
    questionnaire, questions = make_questionnaire()
    _pairs(cohort, 5, questionnaire, questions)

    rows = zip_rows(national.get(reverse("evaluation:export-responses-csv")))

    assert set(_column(rows, "region")) == {"London"}
    assert set(_column(rows, "local_authority")) == {"Barnet"}
    assert set(_column(rows, "delivery_model")) == {"Cohort of schools, online"}
    assert set(_column(rows, "month_submitted")) == {timezone.localtime().strftime("%Y-%m")}


def test_months_shared_by_fewer_than_5_rows_of_a_cell_are_hidden_with_a_second_if_needed():
    march, april, may = "2026-03", "2026-04", "2026-05"
    rows = [(n, "cell", march) for n in range(6)] + [(10, "cell", april)]
    released = suppression.release_months(rows)
    # One April row alone would stand out: the smallest other month goes with it.
    assert released[10].reason == suppression.SMALL
    assert all(released[n].reason == suppression.SECONDARY for n in range(6))

    rows = [(n, "cell", march) for n in range(6)] + [(10 + n, "cell", april) for n in range(5)]
    rows += [(20 + n, "cell", may) for n in range(2)] + [(30 + n, "other", may) for n in range(3)]
    released = suppression.release_months(rows)
    assert released[20].reason == released[21].reason == suppression.SMALL
    assert released[10].reason == suppression.SECONDARY  # April (5) is smaller than March (6)
    assert released[0].value == march
    assert all(released[30 + n].reason == suppression.SMALL for n in range(3))


def test_a_late_responder_cannot_be_picked_out_by_their_month(national, camden):
    cohort = CohortFactory(local_authority=camden)
    questionnaire, questions = make_questionnaire()
    places = [PlaceFactory(cohort=cohort) for _ in range(6)]
    late = None
    for n, place in enumerate(places):
        response = answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2)
        if n == 5:
            response.submitted_at = timezone.now() + dt.timedelta(days=62)
            response.save()
            late = response
    assert late is not None

    rows = zip_rows(national.get(reverse("evaluation:export-responses-csv")))

    months = _column(rows, "month_submitted")
    assert sorted(months) == ["fewer than 5"] + ["hidden"] * 5


def test_the_data_dictionary_names_every_column(national, camden):
    questionnaire, questions = make_questionnaire()
    _pairs(CohortFactory(local_authority=camden), 5, questionnaire, questions)

    dictionary = zip_rows(
        national.get(reverse("evaluation:export-responses-csv")), "data_dictionary.csv"
    )
    rows = zip_rows(national.get(reverse("evaluation:export-responses-csv")))
    workbook = national.get(reverse("evaluation:export-responses-xlsx"))

    assert dictionary[0] == ["Column", "What it is", "Values", "Outcome"]
    described = [row[0] for row in dictionary[1:]]
    assert described == rows[0]
    by_name = {row[0]: row for row in dictionary[1:]}
    assert "HMAC-SHA256" in by_name["respondent_key"][1]
    assert by_name["comms"][3] == str(Outcome.COMMUNICATION.label)
    assert by_name["heard"][2].startswith("yes, no")
    assert xlsx_rows(workbook, "Data dictionary")[0] == [
        "Column",
        "What it is",
        "Values",
        "Outcome",
    ]
    assert [row[0] for row in xlsx_rows(workbook, "Data dictionary")[1:]] == rows[0]


def _contact_question(questionnaire, questions):
    section = questions["comms"].section
    contact = QuestionFactory(
        section=section,
        order=9,
        code="outcome_contact_frequency",
        kind=QuestionKind.SINGLE_CHOICE,
        outcome=Outcome.CONTACT,
        text="How often were you in contact with CYPMHS?",
    )
    for order, (value, label, score) in enumerate(
        [("never", "Not at all", 1), ("once", "Once", 2), ("weekly", "Every week", 5)], start=1
    ):
        ChoiceFactory(question=contact, order=order, value=value, label=label, score=score)
    unordered = QuestionFactory(
        section=section,
        order=10,
        code="organisation_type",
        kind=QuestionKind.SINGLE_CHOICE,
        outcome=Outcome.FEEDBACK,
    )
    ChoiceFactory(question=unordered, order=1, value="cypmhs", label="CYPMHS")
    ChoiceFactory(question=unordered, order=2, value="other", label="Other")
    return contact, unordered


def test_contact_frequency_is_scored_so_it_has_a_paired_change_with_its_interval(national, camden):
    from tests.evaluation.factories import AnswerFactory

    questionnaire, questions = make_questionnaire()
    contact, unordered = _contact_question(questionnaire, questions)
    cohort = CohortFactory(local_authority=camden)
    before_after = [("never", "once"), ("never", "weekly"), ("once", "once"), ("once", "weekly")]
    before_after += [("never", "once"), ("once", "weekly")]
    for before, after in before_after:
        place = PlaceFactory(cohort=cohort)
        for time_point, value in ((TimePoint.BASELINE, before), (TimePoint.POST, after)):
            response = answer(place, time_point, questionnaire, questions, comms=3)
            AnswerFactory(response=response, question=contact, number=None, choice=value)
            AnswerFactory(response=response, question=unordered, number=None, choice="other")

    change = report(national, time_a=TimePoint.BASELINE, time_b=TimePoint.POST).context["change"]

    contact_row = next(row for row in change["outcomes"] if row.key == Outcome.CONTACT)
    # Scores: (1, 2), (1, 5), (2, 2), (2, 5), (1, 2), (2, 5): changes 1, 4, 0, 3, 1, 3.
    assert contact_row.pairs.value == 6
    assert contact_row.mean_a.value == 1.5
    assert contact_row.mean_b.value == 3.5
    assert contact_row.mean_change.value == 2
    assert contact_row.ci_low.value < 2 < contact_row.ci_high.value
    assert "outcome_contact_frequency" in [row.key for row in change["questions"]]
    # Choices in no order have no score and no change.
    assert "organisation_type" not in [row.key for row in change["questions"]]
    assert Outcome.FEEDBACK not in [row.key for row in change["outcomes"]]

    page = report(national, time_a=TimePoint.BASELINE, time_b=TimePoint.POST)
    chart = page.context["change_chart"]
    i = chart["labels"].index(str(Outcome.CONTACT.label))
    [series] = chart["series"]
    assert series["values"][i] == 2
    assert series["intervals"][i] == [contact_row.ci_low.value, contact_row.ci_high.value]
    assert "scores 1 for “not at all”" in page.content.decode()


def test_the_seeded_contact_question_is_scored_1_to_5_in_order():
    from evaluation.models import Choice

    scores = list(
        Choice.objects.filter(question__code="outcome_contact_frequency")
        .order_by("question_id", "order")
        .values_list("value", "score")
    )
    assert scores[:5] == [
        ("never", 1),
        ("once", 2),
        ("few_times", 3),
        ("monthly", 4),
        ("weekly", 5),
    ]
    assert not Choice.objects.filter(question__code="organisation_type", score__isnull=False)


@pytest.mark.postgres
def test_the_row_count_that_sends_an_export_to_a_worker_comes_from_the_cells_and_is_the_live_one(
    monkeypatch, camden
):
    """Counting the rows decides whether a worker builds the export: on PostgreSQL it sums
    the report cells (the national count read 440,000 responses at 10x); it is the count
    of the rows the export has, small cells left out."""
    from accounts.scoping import Scope
    from evaluation.selectors import ReportGroup, anonymised_responses, reportable_cohorts
    from evaluation.selectors.rows import anonymised_responses_count

    questionnaire, questions = make_questionnaire()
    _pairs(CohortFactory(local_authority=camden), 6, questionnaire, questions)
    _pairs(CohortFactory(local_authority=camden), 3, questionnaire, questions)  # small cells
    group = ReportGroup(cohorts=reportable_cohorts(scope=Scope(national=True)))

    rows = list(anonymised_responses(group, include_free_text=False).body)
    assert len(rows) == 12  # 6 people at two time points; the cohort of 3 is left out
    assert anonymised_responses_count(group) == 12
    with monkeypatch.context() as patched:
        patched.setattr("evaluation.selectors.rows.cells_in_use", lambda: False)
        assert anonymised_responses_count(group) == 12
