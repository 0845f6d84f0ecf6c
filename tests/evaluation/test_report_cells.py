"""The report cells (``evaluation.cells``) give the figures the answers give, after every kind
of change: a submission through the service, rows written in bulk or by hand, the retention
job and an erasure removing the link to a person (pairs already formed stay pairs), a new
questionnaire version, a changed score, a participant deleted. The live computation is the
definition; the reports read the cells."""

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from cohorts.models import Cohort
from evaluation import retention
from evaluation.cells import (
    cells_drift,
    cells_fresh,
    cells_rebuild,
    cells_refresh,
)
from evaluation.models import (
    AnswerCell,
    Audience,
    CellThreshold,
    Outcome,
    PairCell,
    QuestionKind,
    RateTotal,
    StaleCohort,
    SurveyCell,
    TimePoint,
)
from evaluation.selectors import (
    ReportGroup,
    answer_distributions,
    free_text_answers,
    paired_changes,
    response_rates,
)
from evaluation.selectors.cells import EVERY_REGION, rate_sums, whole_regions
from evaluation.selectors.rates import response_rates_summary
from evaluation.services.responses import response_save
from evaluation.stats import paired_change, paired_change_from_sums
from evaluation.suppression import draw_pads, released_count
from linkprog.privacy import subject_erase
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import (
    AnswerFactory,
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
    SurveyInvitationFactory,
)
from tests.workshops.factories import ProfessionalFactory

# The cells are kept by PostgreSQL functions and triggers; on SQLite reports compute live.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TIME_POINTS = list(TimePoint)
#: Forwards and backwards: each order of two time points has cells of its own.
COMPARED = (
    (TimePoint.BASELINE, TimePoint.POST),
    (TimePoint.BASELINE, TimePoint.FOLLOW_UP),
    (TimePoint.FOLLOW_UP, TimePoint.POST),
)


def questionnaire(*, version=1, family="cells_staff", audience=Audience.SCHOOL_STAFF):
    q = QuestionnaireFactory(version=version, family=family, audience=audience)
    section = SectionFactory(questionnaire=q, order=1)
    questions = {
        "comms": QuestionFactory(
            section=section, order=1, code="comms", outcome=Outcome.COMMUNICATION
        ),
        "trust": QuestionFactory(
            section=section, order=2, code="trust", outcome=Outcome.COMMUNICATION
        ),
        "heard": QuestionFactory(section=section, order=3, code="heard", kind=QuestionKind.YES_NO),
        "contact": QuestionFactory(
            section=section,
            order=4,
            code="contact",
            kind=QuestionKind.SINGLE_CHOICE,
            outcome=Outcome.CONTACT,
            required=False,
        ),
        "notes": QuestionFactory(
            section=section, order=5, code="notes", kind=QuestionKind.FREE_TEXT, required=False
        ),
    }
    for order, (value, score) in enumerate((("never", 1), ("termly", 2), ("often", 3)), 1):
        ChoiceFactory(question=questions["contact"], order=order, value=value, score=score)
    return q, questions


def answers_of(n: int, time_point: str) -> dict[str, str]:
    later = TIME_POINTS.index(TimePoint(time_point))
    return {
        "comms": str(1 + (n + later) % 5),
        "trust": str(1 + (n * 2 + later) % 5),
        "heard": "yes" if (n + later) % 3 else "no",
        "contact": ("never", "termly", "often")[(n + later) % 3],
        "notes": f"note {n % 4}",
    }


def respond(invitation, questions, values):
    """A submitted response written row by row, as the bulk writers and factories do."""
    response = ResponseFactory(invitation=invitation)
    for code, raw in values.items():
        question = questions[code]
        field = {
            QuestionKind.LIKERT: ("number", int),
            QuestionKind.YES_NO: ("choice", str),
            QuestionKind.SINGLE_CHOICE: ("choice", str),
            QuestionKind.FREE_TEXT: ("text", str),
        }[question.kind]
        AnswerFactory(
            response=response, question=question, **{"number": None, field[0]: field[1](raw)}
        )
    return response


