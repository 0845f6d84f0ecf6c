"""The evaluation app's configurable values and their defaults, read when needed through
``core.conf.setting``: a settings override, else the environment
(``LINK_SURVEY_MIN_CELL=10``), else the default here.
"""

from datetime import timedelta

from core.conf import setting
from core.suppression import DEFAULT_MIN_CELL, min_cell  # noqa: F401 - the one threshold

#: The follow-up survey falls due this many months after workshop 2.
DEFAULT_FOLLOW_UP_MONTHS = 6
#: One reminder goes this many days after the invitation, if nothing has been submitted.
DEFAULT_REMINDER_DAYS = 7
#: The post-programme and follow-up surveys take answers for this many days after they fall
#: due (the baseline closes when workshop 1 starts).
DEFAULT_OPEN_DAYS = 42
#: A personal survey link works for this many days after it was made; an older one can ask
#: for a new link while the survey is still open.
DEFAULT_LINK_MAX_AGE_DAYS = 28
# Reports suppress any figure resting on fewer respondents than ``LINK_SURVEY_MIN_CELL``
# (``DEFAULT_MIN_CELL``, 5): the programme's one threshold, read by ``core.suppression``.


def follow_up_months() -> int:
    return setting("LINK_SURVEY_FOLLOW_UP_MONTHS", DEFAULT_FOLLOW_UP_MONTHS)


def reminder_after() -> timedelta:
    days = setting("LINK_SURVEY_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return timedelta(days=days)


def open_for() -> timedelta:
    return timedelta(days=setting("LINK_SURVEY_OPEN_DAYS", DEFAULT_OPEN_DAYS))


def link_max_age() -> timedelta:
    days = setting("LINK_SURVEY_LINK_MAX_AGE_DAYS", DEFAULT_LINK_MAX_AGE_DAYS)
    return timedelta(days=days)


#: The survey invitations' link to the person is removed this many days after the cohort's
#: follow-up closes: the answers become anonymous, pairs already formed stay pairs.
DEFAULT_RETAIN_SURVEY_LINK_DAYS = 90


def retain_survey_link_days() -> int:
    return setting("LINK_RETAIN_SURVEY_LINK_DAYS", DEFAULT_RETAIN_SURVEY_LINK_DAYS)
