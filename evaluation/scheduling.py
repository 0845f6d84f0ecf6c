"""When each participant is asked: the evaluation's three time points, worked out from each
delivery's first and last session (the last by the number of sessions its way of delivering
will have, so a cohort with only workshop 1 saved has no last session yet). Reads only;
``evaluation.services.surveys`` makes and sends the invitations.

Which participants are asked at the start and at the end is their way of delivering's rule
(``WHO_IS_ASKED``; a cohort's is ``cohorts.surveys``); nothing here branches on the kind of
person. For a cohort (issue 5), with every moment in the programme's time zone
(``settings.TIME_ZONE``) and nobody on a cancelled cohort asked anything:

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

``invitations_due`` lists the (participant, time point) pairs that are due now and have no
invitation yet, in a fixed number of queries however many people there are.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from cohorts import surveys as cohort_surveys
from core.dates import add_months
from evaluation import conf
from evaluation.models import AUDIENCE_OF_PARTICIPANT, SurveyInvitation, TimePoint
from workshops.models import Delivery, DeliveryKind, Participant, ParticipantKind, Workshop

#: Slack on the coarse date filters below; the exact rule is applied in Python afterwards.
_SLACK = timedelta(days=4)


@dataclass(frozen=True)
class WhoIsAsked:
    """A way of delivering's rule for its surveys: how many sessions its delivery will have
    (the last of them sets the later time points), which deliveries are asked nothing, and
    which of its participants are asked at the start and at the end."""

    sessions: int
    deliveries_not_asked: Q
    #: Participants no longer on their delivery: not sent or reminded what they were invited to.
    participants_withdrawn: Q
    #: Participants asked at baseline, annotated with ``since`` (when they joined).
    at_start: Callable[[QuerySet], QuerySet]
    at_end: Callable[[QuerySet], QuerySet]


#: Each way of delivering's rule (a cohort's is ``cohorts.surveys``).
WHO_IS_ASKED: dict[str, WhoIsAsked] = {
    DeliveryKind.COHORT: WhoIsAsked(
        sessions=cohort_surveys.SESSIONS,
        deliveries_not_asked=cohort_surveys.DELIVERIES_NOT_ASKED,
        participants_withdrawn=cohort_surveys.PARTICIPANTS_WITHDRAWN,
        at_start=cohort_surveys.asked_at_start,
        at_end=cohort_surveys.asked_at_end,
    ),
}


@dataclass(frozen=True)
class DueInvitation:
    """One participant due to be asked at one time point."""

    time_point: str
    cohort_id: int
    due_at: datetime
    closes_at: datetime
    participant_id: int
    participant_kind: str

    @property
    def audience(self) -> str:
        return AUDIENCE_OF_PARTICIPANT[self.participant_kind]


def participant_withdrawn() -> Exists:
    """Whether an invitation's (``OuterRef("participant_id")``) participant is no longer on
    their delivery, by their way of delivering's rule."""
    withdrawn = reduce(
        or_, (Q(delivery__kind=k) & r.participants_withdrawn for k, r in WHO_IS_ASKED.items())
    )
    return Exists(Participant.objects.filter(withdrawn, pk=OuterRef("participant_id")))


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


def _not_invited(participants: QuerySet, time_point: str) -> QuerySet:
    """Those of ``participants`` with no invitation at ``time_point``. A person erased
    (``evaluation.retention``: no address, invitations no longer linked) is not asked again."""
    invited = SurveyInvitation.objects.filter(participant=OuterRef("pk"), time_point=time_point)
    erased = Q(**{f"{ParticipantKind.SCHOOL_ATTENDEE.value}__attendee_email": ""}) | Q(
        **{f"{ParticipantKind.PROFESSIONAL.value}__email": ""}
    )
    return participants.exclude(Exists(invited)).exclude(erased)


@dataclass
class _Sessions:
    """The first and last sessions of the deliveries that may have a time point open now."""

    cohort_of: dict[int, int]
    kind_of: dict[int, str]
    first_starts: dict[int, datetime]
    last: dict[int, tuple[date, time]]


