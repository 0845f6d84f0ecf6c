"""CASCADE ratings (issue 15, item 6): rounds opened by a facilitator email each stakeholder
their own link; the scan asks latecomers and reminds once; a stakeholder rates from the link
(again until the round closes); a bad link gets a clear page and changes nothing; a
facilitator enters ratings given at the meeting; ratings become anonymous with their
stakeholder, pairs kept."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.signed_links import SignedLinks
from facilitation.errors import FacilitationError
from facilitation.models import (
    CascadeArea,
    CascadeRating,
    RatingPoint,
    RatingRequest,
    RatingRound,
    Stage,
)
from facilitation.rating_links import rating_link_path
from facilitation.retention import stakeholders_anonymise
from facilitation.services.ratings import (
    cascade_ratings_enter,
    cascade_ratings_submit,
    rating_requests_send,
    rating_round_close,
    rating_round_open,
    requests_still_wanted,
)
from linkprog.privacy import subject_erase, subject_find
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.conftest import at_scale
from tests.facilitation.factories import EngagementFactory, StakeholderFactory
from tests.request_cost import request_cost
from tests.schools.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

ALL_THREES = {area: 3 for area in CascadeArea.values}


def form_data(scores: dict) -> dict:
    return {area: "dk" if score is None else str(score) for area, score in scores.items()}


@pytest.fixture
def engagement():
    engagement = EngagementFactory(name="Wiltshire 2021", stage=Stage.CONSULTATION)
    StakeholderFactory.create_batch(6, engagement=engagement)
    return engagement


@pytest.fixture
def coordinator(client, engagement):
    user = user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    client.force_login(user)
    return user


def invitations():
    return OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_INVITATION)


def reminders():
    return OutgoingEmail.objects.filter(kind=EmailKind.SURVEY_REMINDER)


# --- Rounds and their emails --------------------------------------------------------------


def test_opening_a_round_emails_each_stakeholder_their_own_link_once(engagement):
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)

    assert round_.requests.count() == 6
    emails = list(invitations())
    assert sorted(e.recipient for e in emails) == sorted(
        engagement.stakeholders.values_list("email", flat=True)
    )
    assert len({e.body_text for e in emails}) == 6  # each its own link
    assert all("/facilitation/rate/" in e.body_text for e in emails)
    assert all("Clarity on roles and responsibilities" in e.body_text for e in emails)
    assert {e.local_authority_id for e in emails} == {engagement.local_authority_id}
    assert "Wiltshire 2021" in emails[0].subject

    with pytest.raises(FacilitationError, match="opened already"):
        rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    assert invitations().count() == 6


def test_the_final_review_needs_the_consultation_and_a_closed_engagement_opens_nothing(
    engagement,
):
    with pytest.raises(FacilitationError, match="consultation ratings first"):
        rating_round_open(engagement=engagement, point=RatingPoint.FINAL_REVIEW)
    closed = EngagementFactory(stage=Stage.CLOSED)
    with pytest.raises(FacilitationError, match="closed"):
        rating_round_open(engagement=closed, point=RatingPoint.CONSULTATION)
    assert not RatingRound.objects.exists() and not invitations().exists()


def test_the_scan_asks_latecomers_and_reminds_once_whoever_runs_it_twice(engagement, clock):
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    first = round_.requests.order_by("pk").first()
    cascade_ratings_submit(request=first, scores=ALL_THREES)
    clock.shift(dt.timedelta(days=3))
    late = StakeholderFactory(engagement=engagement)
    StakeholderFactory(engagement=EngagementFactory())  # no round: never asked

    assert rating_requests_send() == 1
    assert rating_requests_send() == 0
    assert invitations().filter(recipient=late.email).count() == 1

    clock.shift(dt.timedelta(days=4, minutes=1))
    # The five who have not rated are reminded; the one who rated and the latecomer are not.
    assert rating_requests_send() == 5
    assert rating_requests_send() == 0
    assert reminders().count() == 5
    assert not reminders().filter(recipient=first.stakeholder.email).exists()

    rating_round_close(rating_round=round_)
    clock.shift(dt.timedelta(days=14))
    assert rating_requests_send() == 0


def test_an_email_whose_reason_has_gone_is_not_sent(engagement, clock):
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    rows = list(invitations().order_by("pk"))
    requests = {r.pk: r for r in round_.requests.all()}
    rated, removed = requests[rows[0].subject_id], requests[rows[1].subject_id]
    cascade_ratings_submit(request=rated, scores=ALL_THREES)
    removed.stakeholder.delete()

    gone = requests_still_wanted(rows, timezone.now())

    assert gone == {
        rows[0].pk: "the stakeholder has rated already",
        rows[1].pk: "the stakeholder was removed",
    }
    rating_round_close(rating_round=round_)
    assert set(requests_still_wanted(rows, timezone.now())[rows[2].pk].split()) >= {"closed"}


# --- The stakeholder's page ---------------------------------------------------------------


@pytest.fixture
def opened(engagement):
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    request = round_.requests.select_related("stakeholder").order_by("pk").first()
    return round_, request, rating_link_path(request=request)


def test_a_stakeholder_rates_and_changes_their_ratings_until_the_round_closes(client, opened):
    round_, request, url = opened
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Wiltshire 2021" in html and request.stakeholder.name not in html

    scores = {**ALL_THREES, CascadeArea.CLARITY: 2, CascadeArea.EVIDENCE_BASED: None}
    assert client.post(url, form_data(scores)).status_code == 302
    request.refresh_from_db()
    assert request.submitted_at is not None
    assert dict(request.ratings.values_list("area", "score")) == scores

    changed = {**scores, CascadeArea.CLARITY: 4}
    client.post(url, form_data(changed))
    assert dict(request.ratings.values_list("area", "score")) == changed
    assert RatingRequest.objects.filter(stakeholder=request.stakeholder).count() == 1
    assert re.search(r'name="clarity" value="4"[^>]*checked', client.get(url).content.decode())

    rating_round_close(rating_round=round_)
    refused = client.post(url, form_data(ALL_THREES))
    assert refused.status_code == 410
    assert "These ratings have closed" in refused.content.decode()
    assert dict(request.ratings.values_list("area", "score")) == changed


def test_ratings_left_out_are_named_and_nothing_is_saved(client, opened):
    _, request, url = opened
    partial = form_data(ALL_THREES)
    del partial[CascadeArea.SHARED_PLANNING]
    partial[CascadeArea.CLARITY] = "9"

    page = client.post(url, partial)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing was saved" in html
    assert "Choose a rating or “don’t know” for “Structures for shared planning”" in html
    assert "Choose a rating from 1 to 5" in html
    assert not CascadeRating.objects.exists()
    request.refresh_from_db()
    assert request.submitted_at is None


def test_the_service_refuses_incomplete_or_out_of_range_scores(opened):
    _, request, _ = opened
    with pytest.raises(FacilitationError, match="Structures for shared planning"):
        cascade_ratings_submit(
            request=request,
            scores={k: v for k, v in ALL_THREES.items() if k != CascadeArea.SHARED_PLANNING},
        )
    with pytest.raises(FacilitationError, match="rate from 1 to 5"):
        cascade_ratings_submit(request=request, scores={**ALL_THREES, CascadeArea.CLARITY: 6})
    assert not CascadeRating.objects.exists()


@pytest.mark.parametrize("what", ["tampered", "other salt", "expired", "deleted", "anonymised"])
def test_a_link_that_cannot_be_used_gets_a_clear_page_and_changes_nothing(client, opened, what):
    _, request, url = opened
    token = url.rstrip("/").rsplit("/", 1)[-1]
    status, words = 410, "This link no longer works"
    if what == "tampered":
        url, status, words = url.replace(token, token[:-2] + "xx"), 404, "not recognised"
    elif what == "other salt":
        other = SignedLinks(salt="facilitation.owner-link", key="r").token(request.pk)
        url, status, words = reverse("facilitation:rate", args=[other]), 404, "not recognised"
    elif what == "deleted":
        request.stakeholder.delete()
    elif what == "anonymised":
        stakeholders_anonymise(type(request.stakeholder).objects.filter(pk=request.stakeholder_id))
    travel = dt.timedelta(days=61 if what == "expired" else 0)
    if what == "expired":
        words = "This link has expired"
    with time_machine.travel(timezone.now() + travel):
        shown = client.get(url)
        posted = client.post(url, form_data(ALL_THREES))
    for page in (shown, posted):
        assert page.status_code == status
        assert words in page.content.decode()
        assert "Nothing has been changed" in page.content.decode()
        assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert not CascadeRating.objects.exists()
    assert not RatingRequest.objects.filter(submitted_at__isnull=False).exists()


# --- The facilitator's page ---------------------------------------------------------------


def test_a_coordinator_opens_enters_ratings_and_closes_from_the_page(
    client, coordinator, engagement
):
    page = reverse("facilitation:ratings", args=[engagement.pk])
    assert "Open and email the links" in client.get(page).content.decode()
    response = client.post(
        reverse("facilitation:ratings-open", args=[engagement.pk, "consultation"]), follow=True
    )
    assert "6 stakeholders will be emailed their link" in response.content.decode()
    assert invitations().count() == 6

    stakeholder = engagement.stakeholders.order_by("pk").first()
    enter = reverse("facilitation:ratings-enter", args=[engagement.pk, "consultation"])
    bad = client.post(
        enter, {"stakeholder": stakeholder.pk, **form_data(ALL_THREES), "clarity": ""}
    )
    assert "Nothing was saved" in bad.content.decode()
    assert not CascadeRating.objects.exists()
    client.post(enter, {"stakeholder": stakeholder.pk, **form_data(ALL_THREES)})
    request = RatingRequest.objects.get(stakeholder=stakeholder)
    assert request.entered_by == coordinator and request.ratings.count() == 7

    detail = client.get(reverse("facilitation:detail", args=[engagement.pk])).content.decode()
    assert "Consultation: 1 of 6 rated (17%), open" in detail

    client.post(reverse("facilitation:ratings-close", args=[engagement.pk, "consultation"]))
    assert RatingRound.objects.get().closed_at is not None


def test_another_areas_coordinator_cannot_open_the_ratings(client, engagement):
    elsewhere = LocalAuthorityFactory()
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[elsewhere]))
    url = reverse("facilitation:ratings-open", args=[engagement.pk, "consultation"])
    assert client.post(url).status_code in (403, 404)
    assert not RatingRound.objects.exists()


def test_entered_ratings_must_be_the_engagements_stakeholders(engagement):
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    stranger = StakeholderFactory()
    with pytest.raises(FacilitationError, match="not a stakeholder"):
        cascade_ratings_enter(rating_round=round_, stakeholder=stranger, scores=ALL_THREES)


# --- Retention and subject access ---------------------------------------------------------


def test_ratings_become_anonymous_with_their_stakeholder_and_pairs_stay_pairs(engagement):
    consultation = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    final = rating_round_open(engagement=engagement, point=RatingPoint.FINAL_REVIEW)
    for request in RatingRequest.objects.all():
        cascade_ratings_submit(request=request, scores=ALL_THREES)
    people = list(engagement.stakeholders.values_list("pk", flat=True))

    stakeholders_anonymise(engagement.stakeholders.all())

    requests = RatingRequest.objects.all()
    assert requests.count() == 12 and not requests.filter(stakeholder__isnull=False).exists()
    keys = {}
    for request in requests:
        keys.setdefault(request.pair_key, set()).add(request.round_id)
    assert len(keys) == len(people)  # one key per person...
    assert all(rounds == {consultation.pk, final.pk} for rounds in keys.values())  # ...paired
    assert CascadeRating.objects.count() == 84  # the ratings stay, anonymous


def test_subject_access_finds_whether_they_rated_and_erases_the_link(engagement):
    rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    person = engagement.stakeholders.order_by("pk").first()
    cascade_ratings_submit(request=person.rating_requests.get(), scores=ALL_THREES)

    found = {group.key: group.rows for group in subject_find(email=person.email.upper())}
    rows = found["facilitation.ratings"]
    assert [(r["time_point"], r["rated"]) for r in rows] == [("Consultation", True)]
    assert set(rows[0]) == {"id", "engagement", "time_point", "asked_at", "reminded_at", "rated"}

    subject_erase(email=person.email)
    request = RatingRequest.objects.get(pk=rows[0]["id"])
    assert request.stakeholder is None and request.pair_key
    assert request.ratings.count() == 7


# --- Admin ---------------------------------------------------------------------------------


def test_the_admin_shows_rounds_and_requests_read_only_and_closes_through_the_service(
    admin_client, opened
):
    round_, request, _ = opened
    cascade_ratings_submit(request=request, scores=ALL_THREES)
    for obj in (round_, request):
        meta = obj._meta
        prefix = f"admin:{meta.app_label}_{meta.model_name}"
        assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
        page = admin_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert reverse("facilitation:ratings", args=[round_.engagement_id]) in page.content.decode()
        assert admin_client.get(reverse(f"{prefix}_add")).status_code == 403
    # The ratings themselves have no admin: no page shows who rated what.
    assert admin_client.get("/admin/facilitation/cascaderating/").status_code == 404

    admin_client.post(
        reverse("admin:facilitation_ratinground_changelist"),
        {"action": "close", "_selected_action": [round_.pk]},
    )
    round_.refresh_from_db()
    assert round_.closed_at is not None


# --- Cost at 5 and 500 stakeholders ---------------------------------------------------------


@pytest.mark.parametrize("size", [5, at_scale(500)])
def test_rounds_scans_and_pages_cost_the_same_at_5_and_500_stakeholders(
    size, client, monkeypatch, clock, django_assert_max_num_queries
):
    engagement = EngagementFactory(stage=Stage.CONSULTATION)
    StakeholderFactory.create_batch(size, engagement=engagement)
    with django_assert_max_num_queries(13) as opening:
        round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    assert invitations().count() == size
    StakeholderFactory.create_batch(size, engagement=engagement)  # latecomers
    clock.shift(dt.timedelta(days=8))
    with django_assert_max_num_queries(13) as scanning:
        assert rating_requests_send() == 2 * size  # the latecomers asked, the first reminded
    print(f"at {size}: open {len(opening)}, scan {len(scanning)} queries")  # noqa: T201
    request = round_.requests.order_by("pk").first()
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    pages = {
        "ratings": (reverse("facilitation:ratings", args=[engagement.pk]), 13),
        "detail": (reverse("facilitation:detail", args=[engagement.pk]), 18),
        "rate": (rating_link_path(request=request), 6),
    }
    for name, (url, most) in pages.items():
        cost = request_cost(monkeypatch, lambda url=url: client.get(url))
        print(f"{name} at {size} stakeholders: {cost.queries} queries")  # noqa: T201
        assert cost.status_code == 200 and cost.queries <= most, (name, cost.queries)
    url = rating_link_path(request=request)
    cost = request_cost(monkeypatch, lambda: client.post(url, form_data(ALL_THREES)))
    print(f"rating at {size} stakeholders: {cost.queries} queries")  # noqa: T201
    assert cost.status_code == 302 and cost.queries <= 8
