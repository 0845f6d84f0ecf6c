"""The coordinators' evaluation reports: the figures, small-cell suppression on the page and in
every export, scoping, free text for national roles only, and anonymised exports."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from evaluation.models import Audience, Outcome, QuestionKind, TimePoint
from schools.models import IntegratedCareBoard
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import (
    AnswerFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
    SurveyInvitationFactory,
)
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

#: The worked example of tests/evaluation/test_stats.py: (baseline, follow-up) per person.
WORKED_PAIRS = [(2, 4), (3, 4), (2, 3), (4, 4), (1, 3), (3, 5)]


def make_questionnaire(version=1, family=None, audience=Audience.SCHOOL_STAFF):
    extra = {"family": family} if family else {}
    questionnaire = QuestionnaireFactory(version=version, audience=audience, **extra)
    section = SectionFactory(questionnaire=questionnaire, order=1)
    questions = {
        "comms": QuestionFactory(
            section=section, order=1, code="comms", outcome=Outcome.COMMUNICATION
        ),
        "relationships": QuestionFactory(
            section=section, order=2, code="relationships", outcome=Outcome.COMMUNICATION
        ),
        "heard": QuestionFactory(
            section=section, order=3, code="heard", kind=QuestionKind.YES_NO, text="Heard of us?"
        ),
        "comments": QuestionFactory(
            section=section,
            order=4,
            code="comments",
            kind=QuestionKind.FREE_TEXT,
            text="Anything else?",
        ),
    }
    return questionnaire, questions


def answer(place, time_point, questionnaire, questions, *, submitted=True, **values):
    """A response of ``place``'s attendee at ``time_point``; values by question code."""
    invitation = SurveyInvitationFactory(
        place=place, time_point=time_point, questionnaire=questionnaire
    )
    response = ResponseFactory(invitation=invitation)
    if not submitted:
        response.submitted_at = None
        response.save()
    for code, value in values.items():
        question = questions[code]
        field = {
            QuestionKind.LIKERT: "number",
            QuestionKind.YES_NO: "choice",
            QuestionKind.FREE_TEXT: "text",
        }[question.kind]
        AnswerFactory(response=response, question=question, **{"number": None, field: value})
    return response


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden", code="T01")


@pytest.fixture
def national(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, username="nat"))
    return client


def report(client, **params):
    response = client.get(reverse("evaluation:report"), params)
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def body(response) -> bytes:
    """The whole body of a response, streamed or not, read once and kept on it."""
    if not hasattr(response, "_read_body"):
        response._read_body = response.getvalue()
    return response._read_body


def zip_rows(response, name="responses.csv") -> list[list[str]]:
    """The rows of one CSV file in the zipped responses export."""
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        assert sorted(archive.namelist()) == ["data_dictionary.csv", "responses.csv"]
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response, sheet) -> list[list]:
    workbook = load_workbook(io.BytesIO(body(response)))
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_the_report_pairs_people_across_versions_and_matches_the_worked_example(national, camden):
    """Six attendees answer at baseline (version 1) and at follow-up (version 2: the same
    codes): the page shows the change of tests/evaluation/test_stats.py. Someone who
    answered only at baseline, and a follow-up still in progress, pair with nothing."""
    cohort = CohortFactory(local_authority=camden)
    v1, q1 = make_questionnaire(version=1, family="staff_test")
    v2, q2 = make_questionnaire(version=2, family="staff_test")
    for before, after in WORKED_PAIRS:
        place = PlaceFactory(cohort=cohort)
        answer(place, TimePoint.BASELINE, v1, q1, comms=before)
        answer(place, TimePoint.FOLLOW_UP, v2, q2, comms=after)
    answer(PlaceFactory(cohort=cohort), TimePoint.BASELINE, v1, q1, comms=1)
    unfinished = PlaceFactory(cohort=cohort)
    answer(unfinished, TimePoint.BASELINE, v1, q1, comms=1)
    answer(unfinished, TimePoint.FOLLOW_UP, v2, q2, submitted=False, comms=5)

    change = report(national).context["change"]

    [row] = change["questions"]
    assert row.key == "comms"
    assert row.pairs.value == 6
    assert row.mean_a.value == pytest.approx(2.5, abs=1e-3)
    assert row.mean_b.value == pytest.approx(3.833, abs=1e-3)
    assert row.mean_change.value == pytest.approx(1.333, abs=1e-3)
    assert row.ci_low.value == pytest.approx(0.4765, abs=1e-3)
    assert row.ci_high.value == pytest.approx(2.1902, abs=1e-3)
    [outcome] = change["outcomes"]
    assert (outcome.key, outcome.pairs.value) == (Outcome.COMMUNICATION, 6)
    assert outcome.mean_change.value == row.mean_change.value