def _sessions(now: datetime) -> _Sessions:
    """The first and last sessions (by each delivery's number of sessions) of the deliveries
    that may have a time point open now: a coarse date filter, one query."""
    today = timezone.localdate(now)
    open_days = conf.open_for() + timedelta(days=1)
    months = conf.follow_up_months()
    last = reduce(or_, (Q(delivery__kind=k, day=r.sessions) for k, r in WHO_IS_ASKED.items()))
    not_asked = reduce(or_, (Q(kind=k) & r.deliveries_not_asked for k, r in WHO_IS_ASKED.items()))
    rows = (
        # Only the ways of delivering whose people are surveyed (a facilitation engagement's
        # meetings are sessions too, and its stakeholders are not asked these surveys).
        Workshop.objects.filter(delivery__kind__in=list(WHO_IS_ASKED))
        .exclude(delivery__in=Delivery.objects.filter(not_asked))
        .filter(
            Q(day=1, date__gte=today - timedelta(days=1))
            | (last & Q(date__gte=today - open_days, date__lte=today))
            | (
                last
                & Q(
                    date__gte=add_months(today - open_days, -months) - _SLACK,
                    date__lte=add_months(today, -months) + _SLACK,
                )
            )
        )
        .values(
            "delivery_id",
            "day",
            "date",
            "start_time",
            "end_time",
            kind=F("delivery__kind"),
            cohort_id=F("delivery__cohort"),
        )
    )
    sessions = _Sessions({}, {}, {}, {})
    for row in rows:
        delivery = row["delivery_id"]
        sessions.cohort_of[delivery] = row["cohort_id"]
        sessions.kind_of[delivery] = row["kind"]
        if row["day"] == 1:
            sessions.first_starts[delivery] = baseline_closes_at(
                day_1=row["date"], start_time=row["start_time"]
            )
        if row["day"] == WHO_IS_ASKED[row["kind"]].sessions:
            sessions.last[delivery] = (row["date"], row["end_time"])
    return sessions


def _by_kind(sessions: _Sessions, deliveries) -> dict[str, list[int]]:
    kinds = defaultdict(list)
    for delivery in deliveries:
        kinds[sessions.kind_of[delivery]].append(delivery)
    return kinds


def _baseline(now: datetime, sessions: _Sessions) -> list[DueInvitation]:
    open_now = [d for d, starts in sessions.first_starts.items() if now < starts]
    due = []
    for kind, deliveries in _by_kind(sessions, open_now).items():
        people = WHO_IS_ASKED[kind].at_start(Participant.objects.filter(delivery__in=deliveries))
        rows = _not_invited(people, TimePoint.BASELINE).values_list(
            "pk", "kind", "delivery_id", "since"
        )
        for pk, participant_kind, delivery, since in rows:
            closes = sessions.first_starts[delivery]
            if since <= now < closes:  # since < closes: joined before the first session started
                cohort_id = sessions.cohort_of[delivery]
                due.append(
                    DueInvitation(
                        TimePoint.BASELINE, cohort_id, since, closes, pk, participant_kind
                    )
                )
    return due


def _after_last_session(
    now: datetime, time_point: str, windows: dict[int, tuple[datetime, datetime]], sessions
) -> list[DueInvitation]:
    """Post-programme or follow-up: those asked at the end, on the deliveries open now."""
    open_now = {delivery: w for delivery, w in windows.items() if w[0] <= now < w[1]}
    due = []
    for kind, deliveries in _by_kind(sessions, open_now).items():
        people = WHO_IS_ASKED[kind].at_end(Participant.objects.filter(delivery__in=deliveries))
        rows = _not_invited(people, time_point).values_list("pk", "kind", "delivery_id")
        for pk, participant_kind, delivery in rows:
            due_at, closes_at = open_now[delivery]
            cohort_id = sessions.cohort_of[delivery]
            due.append(
                DueInvitation(time_point, cohort_id, due_at, closes_at, pk, participant_kind)
            )
    return due


def invitations_due(*, now: datetime) -> list[DueInvitation]:
    """Every participant due to be asked at ``now`` who has no invitation for that time point.

    At most four queries whatever the number of cohorts and people: the sessions, then the
    participants of each time point (one per way of delivering).
    """
    sessions = _sessions(now)
    post = {
        delivery: post_window(day_2=day, end_time=end)
        for delivery, (day, end) in sessions.last.items()
    }
    follow_up = {
        delivery: follow_up_window(day_2=day, end_time=end)
        for delivery, (day, end) in sessions.last.items()
    }
    return [
        *_baseline(now, sessions),
        *_after_last_session(now, TimePoint.POST, post, sessions),
        *_after_last_session(now, TimePoint.FOLLOW_UP, follow_up, sessions),
    ]