@pytest.fixture
def programme():
    """Two cohorts of school staff (7 and 3 people) at every time point, and 5
    professionals in the first, all answered by the factories."""
    staff, staff_questions = questionnaire()
    pros, pro_questions = questionnaire(family="cells_pros", audience=Audience.PROFESSIONALS)
    big, small = CohortFactory(), CohortFactory()
    places = [PlaceFactory(cohort=big) for _ in range(7)] + [
        PlaceFactory(cohort=small) for _ in range(3)
    ]
    for n, place in enumerate(places):
        for time_point in TIME_POINTS:
            invitation = SurveyInvitationFactory(
                place=place, time_point=time_point, questionnaire=staff
            )
            respond(invitation, staff_questions, answers_of(n, time_point))
    professionals = [ProfessionalFactory(cohort=big) for _ in range(5)]
    for n, professional in enumerate(professionals):
        for time_point in (TimePoint.BASELINE, TimePoint.FOLLOW_UP):
            invitation = SurveyInvitationFactory(
                place=None, professional=professional, time_point=time_point, questionnaire=pros
            )
            respond(invitation, pro_questions, answers_of(n + 3, time_point))
    return {
        "cohorts": (big, small),
        "places": places,
        "staff": (staff, staff_questions),
        "professionals": professionals,
    }


def figures(group: ReportGroup) -> dict:
    return {
        "rates": response_rates(group),
        "changes": [paired_changes(group, time_a=a, time_b=b) for a, b in COMPARED],
        "distributions": answer_distributions(group),
        "free_text": free_text_answers(group),
    }


def live(monkeypatch):
    """Make the selectors compute from the answers, as on SQLite."""
    for module in ("rates", "outcomes"):
        monkeypatch.setattr(f"evaluation.selectors.{module}.cells_in_use", lambda: False)


def groups():
    cohorts = Cohort.objects.all()
    yield ReportGroup(cohorts=cohorts)
    for audience in Audience.values:
        yield ReportGroup(cohorts=cohorts, audience=audience)
    for cohort in cohorts:
        yield ReportGroup(cohorts=Cohort.objects.filter(pk=cohort.pk))


def assert_cells_give_the_live_figures(monkeypatch):
    kept = [figures(group) for group in groups()]
    with monkeypatch.context() as patched:
        live(patched)
        computed = [figures(group) for group in groups()]
    assert kept == computed
    assert cells_drift() == []
    return kept


def test_the_cells_give_the_live_figures_after_every_kind_of_change(monkeypatch, programme):
    big, small = programme["cohorts"]
    assert StaleCohort.objects.exists()  # the factories wrote row by row: marked, not worked out
    first = assert_cells_give_the_live_figures(monkeypatch)
    assert not StaleCohort.objects.exists()  # the readers worked them out
    [rates, *_] = first
    assert rates["rates"]["total"][0].responded.value == 15  # 10 staff (one cell of 3) + 5
    assert SurveyCell.objects.filter(cohort=small, submitted=3).count() == 3
    assert PairCell.objects.filter(cohort=big, code="comms").exists()
    # The whole programme sums the region totals; one cohort of two in a region, its cells.
    assert whole_regions(ReportGroup(cohorts=Cohort.objects.all())) is not None
    big.local_authority = small.local_authority
    big.save()
    assert whole_regions(ReportGroup(cohorts=Cohort.objects.filter(pk=big.pk))) is None
    assert_cells_give_the_live_figures(monkeypatch)

    # A submission through the service works its cohort out in the same transaction.
    staff, staff_questions = programme["staff"]
    newcomer = PlaceFactory(cohort=small)
    invitation = SurveyInvitationFactory(
        place=newcomer, time_point=TimePoint.BASELINE, questionnaire=staff
    )
    assert StaleCohort.objects.filter(cohort_id=small.pk).exists()  # sent: rates count it
    cells_fresh()
    response_save(invitation=invitation, answers=answers_of(9, "baseline"), submit=False)
    assert not StaleCohort.objects.exists()  # a draft counts for nothing
    response_save(invitation=invitation, answers=answers_of(9, "baseline"), submit=True)
    assert not StaleCohort.objects.exists()
    assert SurveyCell.objects.get(cohort=small, time_point="baseline").submitted == 4
    assert_cells_give_the_live_figures(monkeypatch)

    # The retention job removes the link to the person: the pairs stay, so does every figure.
    before = figures(ReportGroup(cohorts=Cohort.objects.all()))
    assert retention.invitations_unlink(big.survey_invitations.all()) > 0
    assert not StaleCohort.objects.exists()
    assert figures(ReportGroup(cohorts=Cohort.objects.all())) == before
    assert_cells_give_the_live_figures(monkeypatch)

    # An erasure does the same for one person.
    subject_erase(email=programme["places"][8].attendee_email)
    assert figures(ReportGroup(cohorts=Cohort.objects.all())) == before
    assert_cells_give_the_live_figures(monkeypatch)

    # A second version: its answers pair with the first version's by code.
    v2, v2_questions = questionnaire(version=2)
    for n in range(3):
        place = PlaceFactory(cohort=small)
        for time_point in (TimePoint.BASELINE, TimePoint.POST):
            version, questions = (
                (staff, staff_questions) if time_point == TimePoint.BASELINE else (v2, v2_questions)
            )
            respond(
                SurveyInvitationFactory(place=place, time_point=time_point, questionnaire=version),
                questions,
                answers_of(n, time_point),
            )
    changed = assert_cells_give_the_live_figures(monkeypatch)
    [small_change] = [
        row
        for row in changed[-1]["changes"][0]["questions"]  # the small cohort, baseline to post
        if row.key == "comms"
    ]
    assert small_change.pairs.value == 6  # 3 of version 1 only, 3 across versions

    # A changed score moves the pairs of every cohort that answered it.
    contact = staff_questions["contact"].choices.get(value="often")
    contact.score = 5
    contact.save()
    assert StaleCohort.objects.exists()
    assert_cells_give_the_live_figures(monkeypatch)

    # Someone taken off a cohort takes their invitations and answers with them.
    programme["professionals"][0].participant.delete()
    assert_cells_give_the_live_figures(monkeypatch)