def test_an_outcome_score_is_each_persons_mean_over_the_questions_answered_both_times(
    national, camden
):
    cohort = CohortFactory(local_authority=camden)
    questionnaire, questions = make_questionnaire()
    for _ in range(5):
        place = PlaceFactory(cohort=cohort)
        answer(place, TimePoint.BASELINE, questionnaire, questions, comms=1, relationships=3)
        # "relationships" is left out at follow-up: only "comms" counts for this person.
        answer(place, TimePoint.FOLLOW_UP, questionnaire, questions, comms=4)
    place = PlaceFactory(cohort=cohort)
    answer(place, TimePoint.BASELINE, questionnaire, questions, comms=1, relationships=3)
    answer(place, TimePoint.FOLLOW_UP, questionnaire, questions, comms=2, relationships=5)

    change = report(national).context["change"]

    [outcome] = change["outcomes"]
    assert outcome.pairs.value == 6
    # Five people go 1 -> 4; the sixth (mean of two questions) 2 -> 3.5.
    assert outcome.mean_a.value == pytest.approx((5 * 1 + 2) / 6, abs=1e-3)
    assert outcome.mean_b.value == pytest.approx((5 * 4 + 3.5) / 6, abs=1e-3)
    relationships = next(r for r in change["questions"] if r.key == "relationships")
    assert relationships.pairs.hidden  # one pair


def _respondents(cohort, count, invited_extra=3):
    questionnaire, questions = make_questionnaire()
    for _ in range(count):
        place = PlaceFactory(cohort=cohort)
        answer(place, TimePoint.BASELINE, questionnaire, questions, comms=2, heard="yes")
        answer(place, TimePoint.POST, questionnaire, questions, comms=4, heard="no")
    for _ in range(invited_extra):
        SurveyInvitationFactory(
            place=PlaceFactory(cohort=cohort),
            time_point=TimePoint.BASELINE,
            questionnaire=questionnaire,
        )


def test_four_respondents_are_suppressed_on_the_page_and_in_every_export(national, camden):
    _respondents(CohortFactory(local_authority=camden, name="Small cohort"), 4)
    params = {"time_a": TimePoint.BASELINE, "time_b": TimePoint.POST}

    response = report(national, **params)
    page = response.content.decode()
    rates = response.context["rates"]
    baseline = rates["total"][0]
    assert baseline.invited == 7
    assert baseline.responded.hidden and baseline.rate.hidden
    assert "fewer than 5" in page
    assert all(
        row.pairs.hidden and row.mean_change.hidden
        for row in response.context["change"]["questions"]
    )
    # The cohort's answers are in no answer-based figure at all (a cell under 5).
    assert all(
        cell.hidden
        for d in response.context["distributions"]
        for at in d.time_points
        for cell in at["cells"]
    )

    rates_csv = csv_rows(national.get(reverse("evaluation:export-aggregates-csv", args=["rates"])))
    assert [
        "All",
        "All",
        str(TimePoint.BASELINE.label),
        "7",
        "fewer than 5",
        "fewer than 5",
    ] in rates_csv
    change_csv = csv_rows(
        national.get(reverse("evaluation:export-aggregates-csv", args=["change"]), params)
    )
    assert all(row[4] == "fewer than 5" for row in change_csv[1:])
    answers_csv = csv_rows(
        national.get(reverse("evaluation:export-aggregates-csv", args=["distribution"]))
    )
    assert {row[4] for row in answers_csv[1:]} <= {"fewer than 5"}  # none, or hidden
    workbook = national.get(reverse("evaluation:export-aggregates-xlsx"), params)
    for sheet, column in (("Paired change", 4), ("Answers", 4)):
        values = {row[column] for row in xlsx_rows(workbook, sheet)[1:]}
        assert values <= {"fewer than 5"}, sheet
    # Responses: hidden wherever the survey was sent; 0 (and no rate) where it was not,
    # which says nothing of anyone's answer.
    rates = xlsx_rows(workbook, "Response rates")[1:]
    assert {row[4] for row in rates if row[3]} == {"fewer than 5"}
    assert {(row[4], row[5]) for row in rates if not row[3]} <= {(0, None)}
    # 4 is nowhere as a count of respondents.
    assert not any(row[4] == "4" for row in rates_csv[1:])
    responses_csv = zip_rows(national.get(reverse("evaluation:export-responses-csv")))
    assert len(responses_csv) == 1  # the header: every group is smaller than 5


