"""The facilitation app's configurable values and their defaults, read when needed through
``core.conf.setting``: a settings override, else the environment, else the default here.
"""

from core.conf import setting

#: A facilitator is reminded to write a meeting's notes this many days after it, once.
DEFAULT_NOTES_REMINDER_DAYS = 3
#: Those invited to a meeting are reminded this many days before it.
DEFAULT_MEETING_REMINDER_DAYS = 1
#: How long each stage usually takes, in days; an engagement in a stage for longer is shown
#: as overdue (the Wiltshire engagement took about seven months from survey to review).
STAGE_DAYS = {
    "requested": 14,
    "scoping": 28,
    "survey": 42,
    "consultation": 42,
    "support": 90,
    "review": 120,
}


def notes_reminder_days() -> int:
    return setting("LINK_NOTES_REMINDER_DAYS", DEFAULT_NOTES_REMINDER_DAYS)


def meeting_reminder_days() -> int:
    return setting("LINK_MEETING_REMINDER_DAYS", DEFAULT_MEETING_REMINDER_DAYS)


def stage_days(stage: str) -> int | None:
    """How many days ``stage`` usually takes (None: no limit, e.g. closed or paused)."""
    return STAGE_DAYS.get(stage)


#: An owner is reminded of a goal or action this many days before it is due (and once when
#: it passes).
DEFAULT_PLAN_REMINDER_DAYS = 7


def plan_reminder_days() -> int:
    return setting("LINK_PLAN_REMINDER_DAYS", DEFAULT_PLAN_REMINDER_DAYS)


#: Stakeholders' names and email addresses are anonymised this many months after their
#: engagement closes (docs/privacy.md).
DEFAULT_RETAIN_STAKEHOLDERS_MONTHS = 24


def retain_stakeholders_months() -> int:
    return setting("LINK_RETAIN_STAKEHOLDERS_MONTHS", DEFAULT_RETAIN_STAKEHOLDERS_MONTHS)


#: The schools survey stays open this many days unless the coordinator picks another date;
#: the schools that have not answered are reminded this many days before it closes, once.
DEFAULT_SCHOOLS_SURVEY_DAYS = 28
DEFAULT_SCHOOLS_SURVEY_REMINDER_DAYS = 7
#: A school's survey link opens its answers for this long after it was sent: as long as a
#: survey may stay open (``services.survey.LONGEST``), so a link does not lapse while its
#: survey is open.
DEFAULT_SCHOOLS_SURVEY_LINK_DAYS = 120


def schools_survey_days() -> int:
    return setting("LINK_SCHOOLS_SURVEY_DAYS", DEFAULT_SCHOOLS_SURVEY_DAYS)


def schools_survey_reminder_days() -> int:
    return setting("LINK_SCHOOLS_SURVEY_REMINDER_DAYS", DEFAULT_SCHOOLS_SURVEY_REMINDER_DAYS)


def schools_survey_link_days() -> int:
    return setting("LINK_SCHOOLS_SURVEY_LINK_DAYS", DEFAULT_SCHOOLS_SURVEY_LINK_DAYS)


#: A stakeholder who has not rated the CASCADE areas this many days after their link went
#: is reminded, once, while the round is open.
DEFAULT_RATING_REMINDER_DAYS = 7


def rating_reminder_days() -> int:
    return setting("LINK_RATING_REMINDER_DAYS", DEFAULT_RATING_REMINDER_DAYS)
