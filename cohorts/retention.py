"""How long a cohort keeps what it knows about the people on it (``core.privacy``).

- Access needs: deleted ``LINK_RETAIN_ACCESS_NEEDS_DAYS`` (30) days after the cohort's last
  workshop (on every place of the cohort, whatever its status).
- Attendees and professionals: ``LINK_RETAIN_ATTENDEES_MONTHS`` (24) months after the cohort
  completes, a place's attendee becomes "former attendee" with no email or phone, and so does
  each professional on the cohort (``workshops.privacy``); what each attendee was told of the
  workshop days (an address per row) is deleted. A completed cohort's last workshop day is
  the day it completes. Places, statuses, attendance and roles stay, so no figure changes.

A cohort with no workshop dates (one cancelled while still planned) has no last workshop:
nothing here falls due for it.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from cohorts import conf
from cohorts.models import Cohort, CohortStatus, Place, WorkshopDaysTold
from core.dates import add_months
from core.privacy import (
    FORMER_ATTENDEE,
    Retention,
    SubjectRecords,
    normalise_email,
    register_retention,
    register_subject_records,
)
from workshops.models import Professional
from workshops.privacy import NOT_ANONYMISED, professionals_anonymise

_PLACE_NOT_ANONYMISED = ~Q(attendee_name=FORMER_ATTENDEE, attendee_email="", attendee_phone="")


def _cohorts_ended_by(day: date, *, completed: bool = False) -> QuerySet[Cohort]:
    """Cohorts whose last workshop was on or before ``day``."""
    cohorts = Cohort.objects.annotate(last_day=Max("delivery__workshops__date")).filter(
        last_day__lte=day
    )
    if completed:
        cohorts = cohorts.filter(status=CohortStatus.COMPLETED)
    return cohorts


# --- Access needs ---------------------------------------------------------------------------


def _access_needs_due(now: datetime) -> QuerySet[Place]:
    today = timezone.localdate(now)
    ended = _cohorts_ended_by(today - timedelta(days=conf.retain_access_needs_days()))
    return Place.objects.filter(cohort__in=ended.values("pk")).exclude(access_needs="")


def access_needs_preview(now: datetime) -> int:
    return _access_needs_due(now).count()


def access_needs_apply(now: datetime) -> int:
    # Access needs are not in the places' audit history (``Place.history``): one UPDATE.
    return _access_needs_due(now).update(access_needs="", updated_at=timezone.now())


# --- Attendees and professionals ------------------------------------------------------------


def _completed_before(now: datetime) -> QuerySet[Cohort]:
    today = timezone.localdate(now)
    return _cohorts_ended_by(add_months(today, -conf.retain_attendees_months()), completed=True)


def _attendees_due(now: datetime) -> QuerySet[Place]:
    cohorts = _completed_before(now).values("pk")
    return Place.objects.filter(_PLACE_NOT_ANONYMISED, cohort__in=cohorts)


def _professionals_due(now: datetime) -> QuerySet[Professional]:
    deliveries = _completed_before(now).values("delivery_id")
    return Professional.objects.filter(NOT_ANONYMISED, delivery__in=deliveries)


def places_anonymise(places: QuerySet[Place]) -> int:
    """Anonymise the attendees of ``places`` (and their access needs, and what they were
    told of the workshop days); returns how many places changed."""
    with transaction.atomic():
        rows = list(places.filter(_PLACE_NOT_ANONYMISED).values_list("pk", "attendee_email"))
        ids = [pk for pk, _ in rows]
        changed = Place.objects.filter(pk__in=ids).update(
            attendee_name=FORMER_ATTENDEE,
            attendee_email="",
            attendee_phone="",
            access_needs="",
            updated_at=timezone.now(),
        )
        Place.history.filter(id__in=ids).update(
            attendee_name=FORMER_ATTENDEE, attendee_email="", attendee_phone=""
        )
        emails = {normalise_email(email) for _, email in rows if email}
        WorkshopDaysTold.objects.filter(recipient__in=emails, cohort__places__pk__in=ids).delete()
    return changed


def attendees_preview(now: datetime) -> int:
    return _attendees_due(now).count()


def attendees_apply(now: datetime) -> int:
    return places_anonymise(_attendees_due(now))


def professionals_preview(now: datetime) -> int:
    return _professionals_due(now).count()


def professionals_apply(now: datetime) -> int:
    with transaction.atomic():
        cohorts = _completed_before(now).values("pk")
        WorkshopDaysTold.objects.filter(cohort__in=cohorts).delete()
        return professionals_anonymise(_professionals_due(now))


# --- Subject access -------------------------------------------------------------------------


def _places_of(email: str) -> QuerySet[Place]:
    return Place.objects.filter(attendee_email__iexact=normalise_email(email))


def find(email: str) -> list[dict]:
    return [
        {
            "id": place.pk,
            "cohort": place.cohort.name,
            "establishment": place.establishment.name,
            "attendee_name": place.attendee_name,
            "attendee_role": place.attendee_role,
            "attendee_email": place.attendee_email,
            "attendee_phone": place.attendee_phone,
            "access_needs": place.access_needs,
            "status": place.get_status_display(),
            "booked_at": place.booked_at.isoformat() if place.booked_at else None,
        }
        for place in _places_of(email)
        .select_related("cohort", "establishment")
        .order_by("created_at")
    ]


def erase(email: str) -> int:
    with transaction.atomic():
        WorkshopDaysTold.objects.filter(recipient=normalise_email(email)).delete()
        return places_anonymise(_places_of(email))


def register() -> None:
    def days():
        return conf.retain_access_needs_days()

    def months():
        return conf.retain_attendees_months()

    for key, label, policy, preview, apply_ in (
        (
            "cohorts.access_needs",
            "Access needs",
            lambda: f"Deleted {days()} days after the cohort's last workshop",
            access_needs_preview,
            access_needs_apply,
        ),
        (
            "cohorts.attendees",
            "Attendees' names, emails and phones",
            lambda: f'Replaced by "{FORMER_ATTENDEE}" {months()} months after the cohort completes',
            attendees_preview,
            attendees_apply,
        ),
        (
            "cohorts.professionals",
            "Professionals' names and emails",
            lambda: f'Replaced by "{FORMER_ATTENDEE}" {months()} months after the cohort completes',
            professionals_preview,
            professionals_apply,
        ),
    ):
        register_retention(
            Retention(key=key, label=label, policy=policy, preview=preview, apply=apply_)
        )
    register_subject_records(
        SubjectRecords(key="cohorts.places", label="Places", find=find, erase=erase, order=50)
    )