def test_five_respondents_are_shown(national, camden):
    _respondents(CohortFactory(local_authority=camden), 5)

    response = report(national, time_a=TimePoint.BASELINE, time_b=TimePoint.POST)

    baseline = response.context["rates"]["total"][0]
    assert (baseline.invited, baseline.responded.value, baseline.rate.value) == (8, 5, 62)
    [comms] = response.context["change"]["questions"]
    assert (comms.pairs.value, comms.mean_change.value) == (5, 2)
    assert comms.ci_low.value == comms.ci_high.value == 2  # no spread
    heard = next(d for d in response.context["distributions"] if d.code == "heard")
    # 5 said yes at baseline, 0 no: the zero is small, and the 5 goes with it (total 5 shown).
    assert [str(c) for c in heard.time_points[0]["cells"]] == ["hidden", "fewer than 5"]
    workbook = national.get(reverse("evaluation:export-aggregates-xlsx"))
    assert ["All", "All", str(TimePoint.BASELINE.label), 8, 5, 62] in xlsx_rows(
        workbook, "Response rates"
    )
    responses_csv = zip_rows(national.get(reverse("evaluation:export-responses-csv")))
    assert len(responses_csv) == 1 + 10


def test_a_small_cohort_beside_a_large_one_cannot_be_worked_out_from_the_total(national, camden):
    _respondents(CohortFactory(local_authority=camden, name="Big"), 9)
    _respondents(CohortFactory(local_authority=camden, name="Tiny"), 2)

    rates = report(national).context["rates"]

    # Tiny's 2 count as 0 or 5 in the total, fixed for its cell: the total less Big's 9 is
    # that 0 or 5, never 2.
    by_cohort = next(b for b in rates["breakdowns"] if b["key"] == "cohort")
    baseline = {row["label"].split(" (")[0]: row["cells"][0] for row in by_cohort["rows"]}
    assert baseline["Tiny"].responded.label == "fewer than 5"
    assert baseline["Big"].responded.value == 9
    total = rates["total"][0].responded.value
    assert total - 9 in (0, 5)
    again = report(national).context["rates"]["total"][0].responded.value
    assert again == total  # the same on every request: nothing to average away


def test_response_rates_break_down_by_integrated_care_board_counting_each_cohort_once(
    national, camden
):
    north_central = IntegratedCareBoard.objects.create(
        ods_code="QMJ", name="NHS North Central London Integrated Care Board"
    )
    frimley = IntegratedCareBoard.objects.create(
        ods_code="QNQ", name="NHS Frimley Integrated Care Board"
    )
    hampshire_icb = IntegratedCareBoard.objects.create(
        ods_code="QRL", name="NHS Hampshire and Isle of Wight Integrated Care Board"
    )
    camden.icbs.add(north_central)
    hampshire = LocalAuthorityFactory(code="T50", name="Hampshire")
    hampshire.icbs.add(frimley, hampshire_icb)  # one LA, two ICBs: one row named for both
    _respondents(CohortFactory(local_authority=camden), 5)
    _respondents(CohortFactory(local_authority=hampshire), 6)

    rates = report(national).context["rates"]

    by_icb = next(b for b in rates["breakdowns"] if b["key"] == "icb")
    baseline = {row["label"]: row["cells"][0].responded.value for row in by_icb["rows"]}
    assert baseline == {"Frimley / Hampshire and Isle of Wight": 6, "North Central London": 5}
    assert by_icb["title"] == "By integrated care board"


