"""Celery tasks of the facilitation app: they call services and own nothing else."""

from celery import shared_task


@shared_task(name="facilitation.tasks.send_meeting_reminders", ignore_result=True)
def send_meeting_reminders() -> int:
    """Remind those invited to a meeting the day before."""
    from facilitation.services.reminders import meeting_reminders_send

    return meeting_reminders_send()


@shared_task(name="facilitation.tasks.send_notes_reminders", ignore_result=True)
def send_notes_reminders() -> int:
    """Remind facilitators of meeting notes not written three days on."""
    from facilitation.services.reminders import notes_reminders_send

    return notes_reminders_send()


@shared_task(name="facilitation.tasks.send_plan_reminders", ignore_result=True)
def send_plan_reminders() -> int:
    """Remind owners of goals and actions due within a week, and of those just passed."""
    from facilitation.services.plan_reminders import plan_reminders_send

    return plan_reminders_send()


@shared_task(name="facilitation.tasks.send_schools_survey_reminders", ignore_result=True)
def send_schools_survey_reminders() -> int:
    """Remind the schools that have not answered a schools survey a week before it closes."""
    from facilitation.services.survey import schools_survey_reminders_send

    return schools_survey_reminders_send()


@shared_task(name="facilitation.tasks.send_rating_requests", ignore_result=True)
def send_rating_requests() -> int:
    """Send CASCADE rating links to stakeholders added since a round opened; remind once."""
    from facilitation.services.ratings import rating_requests_send

    return rating_requests_send()
