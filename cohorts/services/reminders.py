"""Scheduled mail of the programme: workshop reminders and non-responder nudges.

Both run from beat and can run any number of times: each is let out once by the programme's
own record, written in the transaction that queues its email (``WorkshopReminder``,
``Invitation.nudged_at``), so purging old emails never sends one again; the outbox's unique
key (kind, recipient, object, occurrence) stops a repeat as well.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts import conf
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    ROSTER_STATUSES,
    CohortStatus,
    Invitation,
    Place,
    WorkshopReminder,
)
from cohorts.services.waves import invitation_link
from outbox.models import EmailKind
from outbox.services import Areas, email_enqueue
from workshops.models import Workshop

#: (days before the workshop, occurrence label, first and last day it may go out)
REMINDERS = ((7, "7d", 7, 2), (1, "1d", 1, 1))
LIVE_COHORTS = (CohortStatus.OPEN, CohortStatus.FULL, CohortStatus.RUNNING)


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind booked attendees and the cohort's professionals 7 days and 1 day before each
    workshop.

    A "7 days to go" goes out from 7 days before (or the first run after, up to 2 days
    before, should beat have been down), never to a school whose seat became theirs after
    that point, nor to a professional added after it: a late booker gets the booking
    confirmation (a professional, the invitation) and the 1-day reminder only.
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
            reminded = WorkshopReminder.objects.filter(
                place=OuterRef("pk"), workshop=workshop, label=label
            )
            places = (
                Place.objects.filter(cohort=workshop.delivery.cohort, status__in=ROSTER_STATUSES)
                .annotate(seat_since=Coalesce("booked_at", "created_at"))
                .filter(seat_since__lte=point)
                .exclude(Exists(reminded))
                .select_related("establishment")
            )
            for place in places:
                with transaction.atomic():
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
                        occurrence=f"workshop-{workshop.pk}-{label}",
                        campaign=workshop.delivery.cohort.campaign,
                    )
                    WorkshopReminder.objects.get_or_create(
                        place=place, workshop=workshop, label=label
                    )
                queued += created
            queued += _remind_professionals(workshop, days_before, label, point)
    return queued


def _remind_professionals(workshop: Workshop, days_before: int, label: str, point) -> int:
    """The reminder to each professional on ``workshop``'s cohort added by ``point``, once
    (``WorkshopReminder``), each in a transaction with its record."""
    cohort = workshop.delivery.cohort
    reminded = WorkshopReminder.objects.filter(
        professional=OuterRef("pk"), workshop=workshop, label=label
    )
    professionals = workshop.delivery.professionals.filter(created_at__lte=point).exclude(
        Exists(reminded)
    )
    queued = 0
    for professional in professionals:
        with transaction.atomic():
            _, created = email_enqueue(
                kind=EmailKind.WORKSHOP_REMINDER,
                recipient=professional.email,
                template="professional_reminder",
                context={
                    "name": professional.name,
                    "workshop": workshop,
                    "cohort": cohort,
                    "days_before": days_before,
                },
                concerns=professional,
                occurrence=f"workshop-{workshop.pk}-{label}",
                campaign=cohort.campaign,
                areas=Areas.of(cohort),
            )
            WorkshopReminder.objects.get_or_create(
                professional=professional, workshop=workshop, label=label
            )
        queued += created
    return queued


def nudges_send(*, now: datetime | None = None) -> int:
    """Nudge, once per invitation, the schools invited ``conf.nudge_after_days()`` ago (by any
    channel) that have not booked or joined a waiting list. The nudge is marked on the
    invitation in the transaction that queues its email."""
    now = now or timezone.now()
    placed = Place.objects.filter(
        establishment=OuterRef("establishment"), status__in=ACTIVE_PLACE_STATUSES
    )
    due = (
        Invitation.objects.filter(
            nudged_at__isnull=True,
            invited_at__lte=now - timedelta(days=conf.nudge_after_days()),
        )
        .exclude(establishment__contact_email="")
        .exclude(Exists(placed))
        .select_related("establishment", "wave")
        .order_by("pk")
    )
    queued = 0
    for invitation in due.iterator(chunk_size=1000):
        establishment = invitation.establishment
        with transaction.atomic():
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
                occurrence=invitation.wave.occurrence,
                campaign=invitation.wave.campaign,
            )
            Invitation.objects.filter(pk=invitation.pk).update(nudged_at=now)
        queued += created
    return queued