def test_a_small_cohorts_answers_cannot_be_had_by_subtracting_two_reports(national, camden):
    """LA figures minus the big cohort's would be the small cohort's answers: the small
    cohort's answers are left out of every answer-based figure, so the two reports agree."""
    big = CohortFactory(local_authority=camden, name="Big")
    small = CohortFactory(local_authority=camden, name="Small")
    _respondents(big, 6)
    _respondents(small, 3)
    both = {"time_a": TimePoint.BASELINE, "time_b": TimePoint.POST}

    whole_la = report(national, local_authority=camden.pk, **both).context
    big_only = report(national, cohort=big.pk, **both).context

    def counts(context):
        return [
            (d.code, [str(c) for at in d.time_points for c in at["cells"]])
            for d in context["distributions"]
        ]

    assert counts(whole_la) == counts(big_only)
    [comms_la], [comms_big] = whole_la["change"]["questions"], big_only["change"]["questions"]
    assert comms_la.pairs.value == comms_big.pairs.value == 6
    # Response rates still count everyone: the small cohort's 3 as 0 or 5 (6 of 12 or 11 of
    # 12 answered at baseline, not 9: that would give the 3 away).
    assert whole_la["rates"]["total"][0].responded.value in (6, 11)


def test_a_regional_coordinator_sees_only_their_areas_cohorts(client, camden):
    leeds = LocalAuthorityFactory(name="Leeds", code="T02")
    mine = CohortFactory(local_authority=camden, name="Camden cohort")
    theirs = CohortFactory(local_authority=leeds, name="Leeds cohort")
    _respondents(mine, 5)
    _respondents(theirs, 7)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))

    response = report(client)
    assert response.context["rates"]["total"][0].responded.value == 5
    by_cohort = next(b for b in response.context["rates"]["breakdowns"] if b["key"] == "cohort")
    assert [row["label"] for row in by_cohort["rows"]] == [f"Camden cohort ({mine.phase})"]
    assert "Leeds" not in response.content.decode()

    response = report(client, cohort=theirs.pk)
    assert "rates" not in response.context
    assert response.context["filter"].errors
    assert "Leeds cohort" not in response.content.decode()
    export = zip_rows(client.get(reverse("evaluation:export-responses-csv"), {"cohort": theirs.pk}))
    assert export == [["The filters are not valid: nothing to export."]]


def test_filters_narrow_to_a_cohort_and_an_audience(national, camden):
    big = CohortFactory(local_authority=camden)
    _respondents(big, 6)
    _respondents(CohortFactory(local_authority=camden), 5)

    rates = report(national, cohort=big.pk).context["rates"]
    assert rates["total"][0].responded.value == 6
    rates = report(national, audience=Audience.PROFESSIONALS).context["rates"]
    assert rates["total"][0].invited == 0


def _free_text_cohort(camden, count=5):
    cohort = CohortFactory(local_authority=camden)
    questionnaire, questions = make_questionnaire()
    for n in range(count):
        answer(
            PlaceFactory(cohort=cohort),
            TimePoint.BASELINE,
            questionnaire,
            questions,
            comms=3,
            comments=f"Comment number {n}",
        )
    return cohort


@pytest.mark.parametrize("role", [Role.REGIONAL_COORDINATOR, Role.FACILITATOR])
def test_free_text_is_hidden_from_coordinators_and_facilitators(client, camden, role):
    cohort = _free_text_cohort(camden)
    user = user_with_role(
        role, **({"local_authorities": [camden]} if role == Role.REGIONAL_COORDINATOR else {})
    )
    cohort.facilitators.add(user)
    client.force_login(user)

    response = report(client)

    assert response.context["free_text"] is None
    assert "Comment number" not in response.content.decode()
    export = client.get(reverse("evaluation:export-responses-csv"))
    if role == Role.FACILITATOR:  # no response-level rows at all: they know each attendee
        assert export.status_code == 403
        assert "Anonymised responses" not in response.content.decode()
        return
    export = zip_rows(export)
    assert "comments" not in export[0]
    assert not any("Comment number" in cell for row in export for cell in row)


def test_free_text_is_shown_to_national_roles_from_five_respondents(national, camden):
    _free_text_cohort(camden, count=5)

    response = report(national)

    [section] = response.context["free_text"]
    [item] = section["questions"]
    assert item["answers"] == [f"Comment number {n}" for n in range(5)]
    assert "Comment number 3" in response.content.decode()
    export = zip_rows(national.get(reverse("evaluation:export-responses-csv")))
    assert "comments" in export[0]


def test_free_text_from_four_respondents_is_not_shown_even_to_national_roles(national, camden):
    _free_text_cohort(camden, count=4)

    response = report(national)

    assert response.context["free_text"] == []
    assert "Comment number" not in response.content.decode()