def test_a_reader_works_out_stale_cohorts_in_one_query(programme, django_assert_num_queries):
    with django_assert_num_queries(1):
        cells_fresh()
    assert not StaleCohort.objects.exists()
    with django_assert_num_queries(1):
        cells_fresh()


def test_a_submission_costs_the_same_queries_in_a_small_and_a_large_cohort(
    django_assert_num_queries,
):
    staff, questions = questionnaire()
    cohorts = [CohortFactory(), CohortFactory()]
    counts = []
    for cohort, people in zip(cohorts, (5, 40), strict=True):
        for n in range(people):
            respond(
                SurveyInvitationFactory(place=PlaceFactory(cohort=cohort), questionnaire=staff),
                questions,
                answers_of(n, "baseline"),
            )
        invitation = SurveyInvitationFactory(place=PlaceFactory(cohort=cohort), questionnaire=staff)
        with django_assert_num_queries(counts[0] if counts else 10) as captured:
            response_save(invitation=invitation, answers=answers_of(1, "baseline"), submit=True)
        counts.append(len(captured.captured_queries))
    assert SurveyCell.objects.get(cohort=cohorts[1]).submitted == 41


def test_the_rebuild_command_works_every_cell_out_again_and_checks(programme, capsys):
    cells_fresh()
    kept = sorted(AnswerCell.objects.values_list("cohort_id", "code", "value", "answers"))
    AnswerCell.objects.all().delete()
    with pytest.raises(SystemExit):
        call_command("evaluation_cells_rebuild", "--check")
    assert "differs" in capsys.readouterr().out
    call_command("evaluation_cells_rebuild")
    assert "answer cells" in capsys.readouterr().out
    assert sorted(AnswerCell.objects.values_list("cohort_id", "code", "value", "answers")) == kept
    call_command("evaluation_cells_rebuild", "--check")
    assert "agree" in capsys.readouterr().out


def test_the_dashboard_rates_come_from_the_same_cells(monkeypatch, programme):
    from accounts.scoping import Scope

    scope = Scope(national=True)
    kept = response_rates_summary(scope=scope)
    with monkeypatch.context() as patched:
        live(patched)
        assert response_rates_summary(scope=scope) == kept
    assert kept[0]["cell"].responded.value == 15


@pytest.mark.parametrize(
    "pairs",
    [
        [(2, 4), (3, 4), (2, 3), (4, 4), (1, 3), (3, 5)],
        [(1, 1), (1, 1)],
        [(3, 2)],
        [(1.5, 2.0), (2.5, 4.0), (3.0, 3.5), (2 / 3, 5 / 3)],
    ],
)
def test_the_change_from_sums_is_the_change_from_the_pairs(pairs):
    sums = {
        "n": len(pairs),
        "sum_a": sum(a for a, _ in pairs),
        "sum_b": sum(b for _, b in pairs),
        "sum_d": sum(b - a for a, b in pairs),
        "sum_d2": sum((b - a) ** 2 for a, b in pairs),
    }
    expected, got = paired_change(pairs), paired_change_from_sums(**sums)
    for name in ("n", "mean_a", "mean_b", "mean_change", "sd", "ci_low", "ci_high"):
        want, have = getattr(expected, name), getattr(got, name)
        assert (want is None and have is None) or have == pytest.approx(want, abs=1e-12)


