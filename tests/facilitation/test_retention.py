"""Stakeholders are kept 24 months after their engagement closes, then anonymised; a subject
access request finds and erases them (issue 16's policy, through ``core.privacy``)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.dates import add_months
from core.privacy import FORMER_ATTENDEE
from facilitation.models import Stakeholder
from facilitation.models.stages import Stage
from linkprog.privacy import retention_preview, retention_run, subject_erase, subject_find
from tests.facilitation.factories import EngagementFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

CLOSED_ON = dt.date(2026, 7, 20)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def due(now) -> int:
    return {row.key: row.due for row in retention_preview(now=now)}["facilitation.stakeholders"]


@pytest.fixture
def closed():
    engagement = EngagementFactory(stage=Stage.CLOSED, stage_since=CLOSED_ON)
    return [StakeholderFactory(engagement=engagement) for _ in range(3)]


def test_stakeholders_are_anonymised_24_months_after_their_engagement_closes(closed):
    still_open = StakeholderFactory(engagement=EngagementFactory(stage_since=CLOSED_ON))
    day_before = at(add_months(CLOSED_ON, 24) - dt.timedelta(days=1))
    day_after = at(add_months(CLOSED_ON, 24) + dt.timedelta(days=1))
    assert due(day_before) == 0
    assert due(day_after) == 3

    run = retention_run(now=day_after)

    assert run.counts["facilitation.stakeholders"] == 3
    kept = Stakeholder.objects.filter(pk__in=[s.pk for s in closed])
    assert set(kept.values_list("name", "email")) == {(FORMER_ATTENDEE, "")}
    # Their role, organisation and sector stay: no figure by sector changes.
    assert sorted(kept.values_list("sector", flat=True)) == sorted(s.sector for s in closed)
    history = Stakeholder.history.filter(id__in=[s.pk for s in closed])
    assert set(history.values_list("name", "email")) == {(FORMER_ATTENDEE, "")}
    still_open.refresh_from_db()
    assert still_open.name != FORMER_ATTENDEE and still_open.email
    # Done once: the next run finds nothing more.
    assert due(day_after) == 0
    assert retention_run(now=day_after).counts["facilitation.stakeholders"] == 0


def test_a_subject_access_request_finds_and_erases_a_stakeholder(closed):
    person = closed[0]
    sections = {section.key: section for section in subject_find(email=person.email.upper())}
    rows = sections["facilitation.stakeholders"].rows
    assert [row["id"] for row in rows] == [person.pk]

    subject_erase(email=person.email)

    person.refresh_from_db()
    assert (person.name, person.email) == (FORMER_ATTENDEE, "")
    assert Stakeholder.objects.exclude(pk=person.pk).filter(name=FORMER_ATTENDEE).count() == 0