def test_the_anonymised_export_names_no_school_person_or_id(national, camden):
    cohort = CohortFactory(local_authority=camden, name="Camden spring cohort")
    questionnaire, questions = make_questionnaire()
    places = [PlaceFactory(cohort=cohort) for _ in range(6)]
    responses = [
        answer(place, TimePoint.BASELINE, questionnaire, questions, comms=n % 5 + 1, heard="=1+1")
        for n, place in enumerate(places)
    ]

    for name in ("export-responses-csv", "export-responses-xlsx"):
        http = national.get(reverse(f"evaluation:{name}"))
        if name.endswith("csv"):
            rows = zip_rows(http)
        else:
            rows = [[str(v) for v in row] for row in xlsx_rows(http, "Responses")]
        text = "\n".join(",".join(map(str, row)) for row in rows)
        assert rows[0][:11] == [
            "respondent_key",
            "cohort_key",
            "time_point",
            "month_submitted",
            "phase",
            "region",
            "local_authority",
            "delivery_model",
            "audience",
            "questionnaire",
            "questionnaire_version",
        ]
        assert len(rows) == 7
        for place in places:
            assert place.establishment.name not in text
            assert place.attendee_email not in text
            assert place.attendee_name not in text
            assert str(place.establishment.urn) not in text
        assert cohort.name not in text
        assert all(row[rows[0].index("heard")] == "'=1+1" for row in rows[1:])
        # No column holds a response, invitation, participant, place or cohort id.
        ids = {str(r.pk) for r in responses} | {str(r.invitation_id) for r in responses}
        ids |= {str(p.pk) for p in places} | {str(p.participant_id) for p in places}
        ids.add(str(cohort.pk))
        first_columns = {value for row in rows[1:] for value in row[:11]}
        assert not ids & (first_columns - {"1"})


def test_the_report_needs_the_evaluation_permission(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("evaluation:report")).status_code == 403
    client.logout()
    assert client.get(reverse("evaluation:report")).status_code == 302


def test_the_navigation_links_to_the_reports(national):
    page = national.get(reverse("home")).content.decode()
    assert f'href="{reverse("evaluation:report")}"' in page


def test_every_chart_on_the_report_has_a_table(national, camden):
    _respondents(CohortFactory(local_authority=camden), 5)

    page = report(national, time_a=TimePoint.BASELINE, time_b=TimePoint.POST).content.decode()

    assert page.count("<canvas") == 2
    assert page.count('aria-hidden="true" height') == 2
    assert "(the figures of the chart)" in page


def test_a_link_naming_other_filters_shows_the_time_points_it_compares(national, camden):
    """A link that names only, say, the delivery model compares baseline with follow-up,
    and the form says so (not the first choice of each list)."""
    response = national.get(reverse("evaluation:report"), {"audience": Audience.SCHOOL_STAFF})
    page = response.content.decode()
    assert f'<option value="{TimePoint.FOLLOW_UP.value}" selected>' in page
    assert f'<option value="{TimePoint.BASELINE.value}" selected>' in page
    assert page.count(" selected>") >= 2


def test_a_csv_download_works_out_only_its_own_table(national, camden, monkeypatch):
    """Each CSV holds one table of the report: the others are not worked out for it (the
    national rates CSV worked out every paired change and answer as well)."""
    whole = {
        table: csv_rows(national.get(reverse("evaluation:export-aggregates-csv", args=[table])))
        for table in ("rates", "change", "distribution")
    }
    asked = []
    for name in ("rates_rows_streamed", "paired_changes", "answer_distributions"):
        real = getattr(__import__("evaluation.report_export").report_export, name)

        def counted(*args, _name=name, _real=real, **kwargs):
            asked.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(f"evaluation.report_export.{name}", counted)
    for table, selector in (
        ("rates", "rates_rows_streamed"),
        ("change", "paired_changes"),
        ("distribution", "answer_distributions"),
    ):
        asked.clear()
        url = reverse("evaluation:export-aggregates-csv", args=[table])
        assert csv_rows(national.get(url)) == whole[table]
        assert asked == [selector], table
    asked.clear()
    national.get(reverse("evaluation:export-aggregates-xlsx"))
    assert sorted(asked) == ["answer_distributions", "paired_changes", "rates_rows_streamed"]