@pytest.mark.django_db(transaction=True)
def test_two_submissions_in_one_cohort_at_once_are_both_counted():
    """Each submission works out its cohort's cells under the cohort's lock, so the second
    waits for the first and counts it."""
    staff, questions = questionnaire()
    cohort = CohortFactory()
    invitations = [
        SurveyInvitationFactory(place=PlaceFactory(cohort=cohort), questionnaire=staff)
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(invitations))
    failures = []

    def submit(invitation):
        try:
            barrier.wait()
            response_save(invitation=invitation, answers=answers_of(1, "baseline"), submit=True)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert SurveyCell.objects.get(cohort=cohort).submitted == 6
    assert not StaleCohort.objects.exists()
    assert (
        sum(
            AnswerCell.objects.filter(cohort=cohort, code="comms").values_list("answers", flat=True)
        )
        == 6
    )


def test_cells_refresh_and_rebuild_agree(programme):
    cells_rebuild()
    everything = sorted(PairCell.objects.values_list("cohort_id", "code", "outcome", "pairs"))
    cells_refresh(Cohort.objects.values_list("pk", flat=True))
    assert sorted(PairCell.objects.values_list("cohort_id", "code", "outcome", "pairs")) == (
        everything
    )


def test_with_another_threshold_the_reports_sum_the_cells_not_the_totals(
    monkeypatch, programme, settings
):
    settings.LINK_SURVEY_MIN_CELL = 3
    assert whole_regions(ReportGroup(cohorts=Cohort.objects.all())) is None
    kept = assert_cells_give_the_live_figures(monkeypatch)
    assert kept[0]["rates"]["total"][0].responded.value == 15


def test_the_database_draws_each_small_cell_as_suppression_does():
    """The released count the cells keep is ``released_count``'s, worked out in SQL from the
    padded keys (the same keyed draw, in whole numbers), for every size under the threshold,
    and the responses themselves from it up."""
    cohort = CohortFactory()
    sizes = [(responded, invited) for invited in (1, 2, 3, 8) for responded in range(invited + 1)]
    sizes += [(5, 9), (7, 7)]
    cells = [
        SurveyCell(
            cohort=cohort, audience=f"a{n}", time_point=tp, responded=responded, invited=invited
        )
        for n, (responded, invited) in enumerate(sizes * 12)
        for tp in ("baseline", "post")
    ]
    SurveyCell.objects.bulk_create(cells)
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT evaluation_cells_release(%s::bigint[], 5, %s, %s)", [[cohort.pk], *draw_pads()]
        )
    kept = SurveyCell.objects.filter(cohort=cohort).values_list(
        "audience", "time_point", "responded", "invited", "released"
    )
    drawn = [
        released_count(responded, invited, cell=f"{cohort.pk}:{audience}:{tp}", least=5)
        for audience, tp, responded, invited, _ in kept
    ]
    assert [row[-1] for row in kept] == drawn
    # Both ways a small cell can fall, and the large ones as they are.
    small = {(row[2], row[3], row[4]) for row in kept if row[2] < 5}
    assert (2, 8, 0) in small and (2, 8, 5) in small
    assert all(row[4] == row[2] for row in kept if row[2] >= 5)
    SurveyCell.objects.filter(cohort=cohort).delete()  # made by hand: no answers behind them


def test_the_report_sums_the_drawn_cells_in_sql_and_lists_cohorts_up_to_a_limit(
    monkeypatch, programme
):
    group = ReportGroup(cohorts=Cohort.objects.all())
    assert rate_sums(group, ()) is not None  # drawn with today's threshold and key
    with monkeypatch.context() as patched:
        # The drawn sums alone: no cell drawn here.
        patched.setattr("evaluation.selectors.rates.group_cells", None)
        summed = response_rates(group, cohort_rows_max=1)
        full = response_rates(group)
    by_cohort = summed["breakdowns"][-1]
    assert by_cohort["collapsed"] and by_cohort["rows"] == [] and by_cohort["count"] == 2
    assert summed["total"] == full["total"] and summed["breakdowns"][:-1] == full["breakdowns"][:-1]
    assert len(full["breakdowns"][-1]["rows"]) == 2
    with monkeypatch.context() as patched:
        live(patched)
        assert response_rates(group) == full
    # Another key (a new SECRET_KEY) until a rebuild: drawn here again, cell by cell.
    CellThreshold.objects.update(key_id="another")
    assert rate_sums(group, ()) is None
    assert response_rates(group) == full
    cells_rebuild()  # what the drift check asks for: drawn again with today's key
    assert rate_sums(group, ()) is not None


