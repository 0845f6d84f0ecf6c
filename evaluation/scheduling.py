"""When each person is asked: the evaluation's three time points, worked out from the
workshop days. Reads only; ``evaluation.services.surveys`` makes and sends the invitations.

Who is asked, and when (issue 5). Every moment is in the programme's time zone
(``settings.TIME_ZONE``); nobody on a cancelled cohort is asked anything.

- **Baseline**, before workshop 1. Places that are booked (``PlaceStatus.BOOKED``) and the
  cohort's professionals. It falls due when the seat became the school's (``booked_at``, else
  when the place was made) or when the professional was added, and closes when workshop 1
  starts. Anyone booked or added once workshop 1 has started gets no baseline.
- **Post-programme**, after workshop 2. Places whose attendee was present at the cohort's
  workshop 2, or whose status is "completed", and professionals present at workshop 2. It
  falls due when workshop 2 ends and stays open for ``conf.open_for()`` (42 days). Attendance
  is often marked days later: whoever is marked present while it is open is asked then.
- **Follow-up**: the same people as post-programme. It falls due ``conf.follow_up_months()``
  (6) calendar months after workshop 2 ends, on the same day of the month or, where that
  month is shorter, its last day (31 August + 6 months is 28 or 29 February), and stays
  open for ``conf.open_for()``.
- Cancelled places are never asked (nor reminded; see the services).

``invitations_due`` lists the (person, time point) pairs that are due now and have no
invitation yet, in a fixed number of queries however many people there are.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts.models import CohortStatus, Place, PlaceStatus
from cohorts.rules import FIRST_DAY, LAST_DAY
from evaluation import conf
from evaluation.models import Audience, SurveyInvitation, TimePoint
from workshops.models import Attendance, Professional, Workshop

#: Slack on the coarse date filters below; the exact rule is applied in Python afterwards.
_SLACK = timedelta(days=4)


@dataclass(frozen=True)
class DueInvitation:
    """One person due to be asked at one time point: exactly one of the two ids is set."""

    time_point: str
    cohort_id: int
    due_at: datetime
    closes_at: datetime
    place_id: int | None = None
    professional_id: int | None = None

    @property
    def audience(self) -> str:
        return Audience.SCHOOL_STAFF if self.place_id else Audience.PROFESSIONALS


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_moment(day: date, at: time) -> datetime:
    """``at`` o'clock on ``day`` in the programme's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def baseline_closes_at(*, day_1: date, start_time: time) -> datetime:
    """The baseline closes when workshop 1 starts."""
    return local_moment(day_1, start_time)


def post_window(*, day_2: date, end_time: time) -> tuple[datetime, datetime]:
    """(due, closes) of the post-programme time point: from the end of workshop 2."""
    due = local_moment(day_2, end_time)
    return due, due + conf.open_for()


def follow_up_window(*, day_2: date, end_time: time) -> tuple[datetime, datetime]:
    """(due, closes) of the follow-up: ``follow_up_months()`` after the end of workshop 2."""
    due = local_moment(add_months(day_2, conf.follow_up_months()), end_time)
    return due, due + conf.open_for()


def _invited(time_point: str, *, by: str) -> Exists:
    return Exists(SurveyInvitation.objects.filter(**{by: OuterRef("pk")}, time_point=time_point))


def _present_on_day_2() -> Exists:
    """Their participant was marked present at workshop 2 of their delivery."""
    return Exists(
        Attendance.objects.filter(
            participant=OuterRef("participant"),
            present=True,
            workshop__day=LAST_DAY,
            workshop__delivery=OuterRef("participant__delivery"),
        )
    )


