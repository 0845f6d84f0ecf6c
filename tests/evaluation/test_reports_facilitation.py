"""The evaluation report's CASCADE ratings of online strategic facilitation (issue 15, item
6): response rates and paired change consultation -> final review per area, with the
evaluation's suppression (fewer than 5: hidden; an engagement's pairs count only from 5),
scoped like the rest, shown or hidden by the delivery model filter, in the exports too, and
at the same number of queries at 5 and 500 stakeholders."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from evaluation.selectors.facilitation import cascade_ratings
from evaluation.stats import paired_change
from facilitation.models import (
    CascadeArea,
    CascadeRating,
    Engagement,
    RatingPoint,
    RatingRequest,
    RatingRound,
)
from facilitation.retention import stakeholders_anonymise
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from tests.request_cost import request_cost
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

REPORT = "evaluation:report"


def score_a(i: int) -> int:
    return 2 + i % 2


def score_b(i: int) -> int:
    return min(5, score_a(i) + 1 + (i % 3 == 0))


def rated_engagement(*, people: int, first: int, second: int, la=None) -> Engagement:
    """An engagement of ``people`` stakeholders asked at both time points: the first
    ``first`` rated at the consultation (``score_a``), the first ``second`` at the final
    review (``score_b``), every area alike but "evidence_based", which person 0 did not
    know at the final review."""
    engagement = EngagementFactory(local_authority=la or LocalAuthorityFactory())
    stakeholders = StakeholderFactory.create_batch(people, engagement=engagement)
    now = timezone.now()
    ratings = []
    for point, rated, score in (
        (RatingPoint.CONSULTATION, first, score_a),
        (RatingPoint.FINAL_REVIEW, second, score_b),
    ):
        round_ = RatingRound.objects.create(engagement=engagement, point=point, opened_at=now)
        requests = RatingRequest.objects.bulk_create(
            RatingRequest(
                round=round_, stakeholder=s, sent_at=now, submitted_at=now if i < rated else None
            )
            for i, s in enumerate(stakeholders)
        )
        for i, request in enumerate(requests[:rated]):
            for area in CascadeArea.values:
                dont_know = area == "evidence_based" and i == 0 and point == "final_review"
                ratings.append(
                    CascadeRating(request=request, area=area, score=None if dont_know else score(i))
                )
    CascadeRating.objects.bulk_create(ratings, batch_size=2000)
    return engagement


def national(client):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    return client


def by_area(cascade: dict) -> dict:
    return {row.key: row for row in cascade["changes"]}


# --- The figures and their suppression ----------------------------------------------------


def test_five_pairs_are_shown_with_the_evaluations_statistics():
    engagement = rated_engagement(people=8, first=6, second=5)

    cascade = cascade_ratings(Engagement.objects.filter(pk=engagement.pk))

    expected = paired_change([(score_a(i), score_b(i)) for i in range(5)])
    clarity = by_area(cascade)["clarity"]
    assert clarity.pairs.value == 5
    assert clarity.mean_a.value == round(expected.mean_a, 3)
    assert clarity.mean_change.value == round(expected.mean_change, 3)
    assert clarity.ci_low.value == round(expected.ci_low, 3)
    # One "don't know" at the final review leaves 4 pairs in that area: hidden.
    assert by_area(cascade)["evidence_based"].pairs.label == "fewer than 5"
    assert by_area(cascade)["evidence_based"].mean_change.value is None
    assert by_area(cascade)["all"].pairs.value == 5
    consultation, final = cascade["rates"]
    assert (consultation["asked"], consultation["rated"].value, consultation["rate"].value) == (
        8,
        6,
        75,
    )
    assert final["rated"].value == 5
    rated = {area["area"]: area["rated"] for area in cascade["areas"]}
    assert [c.value for c in rated["clarity"]] == [6, 5]
    assert [c.export() for c in rated["evidence_based"]] == [6, "fewer than 5"]


def test_four_pairs_are_hidden_and_count_in_no_total():
    small = rated_engagement(people=6, first=5, second=4)
    large = rated_engagement(people=6, first=6, second=6)

    alone = cascade_ratings(Engagement.objects.filter(pk=small.pk))
    together = cascade_ratings(Engagement.objects.filter(pk__in=[small.pk, large.pk]))
    large_only = cascade_ratings(Engagement.objects.filter(pk=large.pk))

    assert all(row.pairs.hidden and row.mean_change.value is None for row in alone["changes"])
    assert alone["rates"][1]["rated"].label == "fewer than 5"
    # The small engagement's 4 pairs are left out of every total, so the total less the large
    # engagement's figures gives nothing away.
    assert by_area(together)["clarity"].pairs.value == 6
    assert by_area(together)["clarity"].mean_change == by_area(large_only)["clarity"].mean_change
    # Its 4 final-review ratings count as 0 or 5 (fixed per cell), never as 4.
    assert together["rates"][1]["rated"].value in (6, 11)


def test_pairs_stay_pairs_when_the_stakeholders_are_anonymised():
    engagement = rated_engagement(people=6, first=6, second=6)
    before = by_area(cascade_ratings(Engagement.objects.filter(pk=engagement.pk)))

    stakeholders_anonymise(engagement.stakeholders.all())

    assert not RatingRequest.objects.filter(stakeholder__isnull=False).exists()
    after = by_area(cascade_ratings(Engagement.objects.filter(pk=engagement.pk)))
    assert after == before


# --- The report page, its filter, its scope and its exports -------------------------------


def test_the_report_shows_the_ratings_beside_the_cohorts_by_delivery_model(client):
    rated_engagement(people=6, first=6, second=6)
    national(client)
    url = reverse(REPORT)

    both = client.get(url).content.decode()
    assert "Stakeholders' CASCADE ratings" in both and 'id="rates-heading"' in both
    assert "Clarity on roles and responsibilities" in both

    only_facilitation = client.get(url, {"delivery_model": "facilitation"}).content.decode()
    assert "Stakeholders' CASCADE ratings" in only_facilitation
    assert 'id="rates-heading"' not in only_facilitation

    only_cohorts = client.get(url, {"delivery_model": "cohorts"}).content.decode()
    assert "Stakeholders' CASCADE ratings" not in only_cohorts
    assert 'id="rates-heading"' in only_cohorts

    invalid = client.get(url, {"delivery_model": "carrier pigeon"})
    assert "Select a valid choice" in invalid.content.decode()
    assert "Stakeholders' CASCADE ratings" not in invalid.content.decode()


def test_a_coordinator_sees_only_the_engagements_of_their_areas(client):
    mine, theirs = LocalAuthorityFactory(), LocalAuthorityFactory()
    rated_engagement(people=6, first=6, second=6, la=theirs)
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[mine]))

    page = client.get(reverse(REPORT), {"delivery_model": "facilitation"})

    assert page.context["cascade"]["engagements"] == 0
    assert page.context["cascade"]["rates"][0]["asked"] == 0
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, "other", local_authorities=[theirs])
    )
    page = client.get(reverse(REPORT), {"delivery_model": "facilitation"})
    assert page.context["cascade"]["engagements"] == 1
    assert by_area(page.context["cascade"])["clarity"].pairs.value == 6


def test_the_exports_carry_the_ratings_as_the_page_shows_them(client):
    rated_engagement(people=8, first=6, second=5)
    national(client)
    query = {"delivery_model": "facilitation"}

    change = client.get(reverse("evaluation:export-aggregates-csv", args=["cascade-change"]), query)
    rows = list(csv.reader(io.StringIO(b"".join(change.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "CASCADE area",
        "Code",
        "Rated at consultation",
        "Rated at final review",
        "Pairs",
    ]
    evidence = next(r for r in rows if r[1] == "evidence_based")
    assert evidence[3:5] == ["fewer than 5", "fewer than 5"]
    clarity = next(r for r in rows if r[1] == "clarity")
    assert clarity[2:5] == ["6", "5", "5"]

    xlsx = client.get(reverse("evaluation:export-aggregates-xlsx"), query)
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book.sheetnames == ["Stakeholder ratings, response", "Stakeholder ratings, change"]


@pytest.mark.parametrize("size", [5, 500])
def test_the_report_and_export_cost_the_same_at_5_and_500_stakeholders(
    size, client, monkeypatch, django_assert_max_num_queries
):
    rated_engagement(people=size, first=size, second=size)
    rated_engagement(people=size, first=size, second=size - 1)
    with django_assert_max_num_queries(3):
        cascade = cascade_ratings(Engagement.objects.all())
    assert cascade["engagements"] == 2
    national(client)
    query = {"delivery_model": "facilitation"}
    page = request_cost(monkeypatch, lambda: client.get(reverse(REPORT), query))
    export = request_cost(
        monkeypatch,
        lambda: client.get(
            reverse("evaluation:export-aggregates-csv", args=["cascade-change"]), query
        ),
    )
    assert page.status_code == 200 and export.status_code == 200
    print(f"report at {size}: {page.queries} queries; export: {export.queries}")  # noqa: T201
    assert page.queries <= 15
    assert export.queries <= 9


def test_the_demo_engagement_past_its_final_review_shows_a_change(client):
    from facilitation.models import Stage
    from facilitation.services.demo import demo_engagements_seed
    from tests.schools.factories import EstablishmentFactory

    for name in ("Wiltshire", "Swindon"):
        EstablishmentFactory(la=LocalAuthorityFactory(name=name))
    demo_engagements_seed()
    closed = Engagement.objects.get(stage=Stage.CLOSED)
    assert closed.rating_rounds.count() == 2
    assert Engagement.objects.get(stage=Stage.REVIEW).rating_rounds.count() == 1

    page = national(client).get(reverse(REPORT), {"delivery_model": "facilitation"})

    cascade = page.context["cascade"]
    clarity = by_area(cascade)["clarity"]
    assert clarity.pairs.value == 14
    assert clarity.mean_change.value > 1 and clarity.ci_low.value > 0
    assert by_area(cascade)["all"].mean_change.value > 0
    assert "Stakeholders' CASCADE ratings" in page.content.decode()
