"""What will be sent when (issue 13, item 8): a cohort's page lists every email due, dated
by the same rules the scheduled jobs use."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.services.cohorts import cohort_cancel
from cohorts.timeline import cohort_timeline
from evaluation.scheduling import add_months
from tests.cohorts.factories import InvitationFactory, PlaceFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_the_timeline_dates_every_email_by_the_schedulers_rules(stub_outbox_broker):
    today = timezone.localdate()
    cohort = make_open_cohort(day_1=today + dt.timedelta(days=30), gap_days=42)
    day_1 = today + dt.timedelta(days=30)
    day_2 = day_1 + dt.timedelta(days=42)
    for _ in range(3):
        PlaceFactory(cohort=cohort)
    la = cohort.local_authority
    invited = timezone.now() - dt.timedelta(days=3)
    for _ in range(2):
        InvitationFactory(establishment=EstablishmentFactory(la=la), invited_at=invited)
    booked_school = PlaceFactory(cohort=cohort).establishment
    InvitationFactory(establishment=booked_school, invited_at=invited)  # booked: no nudge

    entries = {(e.when, e.what): e.who for e in cohort_timeline(cohort=cohort)}

    def on(day, what):
        return next(who for (when, text), who in entries.items() if when == day and what in text)

    assert "waiting list" in on(day_1 - dt.timedelta(days=7), "Booking closes")
    for day, number in ((day_1, 1), (day_2, 2)):
        assert on(day - dt.timedelta(days=7), f"Workshop {number} in 7 days") == (
            "the 4 booked schools"
        )
        assert on(day - dt.timedelta(days=1), f"Workshop {number} in 1 day") == (
            "the 4 booked schools"
        )
    assert on(timezone.localdate(invited) + dt.timedelta(days=14), "Nudge") == "2 schools"
    assert on(day_1, "Baseline survey closes")
    assert on(day_2, "Post-programme survey")
    assert on(day_2 + dt.timedelta(days=7), "Post-programme survey: the one reminder")
    follow_up = add_months(day_2, 6)
    assert on(follow_up, "Follow-up survey")
    assert on(follow_up + dt.timedelta(days=7), "Follow-up survey: the one reminder")
    whens = [e.when for e in cohort_timeline(cohort=cohort)]
    assert whens == sorted(whens)


def test_a_cancelled_cohort_sends_nothing_more(stub_outbox_broker):
    cohort = make_open_cohort()
    cohort_cancel(cohort=cohort)
    cohort.refresh_from_db()

    assert cohort_timeline(cohort=cohort) == []


def test_the_cohort_page_shows_it(admin_client, stub_outbox_broker):
    cohort = make_open_cohort()

    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()

    assert "What will be sent when" in page
    assert "Reminder: Workshop 2 in 1 day" in page
