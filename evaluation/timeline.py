"""The survey emails on a cohort's timeline (``cohorts.timeline``), dated by the same rules
the survey scan uses (``evaluation.scheduling``): the baseline on booking, closing when
workshop 1 starts; the post-programme survey when the last workshop ends, with its one
reminder; the follow-up months later, with its reminder."""

from cohorts import timeline
from cohorts.rules import FIRST_DAY, LAST_DAY
from evaluation import conf
from evaluation.scheduling import baseline_closes_at, follow_up_window, post_window

EVERYONE = "each school's attendee and each professional"
PRESENT = "each person present at the last workshop"


def survey_entries(cohort, workshops) -> list[timeline.Entry]:
    days = {workshop.day: workshop for workshop in workshops}
    entries = []
    first, last = days.get(FIRST_DAY), days.get(LAST_DAY)
    if first is not None:
        closes = baseline_closes_at(day_1=first.date, start_time=first.start_time)
        entries.append(
            timeline.Entry(
                timeline.as_day(closes),
                "Baseline survey closes (each person gets it on booking or on being added)",
                EVERYONE,
            )
        )
    if last is not None:
        for name, window in (
            ("Post-programme survey", post_window),
            ("Follow-up survey", follow_up_window),
        ):
            due, _closes = window(day_2=last.date, end_time=last.end_time)
            entries.append(timeline.Entry(timeline.as_day(due), name, PRESENT))
            entries.append(
                timeline.Entry(
                    timeline.as_day(due + conf.reminder_after()),
                    f"{name}: the one reminder, to those who have not answered",
                    PRESENT,
                )
            )
    return entries


def register() -> None:
    timeline.register(survey_entries)
