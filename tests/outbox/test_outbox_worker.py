"""The outbox with its real parts: a Celery worker on Redis and an SMTP server (aiosmtpd)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, transaction

from linkprog.celery import app as celery_app
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_enqueue, emails_requeue_stuck
from schools.models import Establishment
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TEST_QUEUE = "outbox-tests"


def _close_worker_connection(**kwargs):
    connection.close()  # the worker thread's own DB connection, so teardown can drop the DB


@pytest.fixture
def worker(redis_broker_url):
    saved_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = TEST_QUEUE
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(TEST_QUEUE)
    task_postrun.connect(_close_worker_connection, weak=False)
    try:
        with start_worker(
            celery_app,
            perform_ping_check=False,
            queues=[TEST_QUEUE],
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_worker_connection)
        celery_app.conf.task_default_queue = saved_queue


def wait_until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def queue_wave(schools, occurrence):
    with transaction.atomic():
        for school in schools:
            email_enqueue(
                kind=EmailKind.INVITATION,
                recipient=school.contact_email,
                template="invitation",
                context={"establishment": school, "link": f"https://l.example/b/{school.urn}/"},
                concerns=school,
                establishment=school,
                occurrence=occurrence,
            )


def test_a_wave_of_200_reaches_each_school_exactly_once(worker, smtp):
    la = LocalAuthorityFactory()
    Establishment.objects.bulk_create(
        [
            EstablishmentFactory.build(
                urn=600000 + n, la=la, contact_email=f"lead{n}@school.example"
            )
            for n in range(200)
        ]
    )
    schools = list(Establishment.objects.order_by("urn"))

    queue_wave(schools, "wave-1")
    queue_wave(schools, "wave-1")  # the coordinator presses launch twice

    sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
    assert wait_until(lambda: sent.count() == 200), OutgoingEmail.objects.values("status")
    time.sleep(1)  # anything extra would arrive now
    received = smtp.recipients()
    assert len(received) == 200
    assert sorted(received) == sorted(s.contact_email for s in schools)
    assert OutgoingEmail.objects.count() == 200


def test_mail_server_down_then_back_loses_nothing_and_sends_once(worker, smtp, settings):
    school = EstablishmentFactory(contact_email="lead@down.example")
    smtp.stop()  # the SMTP server goes away

    queue_wave([school], "wave-2")

    row = OutgoingEmail.objects.get()
    assert wait_until(lambda: OutgoingEmail.objects.get().status == EmailStatus.RETRYING)
    smtp.start()  # back again
    OutgoingEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)
    emails_requeue_stuck()  # what beat does every minute

    assert wait_until(lambda: OutgoingEmail.objects.get().status == EmailStatus.SENT)
    assert smtp.recipients() == ["lead@down.example"]


def test_a_workshop_moved_is_one_fan_out_the_worker_turns_into_each_email_once(worker, smtp):
    import datetime as dt

    from cohorts.services.sessions import workshop_days_save
    from outbox.models import FanOut
    from outbox.services import fan_outs_requeue_stuck
    from tests.cohorts.factories import PlaceFactory, make_open_cohort
    from tests.workshops.factories import ProfessionalFactory
    from workshops.services import WorkshopDetails

    cohort = make_open_cohort()
    places = [PlaceFactory(cohort=cohort) for _ in range(6)]
    professionals = [ProfessionalFactory(cohort=cohort) for _ in range(2)]
    day_1, day_2 = cohort.workshops.order_by("day")

    workshop_days_save(  # its own transaction, as the coordinator's request
        cohort=cohort,
        day_1=WorkshopDetails(
            date=day_1.date, start_time=day_1.start_time, end_time=day_1.end_time
        ),
        day_2=WorkshopDetails(
            date=day_2.date + dt.timedelta(days=7),
            start_time=day_2.start_time,
            end_time=day_2.end_time,
        ),
    )

    sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
    assert wait_until(lambda: sent.count() == 8), OutgoingEmail.objects.values("status")
    fan_out = FanOut.objects.get()
    assert fan_out.done_at is not None
    # Delivered again past its mark (a worker died before acknowledging it): the event runs
    # again, and tells no one twice.
    FanOut.objects.update(done_at=None)
    celery_app.send_task("outbox.tasks.fan_out", args=[fan_out.pk])
    assert wait_until(lambda: FanOut.objects.get().done_at is not None)
    assert fan_outs_requeue_stuck() == 0
    time.sleep(2)  # anything extra would arrive now
    expected = [p.attendee_email for p in places] + [p.email for p in professionals]
    assert sorted(smtp.recipients()) == sorted(expected)
    assert OutgoingEmail.objects.count() == 8


def test_a_cohort_opening_invites_its_professionals_through_the_worker_once(worker, smtp):
    import datetime as dt

    from django.utils import timezone

    from cohorts.services.cohorts import cohort_open_for_booking
    from outbox.models import FanOut
    from tests.cohorts.factories import CohortFactory
    from tests.workshops.factories import ProfessionalFactory, WorkshopFactory

    cohort = CohortFactory()
    day_1 = timezone.localdate() + dt.timedelta(days=60)
    WorkshopFactory(cohort=cohort, day=1, date=day_1)
    WorkshopFactory(cohort=cohort, day=2, date=day_1 + dt.timedelta(days=42))
    professionals = [ProfessionalFactory(cohort=cohort) for _ in range(3)]

    cohort_open_for_booking(cohort=cohort)  # its own transaction, as the coordinator's request

    sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
    assert wait_until(lambda: sent.count() == 3), OutgoingEmail.objects.values("status")
    fan_out = FanOut.objects.get()
    FanOut.objects.update(done_at=None)  # delivered again past its mark: tells no one twice
    celery_app.send_task("outbox.tasks.fan_out", args=[fan_out.pk])
    assert wait_until(lambda: FanOut.objects.get().done_at is not None)
    time.sleep(2)  # anything extra would arrive now
    assert sorted(smtp.recipients()) == sorted(p.email for p in professionals)
    assert set(sent.values_list("kind", flat=True)) == {EmailKind.PROFESSIONAL_INVITATION}
    assert all(row.attachments[0]["mimetype"] == "text/calendar" for row in sent)


def test_a_facilitation_meeting_scheduled_then_cancelled_reaches_each_invitee_once_each(
    worker, smtp
):
    """Issue 15's real parts: the online meeting's invitations (with an .ics) and its
    cancellation go from the services through the fan-out and the outbox to a real worker
    and a real SMTP server, each stakeholder told once of each."""
    import datetime as dt

    from django.utils import timezone

    from facilitation.models import MeetingKind
    from facilitation.services.meetings import meeting_cancel, meeting_schedule
    from tests.facilitation.factories import EngagementFactory, StakeholderFactory
    from workshops.services import WorkshopDetails

    engagement = EngagementFactory()
    people = StakeholderFactory.create_batch(4, engagement=engagement)
    meeting = meeting_schedule(
        engagement=engagement,
        kind=MeetingKind.CONSULTATION,
        details=WorkshopDetails(
            date=timezone.localdate() + dt.timedelta(days=10),
            start_time=dt.time(10),
            end_time=dt.time(12),
            joining_link="https://meet.example/c",
        ),
        agenda="Priorities",
    )
    sent = OutgoingEmail.objects.filter(status=EmailStatus.SENT)
    assert wait_until(lambda: sent.count() == 4), OutgoingEmail.objects.values("status")

    meeting_cancel(meeting=meeting, reason="The council's budget meeting moved onto it")
    assert wait_until(lambda: sent.count() == 8), OutgoingEmail.objects.values("status")
    time.sleep(2)  # anything extra would arrive now
    emails = [p.email for p in people]
    assert sorted(smtp.recipients()) == sorted(emails * 2)
    cancelled = OutgoingEmail.objects.filter(subject__startswith="Cancelled")
    assert sorted(cancelled.values_list("recipient", flat=True)) == sorted(emails)
    assert all("METHOD:CANCEL" in str(e.attachments) for e in cancelled)
