"""The Celery application and the one beat schedule of Link.

Every periodic job lives in ``app.conf.beat_schedule`` below, with a comment saying why it
runs when it does. Tasks themselves live in each app's ``tasks.py``.
"""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkprog.settings.local")

app = Celery("linkprog")
# The default app in every thread, not only in the one that imported this module: the apps
# below linkprog (the outbox) hand tasks to ``celery.current_app`` without importing it.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.imports = ("linkprog.tasks",)


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs):
    """kombu's filesystem transport needs its folders to exist before anyone connects."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@task_prerun.connect
def _act_as_the_task(task=None, **kwargs):
    """What a task changes is recorded as the task's system actor (``core.actors``): the
    history says "Task: expire offers", not nobody."""
    from core.actors import acting_as, lazy_system_actor

    label = task.name.rsplit(".", 1)[-1].replace("_", " ")
    acting = acting_as(lazy_system_actor(f"task.{task.name}", f"Task: {label}"))
    acting.__enter__()
    task.request.link_acting = acting


@task_postrun.connect
def _stop_acting(task=None, **kwargs):
    acting = getattr(task.request, "link_acting", None)
    if acting is not None:
        task.request.link_acting = None
        acting.__exit__(None, None, None)


app.conf.beat_schedule = {
    # The outbox's safety net: emails whose send task was never queued (broker down) or was
    # lost (a worker killed mid-send, whose claim lapses after OUTBOX_LEASE_SECONDS) are
    # handed to the broker again. Every 30 seconds, so a crash or an outage delays an email
    # by at most about two minutes (outbox/services/sweeping.py).
    "outbox-requeue-stuck": {
        "task": "outbox.tasks.requeue_stuck",
        "schedule": 30.0,
    },
    # Invitation waves: each due wave queues its next invitations (up to its rate per minute,
    # or all of them), so a schedule, a pause or a resume takes effect within a minute.
    "dispatch-waves": {
        "task": "cohorts.tasks.dispatch_waves",
        "schedule": 60.0,
    },
    # Workshop reminders (7 days and 1 day before), computed from each workshop's date. Hourly,
    # so a missed run costs an hour, not a day; the outbox lets each reminder out once.
    "send-reminders": {
        "task": "cohorts.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
    # Non-responder nudges, once per wave, LINK_NUDGE_AFTER_DAYS after the invitation. Daily,
    # in office hours, when a school is likeliest to act on it.
    "send-nudges": {
        "task": "cohorts.tasks.send_nudges",
        "schedule": crontab(hour=9, minute=30),
    },
    # Waiting-list offers lapse 48 h after they are made; every 15 minutes the lapsed ones are
    # expired and the seat is offered to the next school, so no seat sits idle for long.
    "expire-offers": {
        "task": "cohorts.tasks.expire_offers",
        "schedule": crontab(minute="*/15"),
    },
    # Booking closes LINK_BOOKING_CLOSES_DAYS before workshop 1, and no offer is made after
    # it: the schools still waiting are told that day, and kept as interested in their area.
    # Hourly, so they hear early on the first day booking is closed; each is told once.
    "close-waiting-lists": {
        "task": "cohorts.tasks.close_waiting_lists",
        "schedule": crontab(minute=10),
    },
    # Survey invitations at each time point (baseline on booking, post when workshop 2 ends,
    # follow-up months later). Every 15 minutes: a school that books the day before workshop
    # 1 still gets its baseline in time, and the scan is a handful of queries however many
    # people are due. The outbox lets each invitation out once.
    "survey-invitations": {
        "task": "evaluation.tasks.invite_due",
        "schedule": crontab(minute="*/15"),
    },
    # The one survey reminder, LINK_SURVEY_REMINDER_DAYS after the invitation, to those who
    # have not submitted. Daily, in office hours, when staff are likeliest to answer.
    "survey-reminders": {
        "task": "evaluation.tasks.send_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # The register follows GIAS: the day's extract, dropped in GIAS_EXTRACT_PATH, is imported
    # if it is newer than the last one; changes that matter to the programme wait for a
    # person on the register changes page. Early, before coordinators start their day.
    "sync-gias": {
        "task": "schools.tasks.sync_gias",
        "schedule": crontab(hour=6, minute=40),
    },
    # The coordinators' daily digest (linkprog/digest.py): what filled, was cancelled or
    # failed since yesterday, and what is coming that needs a hand. Early morning, after the
    # GIAS sync, so a failed import is in it.
    "send-digests": {
        "task": "linkprog.tasks.send_digests",
        "schedule": crontab(hour=7, minute=15),
    },
    # Personal data past its retention period (docs/privacy.md): access needs, attendees'
    # and professionals' details, email bodies and addresses, the survey invitations' link
    # to a person, staff accounts nobody signs in to. Nightly, at a quiet hour; each run
    # writes one audit row of counts (linkprog.privacy).
    "apply-retention": {
        "task": "linkprog.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=40),
    },
    # Large exports (linkprog/exports): a job whose worker was lost (no sign of life for
    # LINK_EXPORT_LEASE_SECONDS) goes back to a worker, or is marked failed after three tries
    # for its owner to restart. Every 5 minutes, so a killed worker delays a file by at most
    # a lease and 5 minutes.
    "recover-exports": {
        "task": "linkprog.tasks.recover_exports",
        "schedule": crontab(minute="*/5"),
    },
    # Export files hold pseudonymised survey answers: each is deleted LINK_EXPORT_KEEP_HOURS
    # after it is built (docs/privacy.md). Every 15 minutes, so none outlives its time by more.
    "delete-expired-exports": {
        "task": "linkprog.tasks.delete_expired_exports",
        "schedule": crontab(minute="*/15"),
    },
    # Facilitation meetings: a reminder to those invited the day before (LINK_MEETING_REMINDER_
    # DAYS). Hourly, like the workshop reminders, so a missed run costs an hour.
    "send-meeting-reminders": {
        "task": "facilitation.tasks.send_meeting_reminders",
        "schedule": crontab(minute=20),
    },
    # A facilitator whose meeting's notes are not written LINK_NOTES_REMINDER_DAYS (3) days on
    # is reminded once. Daily, in office hours.
    "send-notes-reminders": {
        "task": "facilitation.tasks.send_notes_reminders",
        "schedule": crontab(hour=9, minute=45),
    },
    # Owners of goals and actions: once a week before each is due, and once when it passes,
    # with their personal link (LINK_PLAN_REMINDER_DAYS). Daily, in office hours.
    "send-plan-reminders": {
        "task": "facilitation.tasks.send_plan_reminders",
        "schedule": crontab(hour=9, minute=50),
    },
    # Schools that have not answered an engagement's schools survey: once, a week before it
    # closes (LINK_SCHOOLS_SURVEY_REMINDER_DAYS). Daily, in office hours.
    "send-schools-survey-reminders": {
        "task": "facilitation.tasks.send_schools_survey_reminders",
        "schedule": crontab(hour=9, minute=55),
    },
    # CASCADE ratings: stakeholders added since a round opened are sent their link, and those
    # who have not rated LINK_RATING_REMINDER_DAYS (7) on are reminded once. Hourly.
    "send-rating-requests": {
        "task": "facilitation.tasks.send_rating_requests",
        "schedule": crontab(minute=35),
    },
    # Database sessions are not deleted when they expire; sweep them nightly, at a quiet hour.
    "clear-expired-sessions": {
        "task": "linkprog.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}