def test_the_rate_totals_follow_a_cohort_moved_to_another_phase_or_mhst_area(
    monkeypatch, programme
):
    from tests.cohorts.factories import PhaseFactory
    from tests.schools.factories import MHSTAreaFactory

    big, _ = programme["cohorts"]
    everyone = ReportGroup(cohorts=Cohort.objects.all())
    cells_fresh()
    assert whole_regions(everyone) is not None  # the report sums the rate totals
    big.mhst_area = MHSTAreaFactory(name="Moved here")
    big.phase = PhaseFactory(name="Later phase")
    big.save()
    assert StaleCohort.objects.filter(cohort_id=big.pk).exists()  # the trigger marked it
    kept = assert_cells_give_the_live_figures(monkeypatch)
    by_area = {row["label"] for row in kept[0]["rates"]["breakdowns"][3]["rows"]}
    assert "Moved here" in by_area
    assert RateTotal.objects.filter(mhst_area=big.mhst_area, phase=big.phase).exists()


def test_a_report_of_every_cohort_sums_every_region_without_counting_cells(
    programme, django_assert_num_queries
):
    cells_fresh()
    everyone = ReportGroup(cohorts=Cohort.objects.all())
    with django_assert_num_queries(1):  # the threshold; no count over the cells
        assert whole_regions(everyone) == EVERY_REGION
    # The same cohorts named one by one: their regions, counted, give the same figures.
    named = ReportGroup(cohorts=Cohort.objects.filter(pk__in=[c.pk for c in programme["cohorts"]]))
    assert whole_regions(named) not in (None, EVERY_REGION)
    assert figures(named) == figures(everyone)


def test_a_regions_coordinator_reads_its_region_totals_without_counting_the_cells(
    programme, django_assert_num_queries
):
    """A scope of whole regions and nothing else holds every cohort of them: its group
    knows its regions, reads their totals with no count over the cells, and gives the
    figures the counted group gives. Any other scope does not know."""
    from accounts.scoping import NATIONAL, Scope
    from evaluation.selectors.groups import reportable_cohorts, scope_regions
    from tests.schools.factories import LocalAuthorityFactory

    cells_fresh()
    big, _ = programme["cohorts"]
    elsewhere = CohortFactory(local_authority=LocalAuthorityFactory(region="E12000003"))
    PlaceFactory(cohort=elsewhere)
    region = big.local_authority.region
    scope = Scope(regions=frozenset({region}))
    known = ReportGroup(cohorts=reportable_cohorts(scope=scope), regions=scope_regions(scope))
    with django_assert_num_queries(1):  # the threshold
        assert whole_regions(known) == (region,)
    counted = ReportGroup(cohorts=reportable_cohorts(scope=scope))
    assert whole_regions(counted) == (region,)
    assert figures(known) == figures(counted)
    assert elsewhere not in known.cohorts
    for other in (
        NATIONAL,
        Scope(regions=frozenset({region}), la_ids=frozenset({elsewhere.local_authority_id})),
        Scope(regions=frozenset({region}), mhst_area_ids=frozenset({1})),
        Scope(regions=frozenset({region}), facilitator_id=1),
        Scope(la_ids=frozenset({big.local_authority_id})),
    ):
        assert scope_regions(other) is None


def test_the_rates_export_streams_each_cohorts_rows_as_the_report_orders_them(programme):
    """The response rates' CSV and sheet write the rows by cohort as the cells are read, in
    the order the report sorts them (phase start, name as Python orders text, id): the same
    rows as the table worked out whole, for every group."""
    from evaluation.exports import rates_rows, rates_rows_streamed
    from evaluation.selectors.rates import cohort_rates
    from tests.cohorts.factories import PhaseFactory

    big, small = programme["cohorts"]
    later = PhaseFactory(
        name="Later phase",
        start_date=big.phase.start_date.replace(year=2098),
        end_date=big.phase.start_date.replace(year=2099),
    )
    big.name, small.name = "beta", "Beta"  # upper case first in code point order
    small.phase = big.phase
    big.save()
    small.save()
    third = CohortFactory(name="Älter", phase=big.phase)
    PlaceFactory(cohort=third)
    cells_fresh()
    for group in groups():
        assert cohort_rates(group) is not None  # streamed from the cells
        assert list(rates_rows_streamed(group)) == list(rates_rows(response_rates(group)))
    everyone = ReportGroup(cohorts=Cohort.objects.all())
    assert [label for label, _ in cohort_rates(everyone)] == [
        f"Beta ({big.phase.name})",
        f"beta ({big.phase.name})",
    ]
    big.phase = later
    big.save()
    assert [label for label, _ in cohort_rates(everyone)] == [
        f"Beta ({small.phase.name})",
        "beta (Later phase)",
    ]
    assert list(rates_rows_streamed(everyone)) == list(rates_rows(response_rates(everyone)))
