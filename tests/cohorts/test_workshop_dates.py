"""Dates that work for schools (issue 13, item 5): a workshop on a weekend or an English
bank holiday is flagged, and stands only with the coordinator's reason, kept in history."""

import datetime as dt

import pytest
from django.urls import reverse

from cohorts.calendar import date_concerns
from tests.cohorts.factories import CohortFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "concern"),
    [
        (dt.date(2027, 1, 16), "is a Saturday"),
        (dt.date(2026, 12, 25), "is Christmas Day, a bank holiday in England"),
        (dt.date(2027, 5, 31), "is Spring Bank Holiday, a bank holiday in England"),
    ],
)
def test_weekends_and_english_bank_holidays_are_flagged(day, concern):
    assert any(concern in text for text in date_concerns(day))


def test_an_ordinary_weekday_is_not():
    assert date_concerns(dt.date(2027, 1, 19)) == []


def form(day_1, day_2, **extra):
    data = {}
    for prefix, day in (("day1", day_1), ("day2", day_2)):
        data |= {
            f"{prefix}-date": day.isoformat(),
            f"{prefix}-start_time": "09:30",
            f"{prefix}-end_time": "15:30",
            f"{prefix}-venue_name": "Civic Centre",
        }
    return data | extra


def test_a_bank_holiday_needs_a_reason_and_the_reason_is_kept(admin_client):
    cohort = CohortFactory()
    url = reverse("cohorts:workshops", args=[cohort.pk])
    easter_monday, later = dt.date(2027, 3, 29), dt.date(2027, 5, 11)

    asked = admin_client.post(url, form(easter_monday, later))

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Monday 29 March 2027 is Easter Monday, a bank holiday in England" in page
    assert "Why this date stands" in page
    assert not Workshop.objects.filter(delivery__cohort=cohort).exists()  # nothing saved

    saved = admin_client.post(url, form(easter_monday, later, reason="The venue is free then"))

    assert saved.status_code == 302
    day_1 = Workshop.objects.get(delivery__cohort=cohort, day=1)
    assert day_1.date == easter_monday
    assert day_1.history.first().history_change_reason == (
        "Date kept on purpose: The venue is free then"
    )


def test_ordinary_weekdays_are_saved_without_asking(admin_client):
    cohort = CohortFactory()

    response = admin_client.post(
        reverse("cohorts:workshops", args=[cohort.pk]),
        form(dt.date(2027, 1, 19), dt.date(2027, 3, 2)),
    )

    assert response.status_code == 302
    assert Workshop.objects.filter(delivery__cohort=cohort).count() == 2


def test_an_unchanged_save_with_a_new_reason_rewrites_no_history(admin_client):
    cohort = CohortFactory()
    url = reverse("cohorts:workshops", args=[cohort.pk])
    saturday, weekday = dt.date(2027, 1, 16), dt.date(2027, 3, 2)
    admin_client.post(url, form(saturday, weekday, reason="Only day the hall is free"))
    day_1 = Workshop.objects.get(delivery__cohort=cohort, day=1)
    records = list(day_1.history.values_list("history_id", "history_change_reason"))

    # Saved again unchanged, with another reason: no history record is written or rewritten.
    again = admin_client.post(url, form(saturday, weekday, reason="Another reason"))

    assert again.status_code == 302
    assert list(day_1.history.values_list("history_id", "history_change_reason")) == records
    assert records[0][1] == "Date kept on purpose: Only day the hall is free"


def test_the_reason_goes_on_the_change_it_justifies(admin_client):
    """Day 1 stays on its Saturday; day 2 moves to a bank holiday: the new reason is kept
    on day 2's new record, and day 1's history keeps its own reason."""
    cohort = CohortFactory()
    url = reverse("cohorts:workshops", args=[cohort.pk])
    saturday, weekday, may_day = dt.date(2027, 1, 16), dt.date(2027, 3, 2), dt.date(2027, 5, 3)
    admin_client.post(url, form(saturday, weekday, reason="Only day the hall is free"))
    # Moving day 2 to an ordinary day with a reason for day 1's (unchanged) Saturday.
    admin_client.post(url, form(saturday, dt.date(2027, 3, 9), reason="Still the hall"))
    day_1 = Workshop.objects.get(delivery__cohort=cohort, day=1)
    day_2 = Workshop.objects.get(delivery__cohort=cohort, day=2)
    assert day_1.history.count() == 1
    assert day_1.history.first().history_change_reason == (
        "Date kept on purpose: Only day the hall is free"
    )
    assert day_2.history.first().history_change_reason is None  # a weekday needs no reason

    admin_client.post(url, form(saturday, may_day, reason="The trust's training day"))

    assert day_1.history.count() == 1
    assert day_2.history.first().date == may_day
    assert day_2.history.first().history_change_reason == (
        "Date kept on purpose: The trust's training day"
    )
