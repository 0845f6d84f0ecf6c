"""The reports at national scale: the pooled responses are worked out within the report's
cohorts and audience (the same cells pass), and the page lists each cohort only when there
are few enough of them, while the CSV still lists every one."""

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from evaluation import filters
from evaluation.models import Audience, Response, TimePoint
from evaluation.selectors.groups import ReportGroup, pooled_responses
from evaluation.views import reports
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.test_reports import (
    _respondents,
    answer,
    csv_rows,
    make_questionnaire,
    national,  # noqa: F401 - a fixture
    report,
)
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cohorts():
    """Two LAs; in the first a cohort of 6 and one of 2 respondents, in the second one of 5
    staff plus 3 professionals."""
    camden, hackney = (LocalAuthorityFactory(code=f"S{n}") for n in range(2))
    big = CohortFactory(local_authority=camden, name="Big")
    tiny = CohortFactory(local_authority=camden, name="Tiny")
    mixed = CohortFactory(local_authority=hackney, name="Mixed")
    _respondents(big, 6)
    _respondents(tiny, 2)
    _respondents(mixed, 5)
    questionnaire, questions = make_questionnaire(audience=Audience.PROFESSIONALS)
    for _ in range(3):
        answer(PlaceFactory(cohort=mixed), TimePoint.BASELINE, questionnaire, questions, comms=3)
    return camden, hackney, big, tiny, mixed


def test_pooling_within_a_group_keeps_exactly_the_groups_cells_of_the_whole(three_cohorts):
    camden, hackney, big, tiny, mixed = three_cohorts
    everywhere = set(pooled_responses().values_list("pk", flat=True))
    assert everywhere  # the large cells pass
    groups = [
        ReportGroup(cohorts=Cohort.objects.filter(local_authority=camden)),
        ReportGroup(cohorts=Cohort.objects.filter(local_authority=hackney)),
        ReportGroup(cohorts=Cohort.objects.filter(pk=mixed.pk), audience=Audience.PROFESSIONALS),
        ReportGroup(cohorts=Cohort.objects.filter(pk=mixed.pk), audience=Audience.SCHOOL_STAFF),
        ReportGroup(cohorts=Cohort.objects.filter(pk=tiny.pk)),
    ]
    for group in groups:
        in_group = Response.objects.filter(cohort__in=group.cohorts)
        if group.audience:
            in_group = in_group.filter(questionnaire__audience=group.audience)
        expected = everywhere & set(in_group.values_list("pk", flat=True))
        assert set(pooled_responses(group).values_list("pk", flat=True)) == expected
    # the small cells pass nowhere: Tiny's 2 and Mixed's 3 professionals
    assert not pooled_responses(groups[2]).exists()
    assert not pooled_responses(groups[4]).exists()


def test_the_page_lists_cohorts_only_up_to_the_limit_and_the_csv_lists_all(
    national,  # noqa: F811
    three_cohorts,
    monkeypatch,
):
    monkeypatch.setattr(reports, "COHORT_ROWS_MAX", 2)
    response = report(national)
    by_cohort = next(b for b in response.context["rates"]["breakdowns"] if b["key"] == "cohort")
    assert by_cohort["collapsed"]
    page = response.content.decode()
    assert 'id="rates-cohort-collapsed"' in page
    assert "Tiny (" not in page
    rows = csv_rows(national.get(reverse("evaluation:export-aggregates-csv", args=["rates"])))
    assert {row[1].split(" (")[0] for row in rows if row[0] == "Cohort"} == {
        "Big",
        "Tiny",
        "Mixed",
    }

    camden = three_cohorts[0]
    page = report(national, local_authority=camden.pk).content.decode()
    assert 'id="rates-cohort-collapsed"' not in page
    assert "Tiny (" in page and "Big (" in page


def test_the_cohort_filter_lists_an_areas_cohorts_beyond_the_limit(
    national,  # noqa: F811
    three_cohorts,
    monkeypatch,
):
    camden, hackney, big, tiny, mixed = three_cohorts
    monkeypatch.setattr(filters, "COHORT_OPTIONS_MAX", 2)

    def options(response):
        field = response.context["filter"].form.fields["cohort"]
        return {value for value, _ in field.widget.choices if value}

    assert options(report(national)) == set()
    assert options(report(national, local_authority=camden.pk)) == {big.pk, tiny.pk}
    # A cohort in scope is still a valid choice without its LA, and stays listed.
    response = report(national, cohort=mixed.pk)
    assert not response.context["filter"].errors
    assert options(response) == {mixed.pk}
    monkeypatch.setattr(filters, "COHORT_OPTIONS_MAX", 150)
    assert options(report(national)) == {big.pk, tiny.pk, mixed.pk}
