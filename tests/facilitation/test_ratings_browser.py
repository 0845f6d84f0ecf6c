"""A stakeholder rates the CASCADE areas on a phone (390 px wide) in Chromium, from their
emailed link: the page passes axe-core, a left-out area is named at the top and nothing is
saved, the ratings are saved and can be changed; the facilitator's page passes axe too."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from facilitation.models import CascadeArea, RatingPoint, Stage
from facilitation.rating_links import rating_link_path
from facilitation.services.ratings import rating_round_open
from tests.accounts.factories import user_with_role
from tests.cohorts.conftest import assert_accessible, page  # noqa: F401
from tests.facilitation.factories import EngagementFactory, StakeholderFactory

pytestmark = pytest.mark.browser
SHOTS = Path("/work/helper-notes/shots")


def shot(page, name: str) -> None:  # noqa: F811
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"facilitation-{name}.png"), full_page=True)


@pytest.fixture
def rating(db):
    engagement = EngagementFactory(name="Wiltshire 2021", stage=Stage.CONSULTATION)
    StakeholderFactory.create_batch(6, engagement=engagement)
    round_ = rating_round_open(engagement=engagement, point=RatingPoint.CONSULTATION)
    return engagement, round_.requests.order_by("pk").first()


def test_a_stakeholder_rates_joint_working_on_a_phone(live_server, page, rating):  # noqa: F811
    _, request = rating
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + rating_link_path(request=request))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How well does your area work together?"
    )
    assert_accessible(page)
    # Nothing sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "rate-390")

    labels = dict(CascadeArea.choices)
    for area in CascadeArea.values[:-1]:  # the last one left out
        group = page.get_by_role("group", name=str(labels[area]))
        group.get_by_label("4").check()
    page.get_by_role("button", name="Send my ratings").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_contain_text("An evidence-based approach to intervention")
    assert_accessible(page)
    assert not request.ratings.exists()

    # The answers given are kept on the page; the missing one is given as "don't know".
    evidence = page.get_by_role("group", name=str(labels["evidence_based"]))
    evidence.get_by_label("Don’t know").check()
    page.get_by_role("button", name="Send my ratings").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "your ratings are saved"
    )
    assert dict(request.ratings.values_list("area", "score")) == {
        **{area: 4 for area in CascadeArea.values[:-1]},
        "evidence_based": None,
    }
    expect(page.get_by_role("button", name="Save my changes")).to_be_visible()
    assert_accessible(page)
    shot(page, "rated-390")


def test_the_facilitators_ratings_page_passes_axe_at_both_widths(
    live_server,
    page,  # noqa: F811
    client,
    rating,
):
    engagement, _ = rating
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/facilitation/{engagement.pk}/ratings/")
        expect(page.get_by_role("heading", level=1)).to_have_text("CASCADE ratings")
        expect(page.locator("#round-consultation")).to_contain_text("6")
        assert_accessible(page)
        shot(page, f"ratings-{width}")