def _workshops(now: datetime) -> list[dict]:
    """The workshops whose cohort may have a time point open now (a coarse date filter)."""
    today = timezone.localdate(now)
    open_days = conf.open_for() + timedelta(days=1)
    months = conf.follow_up_months()
    return list(
        Workshop.objects.exclude(delivery__cohort__status=CohortStatus.CANCELLED)
        .filter(
            Q(day=FIRST_DAY, date__gte=today - timedelta(days=1))
            | Q(day=LAST_DAY, date__gte=today - open_days, date__lte=today)
            | Q(
                day=LAST_DAY,
                date__gte=add_months(today - open_days, -months) - _SLACK,
                date__lte=add_months(today, -months) + _SLACK,
            )
        )
        .values("day", "date", "start_time", "end_time", cohort_id=F("delivery__cohort"))
    )


def _baseline(now: datetime, day_1_starts: dict[int, datetime]) -> list[DueInvitation]:
    cohorts = [cohort_id for cohort_id, starts in day_1_starts.items() if now < starts]
    if not cohorts:
        return []
    places = (
        Place.objects.filter(cohort_id__in=cohorts, status=PlaceStatus.BOOKED)
        .exclude(_invited(TimePoint.BASELINE, by="place"))
        .annotate(since=Coalesce("booked_at", "created_at"))
        .values_list("pk", "cohort_id", "since")
    )
    professionals = (
        Professional.objects.filter(delivery__cohort__in=cohorts)
        .exclude(_invited(TimePoint.BASELINE, by="professional"))
        .values_list("pk", "delivery__cohort", "created_at")
    )
    due = []
    for who, rows in (("place_id", places), ("professional_id", professionals)):
        for pk, cohort_id, since in rows:
            closes = day_1_starts[cohort_id]
            if since <= now < closes:  # since < closes: booked before workshop 1 started
                due.append(DueInvitation(TimePoint.BASELINE, cohort_id, since, closes, **{who: pk}))
    return due


def _after_day_2(
    now: datetime, time_point: str, windows: dict[int, tuple[datetime, datetime]]
) -> list[DueInvitation]:
    """Post-programme or follow-up: the people of day 2 on the cohorts open now."""
    open_now = {
        cohort_id: window for cohort_id, window in windows.items() if window[0] <= now < window[1]
    }
    if not open_now:
        return []
    places = (
        Place.objects.filter(cohort_id__in=open_now)
        .exclude(status=PlaceStatus.CANCELLED)
        .filter(Q(status=PlaceStatus.COMPLETED) | _present_on_day_2())
        .exclude(_invited(time_point, by="place"))
        .values_list("pk", "cohort_id")
    )
    professionals = (
        Professional.objects.filter(delivery__cohort__in=open_now)
        .filter(_present_on_day_2())
        .exclude(_invited(time_point, by="professional"))
        .values_list("pk", "delivery__cohort")
    )
    due = []
    for who, rows in (("place_id", places), ("professional_id", professionals)):
        for pk, cohort_id in rows:
            due_at, closes_at = open_now[cohort_id]
            due.append(DueInvitation(time_point, cohort_id, due_at, closes_at, **{who: pk}))
    return due


def invitations_due(*, now: datetime) -> list[DueInvitation]:
    """Everyone due to be asked at ``now`` who has no invitation for that time point yet.

    Seven queries whatever the number of cohorts and people: the workshops, then the places
    and the professionals of each time point.
    """
    day_1_starts: dict[int, datetime] = {}
    post: dict[int, tuple[datetime, datetime]] = {}
    follow_up: dict[int, tuple[datetime, datetime]] = {}
    for workshop in _workshops(now):
        cohort_id = workshop["cohort_id"]
        if workshop["day"] == FIRST_DAY:
            day_1_starts[cohort_id] = baseline_closes_at(
                day_1=workshop["date"], start_time=workshop["start_time"]
            )
        else:
            post[cohort_id] = post_window(day_2=workshop["date"], end_time=workshop["end_time"])
            follow_up[cohort_id] = follow_up_window(
                day_2=workshop["date"], end_time=workshop["end_time"]
            )
    return [
        *_baseline(now, day_1_starts),
        *_after_day_2(now, TimePoint.POST, post),
        *_after_day_2(now, TimePoint.FOLLOW_UP, follow_up),
    ]
