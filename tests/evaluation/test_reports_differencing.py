"""Subtraction gives no small group away: the figures a user can get from every filter, every
export and the dashboard, combined as someone set on finding a small cohort's count would.

The attack of issue 10: three cohorts answer at baseline, A (12), B (24) and C (fewer than 5).
Unfiltered, the report shows the total; filtered to A and to B it shows their counts; the row-
level export counts A's and B's responses too. The total less A and B used to be C's count."""

import pytest
from django.urls import reverse

from accounts.models import Role
from evaluation.models import Audience, TimePoint
from evaluation.suppression import released_count
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, PlaceFactory
from tests.evaluation.factories import (
    QuestionnaireFactory,
    ResponseFactory,
    SurveyInvitationFactory,
)
from tests.evaluation.test_reports import csv_rows, report, xlsx_rows, zip_rows
from tests.schools.factories import LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

BASELINE = str(TimePoint.BASELINE.label)
SMALL = "fewer than 5"


def surveyed(cohort, *, responded, invited, audience=Audience.SCHOOL_STAFF):
    """``invited`` people of ``cohort`` sent the baseline survey, ``responded`` of whom
    submitted it (staff through their school's place, professionals directly)."""
    questionnaire = QuestionnaireFactory(audience=audience)
    for n in range(invited):
        if audience == Audience.SCHOOL_STAFF:
            person = {"place": PlaceFactory(cohort=cohort)}
        else:
            person = {"place": None, "professional": ProfessionalFactory(cohort=cohort)}
        invitation = SurveyInvitationFactory(questionnaire=questionnaire, **person)
        if n < responded:
            ResponseFactory(invitation=invitation)


def shown(cell) -> int | str:
    """A responses figure as the page shows it: the number, or the words for a hidden one."""
    return cell.label if cell.hidden else cell.value


def page_figures(client, **filters) -> dict[str, int | str]:
    """Baseline responses on the report page: the total, and each cohort's row."""
    rates = report(client, **filters).context["rates"]
    figures = {"total": shown(rates["total"][0].responded)}
    by_cohort = next(b for b in rates["breakdowns"] if b["key"] == "cohort")
    for row in by_cohort["rows"]:
        figures[row["label"].split(" (")[0]] = shown(row["cells"][0].responded)
    return figures


def csv_figures(client, **filters) -> dict[str, str]:
    """Baseline responses in the response-rates CSV: the total, and each cohort's row."""
    url = reverse("evaluation:export-aggregates-csv", args=["rates"])
    rows = csv_rows(client.get(url, filters))
    return {
        ("total" if group == "All" else group.split(" (")[0]): responses
        for breakdown, group, time_point, _sent, responses, _rate in rows[1:]
        if time_point == BASELINE and breakdown in ("All", "Cohort")
    }


def exported_responses(client, **filters) -> int:
    """How many baseline responses the row-level anonymised export holds."""
    rows = zip_rows(client.get(reverse("evaluation:export-responses-csv"), filters))
    return sum(1 for row in rows[1:] if row[rows[0].index("time_point")] == BASELINE)


def could_have_been(difference: int, *, invited: int) -> set[int]:
    """Every count under 5 that can leave ``difference`` between a total and its other parts,
    whichever way its cell's draw falls (many cells stand in for the unknown draw)."""
    return {
        count
        for count in range(min(5, invited + 1))
        for probe in range(300)
        if released_count(count, invited, cell=f"probe-{probe}") == difference
    }


@pytest.mark.parametrize("small", [0, 1, 2, 3, 4])
def test_a_total_less_every_other_cohort_does_not_give_a_small_cohort_away(client, small):
    camden = LocalAuthorityFactory(name="Camden")
    a, b, c = (CohortFactory(local_authority=camden, name=name) for name in "ABC")
    surveyed(a, responded=12, invited=20)
    surveyed(b, responded=24, invited=30)
    surveyed(c, responded=small, invited=8)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    whole = page_figures(client)
    alone = {cohort.name: page_figures(client, cohort=cohort.pk)["total"] for cohort in (a, b, c)}
    whole_csv = csv_figures(client)
    alone_csv = {cohort.name: csv_figures(client, cohort=cohort.pk)["total"] for cohort in (a, b)}
    workbook = client.get(reverse("evaluation:export-aggregates-xlsx"))
    xlsx_total = next(
        row[4]
        for row in xlsx_rows(workbook, "Response rates")
        if row[:3] == ["All", "All", BASELINE]
    )
    dashboard = client.get(reverse("home")).context["survey_rates"][0]["cell"].responded

    # The attack: the total less A and B (each filtered to) is C's share, 0 or 5, not its count.
    total = whole["total"]
    difference = total - alone["A"] - alone["B"]
    assert difference in (0, 5)
    assert len(could_have_been(difference, invited=8)) >= 2
    # C's count is nowhere; A's and B's are exact wherever they appear, the export included,
    # and every view shows the one total.
    assert whole["C"] == alone["C"] == whole_csv["C"] == SMALL
    assert (whole["A"], whole["B"], alone["A"], alone["B"]) == (12, 24, 12, 24)
    assert (alone_csv["A"], alone_csv["B"]) == ("12", "24")
    assert exported_responses(client, cohort=a.pk) == 12
    assert exported_responses(client, cohort=b.pk) == 24
    assert exported_responses(client) == 36  # C's responses are in no row
    assert str(total) == whole_csv["total"]
    assert xlsx_total == total == shown(dashboard)


def test_a_cohort_less_its_professionals_does_not_give_its_staff_away(client):
    """The audience filter splits a cohort in two: both audiences less the professionals
    would be the school staff."""
    camden = LocalAuthorityFactory(name="Camden")
    cohort = CohortFactory(local_authority=camden, name="C")
    surveyed(cohort, responded=4, invited=9)
    surveyed(cohort, responded=6, invited=7, audience=Audience.PROFESSIONALS)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    both = page_figures(client, cohort=cohort.pk)["total"]
    staff = page_figures(client, cohort=cohort.pk, audience=Audience.SCHOOL_STAFF)["total"]
    professionals = page_figures(client, cohort=cohort.pk, audience=Audience.PROFESSIONALS)

    assert staff == SMALL
    assert professionals["total"] == 6
    assert both - 6 in (0, 5)
    assert len(could_have_been(both - 6, invited=9)) >= 2


def test_a_coordinators_dashboard_agrees_with_their_report(client):
    """The dashboard's panel counts the same cells the same way as the report, so neither can
    be subtracted from the other."""
    camden = LocalAuthorityFactory(name="Camden")
    big, small = (CohortFactory(local_authority=camden, name=name) for name in ("Big", "Small"))
    surveyed(big, responded=9, invited=12)
    surveyed(small, responded=3, invited=6)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]))

    dashboard = client.get(reverse("home"))
    panel = dashboard.context["survey_rates"][0]["cell"]
    big_alone = page_figures(client, cohort=big.pk)["total"]
    figures = page_figures(client)

    assert panel.responded.value - big_alone in (0, 5)
    assert (figures["Big"], figures["Small"], big_alone) == (9, SMALL, 9)
    assert panel.responded.value == figures["total"]
    assert panel.invited == 18
    assert panel.rate.value == round(100 * figures["total"] / 18)
    # Both say so in plain words.
    assert "counts as 0 or 5 in these totals" in dashboard.content.decode()
    assert "counts as 0 or 5 in these totals" in report(client).content.decode()
