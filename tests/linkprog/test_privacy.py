"""Retention of personal data (issue 16): every kind of data at its period, with a frozen
clock over the demo's delivered cohort; the reports do not move; the audit holds counts."""

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cohorts.models import Cohort, CohortStatus, Place
from core.dates import add_months
from core.privacy import FORMER_ATTENDEE
from evaluation.models import SurveyInvitation, TimePoint
from evaluation.scheduling import follow_up_window
from evaluation.selectors import ReportGroup, paired_changes
from linkprog.models import RetentionKind, RetentionRun
from linkprog.privacy import retention_preview, retention_run
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_enqueue
from tests.accounts.factories import UserFactory, user_with_role
from workshops.models import Professional

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def broker(stub_outbox_broker):
    return stub_outbox_broker


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    with time_machine.travel(START, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    delivered = Cohort.objects.get(status=CohortStatus.COMPLETED)
    delivered.places.update(access_needs="Step-free access")
    return delivered


def last_day(cohort) -> dt.date:
    return max(w.date for w in cohort.delivery.workshops.all())


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def due(now) -> dict[str, int]:
    return {row.key: row.due for row in retention_preview(now=now)}


def test_access_needs_go_30_days_after_the_last_workshop(demo):
    open_cohort = Cohort.objects.get(status=CohortStatus.OPEN)
    open_cohort.places.update(access_needs="Hearing loop")
    before = at(last_day(demo) + dt.timedelta(days=29))
    assert due(before)["cohorts.access_needs"] == 0
    assert retention_run(now=before).counts["cohorts.access_needs"] == 0

    after = at(last_day(demo) + dt.timedelta(days=31))
    n = demo.places.count()
    assert due(after)["cohorts.access_needs"] == n
    assert Place.objects.exclude(access_needs="").count() == n + open_cohort.places.count()
    run = retention_run(now=after)
    assert run.counts["cohorts.access_needs"] == n
    assert not demo.places.exclude(access_needs="").exists()
    assert set(open_cohort.places.values_list("access_needs", flat=True)) == {"Hearing loop"}
    assert retention_run(now=after).counts["cohorts.access_needs"] == 0  # idempotent


def test_attendees_and_professionals_are_anonymised_24_months_after_completion(demo):
    end = last_day(demo)
    before = at(add_months(end, 24) - dt.timedelta(days=1))
    after = at(add_months(end, 24) + dt.timedelta(days=1))
    places, pros = demo.places.count(), Professional.objects.filter(delivery=demo.delivery)
    assert pros.exists()
    assert due(before)["cohorts.attendees"] == due(before)["cohorts.professionals"] == 0

    assert due(after)["cohorts.attendees"] == places
    assert due(after)["cohorts.professionals"] == pros.count()
    statuses = list(demo.places.order_by("pk").values_list("status", "attendee_role"))
    for record in (demo.places.first(), pros.first()):  # a change each, in the history
        record.save()
    assert Place.history.filter(id__in=demo.places.values("pk")).exists()
    run = retention_run(now=after)

    assert run.counts["cohorts.attendees"] == places
    assert set(demo.places.values_list("attendee_name", "attendee_email", "attendee_phone")) == {
        (FORMER_ATTENDEE, "", "")
    }
    assert list(demo.places.order_by("pk").values_list("status", "attendee_role")) == statuses
    assert set(pros.values_list("name", "email")) == {(FORMER_ATTENDEE, "")}
    # The audit history keeps no copy of what was erased.
    history = Place.history.filter(id__in=demo.places.values("pk"))
    assert set(history.values_list("attendee_name", "attendee_email")) == {(FORMER_ATTENDEE, "")}
    pro_history = Professional.history.filter(delivery_id=demo.delivery_id)
    assert set(pro_history.values_list("name", "email")) == {(FORMER_ATTENDEE, "")}
    # Other cohorts keep their people.
    assert Place.objects.exclude(cohort=demo).exclude(attendee_email="").exists()


def _sent_email(recipient: str, sent_at: dt.datetime) -> OutgoingEmail:
    with time_machine.travel(sent_at, tick=False):
        row, _ = email_enqueue(
            kind=EmailKind.BOOKING_CONFIRMATION,
            recipient=recipient,
            template="booking_confirmation",
            context={"place": None, "establishment": {"name": "A school"}, "cohort": {}},
            occurrence="once",
            campaign="Camden cohort",
        )
        row.status, row.sent_at = EmailStatus.SENT, sent_at
        row.save()
    return row


def test_email_bodies_and_addresses_are_emptied_90_days_after_sending(demo):
    sent = _sent_email("Sam.Lead@school.example", START)
    assert sent.body_text and sent.history.exists()
    assert due(START + dt.timedelta(days=89))["outbox.emails"] == 0

    retention_run(now=START + dt.timedelta(days=91))

    sent.refresh_from_db()
    assert (sent.recipient, sent.body_text, sent.body_html, sent.attachments) == ("", "", "", [])
    assert (sent.kind, sent.status, sent.campaign) == (
        EmailKind.BOOKING_CONFIRMATION,
        EmailStatus.SENT,
        "Camden cohort",
    )
    assert sent.sent_at == START and "sam.lead" not in sent.idempotency_key
    assert set(sent.history.values_list("recipient", flat=True)) == {""}
    # The same email asked for again finds the emptied row: never sent twice.
    again, created = email_enqueue(
        kind=EmailKind.BOOKING_CONFIRMATION,
        recipient="sam.lead@school.example",
        template="booking_confirmation",
        context={},
        occurrence="once",
    )
    assert (again.pk, created) == (sent.pk, False)


def test_the_survey_link_goes_90_days_after_the_follow_up_closes_and_pairs_stay(demo):
    day = max(demo.delivery.workshops.all(), key=lambda w: w.date)
    closes = follow_up_window(day_2=day.date, end_time=day.end_time)[1]
    group = ReportGroup(cohorts=Cohort.objects.all())
    change = paired_changes(group, time_a=TimePoint.BASELINE, time_b=TimePoint.FOLLOW_UP)
    assert change["outcomes"] and change["outcomes"][0].pairs.value >= 5
    linked = SurveyInvitation.objects.filter(cohort=demo).count()
    assert due(closes + dt.timedelta(days=89))["evaluation.survey_links"] == 0
    assert due(closes + dt.timedelta(days=91))["evaluation.survey_links"] == linked

    retention_run(now=closes + dt.timedelta(days=91))

    invitations = SurveyInvitation.objects.filter(cohort=demo)
    assert not invitations.filter(participant__isnull=False).exists()
    assert invitations.count() == linked and not invitations.filter(pair_key="").exists()
    assert paired_changes(group, time_a=TimePoint.BASELINE, time_b=TimePoint.FOLLOW_UP) == change


def test_staff_accounts_without_sign_in_for_12_months_are_deactivated(demo):
    now = START + dt.timedelta(days=10)
    UserFactory(username="stale", last_login=now - dt.timedelta(days=370))
    UserFactory(username="recent", last_login=now - dt.timedelta(days=300))
    never = UserFactory(username="never")
    get_user_model().objects.filter(pk=never.pk).update(date_joined=now - dt.timedelta(days=400))
    task_actor = UserFactory(username="system.task.x", is_active=True)
    get_user_model().objects.filter(pk=task_actor.pk).update(date_joined=START.replace(year=2020))

    run = retention_run(now=now)

    assert run.counts["accounts.inactive_staff"] >= 2
    active = dict(get_user_model().objects.values_list("username", "is_active"))
    assert (active["stale"], active["never"]) == (False, False)
    assert (active["recent"], active["system.task.x"]) == (True, True)


def test_each_run_writes_one_audit_row_of_counts_and_never_the_data(demo):
    later = at(add_months(last_day(demo), 30))
    emails = set(Place.objects.values_list("attendee_email", flat=True))

    run = retention_run(now=later)

    assert RetentionRun.objects.count() == 1 and run.kind == RetentionKind.NIGHTLY
    assert all(isinstance(n, int) for n in run.counts.values()) and run.total > 0
    dumped = json.dumps(run.counts)
    assert "@" not in dumped and not any(email in dumped for email in emails if email)
    assert retention_run(now=later).total == 0


def _pages(client) -> dict[str, str]:
    """The dashboard, the evaluation report and funnel pages, and the report's CSV exports."""
    pages = {}
    urls = {name: reverse(name) for name in ("home", "evaluation:report", "evaluation:funnel")}
    for table in ("rates", "change", "distribution"):
        urls[table] = reverse("evaluation:export-aggregates-csv", args=[table])
    for name, path in urls.items():
        response = client.get(path)
        assert response.status_code == 200
        html = response.getvalue().decode()
        pages[name] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return pages


def test_programme_figures_and_evaluation_results_do_not_change(client, demo):
    admin = user_with_role(Role.NATIONAL_ADMIN, "nat")
    with time_machine.travel(at(add_months(last_day(demo), 30)), tick=False):
        client.force_login(admin)
        before = _pages(client)
        group = ReportGroup(cohorts=Cohort.objects.all())
        change = paired_changes(group, time_a=TimePoint.BASELINE, time_b=TimePoint.POST)
        run = retention_run()
        assert all(run.counts[k] for k in ("cohorts.attendees", "evaluation.survey_links"))
        after = _pages(client)
        assert after == before
        assert paired_changes(group, time_a=TimePoint.BASELINE, time_b=TimePoint.POST) == change
    assert "Response rates" in before["evaluation:report"]
    assert "Booked" in before["home"]


def test_the_beat_schedule_runs_the_job_nightly():
    from linkprog.celery import app

    entry = app.conf.beat_schedule["apply-retention"]
    assert entry["task"] == "linkprog.tasks.apply_retention"
    assert entry["schedule"].hour == {2}


def test_the_task_applies_and_records(demo):
    from linkprog.tasks import apply_retention

    with time_machine.travel(at(last_day(demo) + dt.timedelta(days=40)), tick=False):
        counts = apply_retention.apply().get()
    assert counts["cohorts.access_needs"] == demo.places.count()
    assert RetentionRun.objects.get().counts == counts


def test_periods_are_settings(demo, settings):
    settings.LINK_RETAIN_ACCESS_NEEDS_DAYS = 400
    assert due(at(last_day(demo) + dt.timedelta(days=60)))["cohorts.access_needs"] == 0
    rows = {row.key: row.policy for row in retention_preview()}
    assert "400 days" in rows["cohorts.access_needs"]


def test_the_anonymised_export_keeps_each_persons_rows_together_after_unlinking(demo):
    from collections import Counter

    from evaluation.selectors import anonymised_responses

    group = ReportGroup(cohorts=Cohort.objects.all())

    def shape():
        rows = list(anonymised_responses(group, include_free_text=False).body)
        per_person = Counter(row[0] for row in rows)  # respondent key: random per export
        return len(rows), sorted(per_person.values())

    before = shape()
    assert before[0] > 0 and max(before[1]) == 3  # baseline, post and follow-up, together
    retention_run(now=at(add_months(last_day(demo), 30)))
    assert not SurveyInvitation.objects.filter(participant__isnull=False, cohort=demo).exists()
    assert shape() == before
