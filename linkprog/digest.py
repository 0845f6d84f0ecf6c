"""The coordinators' daily digest: one email per coordinator, only when something needs them.

Each coordinator (and national admin) with an email address gets, once a day, what happened
in their areas since the day before and what is coming that needs a hand:

- cohorts that filled;
- places cancelled or offers declined (with the reason);
- emails that failed to send;
- workshops in the next 14 days with no NHS children and young people's mental health
  services (CYPMHS) professional: the programme exists to put schools and CYPMHS in a room;
- cohorts whose booking closes in the next 7 days, under half full;
- for national admins: a GIAS import that failed, and register changes waiting for review.

Nothing to say, no email. The digest is composed here (``linkprog`` joins the apps) from
each app's selectors, and sent through the outbox, once per person and day.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.scoping import scope_for
from cohorts import conf as cohorts_conf
from cohorts.models import BOOKABLE_COHORT_STATUSES, CohortStatus, PlaceStatus
from cohorts.selectors import cohorts_annotated, cohorts_in_scope, places_in_scope
from outbox.models import EmailKind, EmailStatus
from outbox.selectors import emails_for
from outbox.services import email_enqueue
from schools.models import ChangeStatus, GiasImport, ImportStatus, RegisterChange
from workshops.models import OrganisationType, Workshop

logger = logging.getLogger("linkprog.digest")

SOON_DAYS = 14
CLOSING_DAYS = 7
CAMPAIGN = "Coordinators' daily digest"


@dataclass
class Section:
    title: str
    lines: list[str]
    link: str = ""


@dataclass
class Digest:
    sections: list[Section] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sections)


def _url(name: str, query: str = "") -> str:
    return settings.LINK_BASE_URL + reverse(name) + (f"?{query}" if query else "")


def digest_for(user, *, since: datetime, today: date) -> Digest:
    """What ``user`` should hear about (within their scope) since ``since``."""
    digest = Digest()
    scope = scope_for(user)
    if scope.is_empty:
        return digest
    cohorts = cohorts_in_scope(scope=scope)

    filled = cohorts.filter(status=CohortStatus.FULL, updated_at__gte=since).order_by("name")
    if names := [cohort.name for cohort in filled]:
        digest.sections.append(Section("Cohorts that filled", names, _url("cohorts:list")))

    cancelled = (
        places_in_scope(scope=scope)
        .filter(status=PlaceStatus.CANCELLED, cancelled_at__gte=since)
        .select_related("establishment", "cohort")
        .order_by("cohort__name", "establishment__name")
    )
    if lines := [
        f"{place.establishment.name}, {place.cohort.name}: "
        f"{place.get_cancel_reason_display().lower() or 'cancelled'}"
        for place in cancelled
    ]:
        digest.sections.append(Section("Declines and cancellations", lines))

    if user.has_perm("accounts.manage_outbox"):
        failed = emails_for(scope).filter(status=EmailStatus.FAILED, updated_at__gte=since)
        if count := failed.count():
            digest.sections.append(
                Section(
                    "Emails that failed to send",
                    [f"{count} email{'s' if count != 1 else ''} could not be sent."],
                    _url("outbox:email-list", "status=failed"),
                )
            )

    live = cohorts.exclude(status__in=(CohortStatus.CANCELLED, CohortStatus.COMPLETED))
    no_cypmhs = (
        Workshop.objects.filter(
            delivery__cohort__in=live, date__gte=today, date__lte=today + timedelta(SOON_DAYS)
        )
        .exclude(
            delivery__professionals__organisation_type=OrganisationType.NHS_CYPMHS,
        )
        .select_related("delivery__cohort")
        .order_by("date", "pk")
    )
    if lines := [
        f"{workshop.delivery.cohort.name}, {workshop.label} on {workshop.date:%A %-d %B}"
        for workshop in no_cypmhs
    ]:
        digest.sections.append(Section("Workshops soon with no NHS CYPMHS professional", lines))

    closes = cohorts_conf.booking_closes_days()
    closing = cohorts_annotated(live.filter(status__in=BOOKABLE_COHORT_STATUSES)).filter(
        day_1_date__gte=today + timedelta(closes),
        day_1_date__lte=today + timedelta(closes + CLOSING_DAYS),
    )
    if lines := [
        f"{cohort.name}: {cohort.seats_taken} of {cohort.capacity} places taken, booking "
        f"closes {cohort.day_1_date - timedelta(closes):%A %-d %B}"
        for cohort in closing.order_by("day_1_date", "name")
        if cohort.seats_taken * 2 < cohort.capacity
    ]:
        digest.sections.append(Section("Booking closes this week, under half full", lines))

    if user.has_perm("accounts.review_register_changes"):
        lines = [
            f"The GIAS import of {run.file_name} failed, so the register did not change: "
            f"{run.message}"
            for run in GiasImport.objects.filter(
                status=ImportStatus.FAILED, created_at__gte=since
            ).order_by("created_at")
        ]
        pending = RegisterChange.objects.filter(status=ChangeStatus.PENDING).count()
        if pending:
            lines.append(f"{pending} change{'s' if pending != 1 else ''} from GIAS to review.")
        if lines:
            digest.sections.append(Section("The register", lines, _url("schools:register-changes")))
    return digest


def _recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(groups__permissions__codename="manage_cohorts")
            | Q(user_permissions__codename="manage_cohorts")
        )
        .distinct()
        .order_by("pk")
    )


def digests_send(*, now: datetime | None = None) -> int:
    """Queue today's digest for each coordinator who has something to hear (once a day:
    a second run the same day queues nothing). Returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=1)
    queued = 0
    for user in _recipients():
        digest = digest_for(user, since=since, today=today)
        if not digest:
            continue
        _, created = email_enqueue(
            kind=EmailKind.DIGEST,
            recipient=user.email,
            template="digest",
            context={"user": user, "digest": digest, "today": today},
            concerns=user,
            occurrence=f"digest-{today.isoformat()}",
            campaign=CAMPAIGN,
        )
        queued += created
    logger.info("digests queued %s", queued)
    return queued
