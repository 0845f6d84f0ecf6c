"""The request cost of moving a workshop on a full cohort (issue 12, item 2)."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from outbox.models import OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PlaceFactory, make_open_cohort
from tests.request_cost import request_cost
from tests.workshops.factories import ProfessionalFactory

# The request commits, so what runs after commit runs inside it, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _full_cohort(schools: int, professionals: int):
    cohort = make_open_cohort(day_1=dt.date(2026, 3, 2))
    for _ in range(schools):
        PlaceFactory(cohort=cohort)
    for _ in range(professionals):
        ProfessionalFactory(cohort=cohort)
    return cohort


def _move_day_2(client, cohort):
    days = {
        "day1-date": "2026-03-02",
        "day1-start_time": "09:30",
        "day1-end_time": "16:00",
        "day2-date": "2026-04-20",
        "day2-start_time": "09:30",
        "day2-end_time": "16:00",
    }
    return lambda: client.post(reverse("cohorts:workshops", args=[cohort.pk]), days)


def test_moving_a_workshop_on_a_full_cohort(client, clock, monkeypatch, capsys):
    cohort = _full_cohort(schools=20, professionals=5)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    cost = request_cost(monkeypatch, _move_day_2(client, cohort))

    assert cost.status_code == 302
    assert OutgoingEmail.objects.count() == 25
    with capsys.disabled():
        print(f"\nmoving a workshop, 20 schools + 5 professionals: {cost}")
