"""Scheduled mail of the programme: workshop reminders and non-responder nudges.

Both run from beat and can run any number of times: the outbox's unique key (kind,
recipient, object, occurrence) lets each email out once.
"""

from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts import conf
from cohorts.models import ACTIVE_PLACE_STATUSES, ROSTER_STATUSES, CohortStatus, Place
from cohorts.services.waves import invitation_link
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from outbox.services import email_enqueue
from workshops.models import Workshop

#: (days before the workshop, occurrence label, first and last day it may go out)
REMINDERS = ((7, "7d", 7, 2), (1, "1d", 1, 1))
LIVE_COHORTS = (CohortStatus.OPEN, CohortStatus.FULL, CohortStatus.RUNNING)


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind booked attendees 7 days and 1 day before each workshop.

    A "7 days to go" goes out from 7 days before (or the first run after, up to 2 days
    before, should beat have been down), never to a school whose seat became theirs after
    that point: a late booker gets the booking confirmation and the 1-day reminder only.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for days_before, label, first, last in REMINDERS:
        workshops = Workshop.objects.filter(
            date__gte=today + timedelta(days=last),
            date__lte=today + timedelta(days=first),
            delivery__cohort__status__in=LIVE_COHORTS,
        ).select_related("delivery__cohort")
        for workshop in workshops:
            point = timezone.make_aware(
                datetime.combine(workshop.date - timedelta(days=days_before), time.min)
            )
            places = (
                Place.objects.filter(cohort=workshop.delivery.cohort, status__in=ROSTER_STATUSES)
                .annotate(seat_since=Coalesce("booked_at", "created_at"))
                .filter(seat_since__lte=point)
                .select_related("establishment")
            )
            for place in places:
                _, created = email_enqueue(
                    kind=EmailKind.WORKSHOP_REMINDER,
                    recipient=place.attendee_email,
                    template="workshop_reminder",
                    context={
                        "place": place,
                        "workshop": workshop,
                        "cohort": workshop.delivery.cohort,
                        "days_before": days_before,
                        "link": invitation_link(establishment=place.establishment),
                    },
                    concerns=place,
                    establishment=place.establishment,
                    wave_key=f"workshop-{workshop.pk}-{label}",
                )
                queued += created
    return queued


def nudges_send(*, now: datetime | None = None) -> int:
    """Nudge, once per wave, the schools invited ``conf.nudge_after_days()`` ago that have not
    booked or joined a waiting list."""
    now = now or timezone.now()
    placed = Place.objects.filter(
        establishment=OuterRef("establishment"), status__in=ACTIVE_PLACE_STATUSES
    )
    nudged = OutgoingEmail.objects.filter(
        kind=EmailKind.NUDGE,
        establishment=OuterRef("establishment"),
        wave_key=OuterRef("wave_key"),
    )
    due = (
        OutgoingEmail.objects.filter(
            kind=EmailKind.INVITATION,
            status=EmailStatus.SENT,
            sent_at__lte=now - timedelta(days=conf.nudge_after_days()),
            establishment__isnull=False,
        )
        .exclude(establishment__contact_email="")
        .exclude(Exists(placed))
        .exclude(Exists(nudged))
        .select_related("establishment")
    )
    queued = 0
    for invitation in due.iterator(chunk_size=1000):
        establishment = invitation.establishment
        _, created = email_enqueue(
            kind=EmailKind.NUDGE,
            recipient=establishment.contact_email,
            template="nudge",
            context={
                "establishment": establishment,
                "link": invitation_link(establishment=establishment),
            },
            concerns=establishment,
            establishment=establishment,
            wave_key=invitation.wave_key,
        )
        queued += created
    return queued
