"""Who on a cohort is asked the evaluation's surveys: the cohort programme's rule, which
``evaluation.scheduling`` applies to a cohort's participants at each time point (the times
themselves come from the delivery's first and last session).

- At the start (baseline): the attendee of each booked place (``PlaceStatus.BOOKED``) and
  every professional, each since the seat became the school's (``booked_at``, else when the
  place was made) or since the professional was added.
- At the end (after the programme, and at follow-up): everyone present at the cohort's last
  workshop day, and the attendee of a place that completed; never a cancelled place.
- Nobody on a cancelled cohort is asked anything, and a cancelled place's attendee is
  neither sent an invitation made before nor reminded.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from cohorts.models import CohortStatus, PlaceStatus
from cohorts.rules import LAST_DAY, WORKSHOP_DAYS
from workshops.models import Attendance

#: How many sessions a cohort's delivery will have: its last is the last workshop day, even
#: while only the first is saved.
SESSIONS = len(WORKSHOP_DAYS)

#: The deliveries (``workshops.Delivery``) of cohorts whose people are asked nothing.
DELIVERIES_NOT_ASKED = Q(cohort__status=CohortStatus.CANCELLED)

#: The participants (``workshops.Participant``) no longer on the cohort: a cancelled place's
#: attendee is neither invited nor reminded.
PARTICIPANTS_WITHDRAWN = Q(school_attendee__status=PlaceStatus.CANCELLED)


def asked_at_start(participants: QuerySet) -> QuerySet:
    """Those of ``participants`` (a cohort's) asked at baseline, each annotated with
    ``since``: when they became one of the cohort's people."""
    return participants.filter(
        Q(school_attendee__status=PlaceStatus.BOOKED) | Q(professional__isnull=False)
    ).annotate(
        since=Coalesce(
            "school_attendee__booked_at",
            "school_attendee__created_at",
            "professional__created_at",
        )
    )


def asked_at_end(participants: QuerySet) -> QuerySet:
    """Those of ``participants`` (a cohort's) asked after the programme and at follow-up."""
    present_on_last_day = Exists(
        Attendance.objects.filter(
            participant=OuterRef("pk"),
            present=True,
            workshop__day=LAST_DAY,
            workshop__delivery=OuterRef("delivery"),
        )
    )
    return participants.exclude(PARTICIPANTS_WITHDRAWN).filter(
        Q(school_attendee__status=PlaceStatus.COMPLETED) | present_on_last_day
    )
