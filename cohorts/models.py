"""Rollout phases, cohorts of up to 20 schools, and each school's place on a cohort.

Writes that matter go through ``cohorts.services``: the models hold the data, the database
constraints that can enforce a rule on their own, and small derived properties.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import Establishment, LocalAuthority, MHSTArea

#: A cohort is "up to 20 schools at a time": the programme's ceiling, not a setting.
MAX_COHORT_CAPACITY = 20


class Phase(TimeStampedModel):
    """One step of the rollout plan, e.g. "Year 1, autumn 2019".

    A phase covers some local authorities and/or Mental Health Support Team areas for a
    stretch of dates; its cohorts are planned there. MHST areas come first in the national
    rollout, so the schools a phase can reach are listed with those in an MHST area first
    (``cohorts.selectors.phase_reachable_establishments``).
    """

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[validate_one_line])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        related_name="phases",
        blank=True,
        verbose_name=_("local authorities"),
    )
    mhst_areas = models.ManyToManyField(
        MHSTArea,
        related_name="phases",
        blank=True,
        verbose_name=_("MHST areas"),
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="phase_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class CohortStatus(models.TextChoices):
    """Where a cohort is in its life. Services move it on; see ``cohorts.services``."""

    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for booking")
    FULL = "full", _("Full")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class Transition:
    """One thing that can be done to a record in some statuses, moving it to another: the
    services enforce it, and the pages offer exactly the transitions a record's status
    allows (``Wave.next_actions``)."""

    name: str  # also the URL name: cohorts:<name> for a cohort, cohorts:wave-<name>
    label: str
    sources: tuple[str, ...]
    target: str
    #: Why it is refused in another status: {name} is the record's, {status} its status.
    refusal: str
    style: str = "btn-outline-primary"
    #: The button leads to a page that asks first (a GET), instead of posting at once.
    confirm: bool = False

    def refusal_for(self, record) -> str:
        return self.refusal.format(name=record, status=record.get_status_display().lower())


#: A cohort's life, declared once: the services move by it and refuse with its message, and
#: the cohort page offers exactly the transitions its status allows (``Cohort.next_actions``).
COHORT_TRANSITIONS = {
    transition.name: transition
    for transition in (
        Transition(
            "open",
            _("Open for booking"),
            (CohortStatus.PLANNED,),
            CohortStatus.OPEN,
            "Only a planned cohort can be opened; {name} is {status}.",
            style="btn-primary",
        ),
        Transition(
            "start",
            _("Mark as running"),
            (CohortStatus.OPEN, CohortStatus.FULL),
            CohortStatus.RUNNING,
            "Only an open or full cohort can start; {name} is {status}.",
            style="btn-primary",
        ),
        Transition(
            "complete",
            _("Mark as completed"),
            (CohortStatus.RUNNING,),
            CohortStatus.COMPLETED,
            "Only a running cohort can be completed; {name} is {status}.",
            style="btn-primary",
        ),
        Transition(
            "cancel",
            _("Cancel cohort"),
            (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.FULL, CohortStatus.RUNNING),
            CohortStatus.CANCELLED,
            "{name} is already {status}.",
            style="btn-outline-danger",
            confirm=True,
        ),
    )
}

#: Statuses in which a cohort takes bookings (a full one takes waiting-list entries).
BOOKABLE_COHORT_STATUSES = (CohortStatus.OPEN, CohortStatus.FULL)


class Cohort(TimeStampedModel):
    """Up to 20 schools in one area who attend the same two whole-day workshops.

    The area is a local authority, an MHST area, or both (an MHST area inside one LA). The
    professionals who attend (``workshops.Professional``) do not count towards the capacity.
    """

    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("phase")
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="cohorts",
        null=True,
        blank=True,
        verbose_name=_("local authority"),
    )
    mhst_area = models.ForeignKey(
        MHSTArea,
        on_delete=models.PROTECT,
        related_name="cohorts",
        null=True,
        blank=True,
        verbose_name=_("MHST area"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (schools)"),
        default=MAX_COHORT_CAPACITY,
        help_text=_("At most 20 schools; a coordinator may lower it."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_cohorts",
        blank=True,
        verbose_name=_("facilitators"),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=CohortFormat.choices, default=CohortFormat.IN_PERSON
    )
    venue_name = models.CharField(
        _("venue name"), max_length=200, blank=True, validators=[validate_one_line]
    )
    venue_address = models.TextField(_("venue address"), blank=True)
    joining_link = models.URLField(_("joining link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    planned_establishments = models.ManyToManyField(
        Establishment,
        related_name="planned_cohorts",
        blank=True,
        verbose_name=_("establishments planned for this cohort"),
        help_text=_(
            "Set by the planning helper: the schools this cohort was planned for, to be "
            "invited first. Not a booking."
        ),
    )

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=["facilitators"]
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["phase__start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=False) | Q(mhst_area__isnull=False),
                name="cohort_has_an_area",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_COHORT_CAPACITY),
                name="cohort_capacity_1_to_20",
            ),
            models.CheckConstraint(
                condition=Q(format__in=CohortFormat.values), name="cohort_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CohortStatus.values), name="cohort_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="cohort_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def next_actions(self) -> list[Transition]:
        """The transitions this cohort's status allows, in the order the page shows them."""
        return [t for t in COHORT_TRANSITIONS.values() if self.status in t.sources]

    @property
    def area_name(self) -> str:
        """The area in words: "Camden", "Camden · North Central London MHST" and so on; an
        LA and an MHST area of the same name are named once."""
        names = [str(area.name) for area in (self.local_authority, self.mhst_area) if area]
        return " · ".join(dict.fromkeys(names))

    def serves(self, establishment: Establishment) -> bool:
        """Whether this cohort is in ``establishment``'s area: its LA or its MHST area (the
        cohorts a school can book itself, ``cohorts.selectors.cohorts_bookable_by``)."""
        return bool(
            (establishment.la_id and self.local_authority_id == establishment.la_id)
            or (establishment.mhst_area_id and self.mhst_area_id == establishment.mhst_area_id)
        )

    @property
    def where(self) -> str:
        """Venue name and address, or "Online"."""
        if self.format == CohortFormat.ONLINE:
            return str(_("Online"))
        return ", ".join(part for part in (self.venue_name, self.venue_address) if part)


class PlaceStatus(models.TextChoices):
    """A school's place on a cohort, from booking (or the waiting list) to completion.

    When its cohort completes, a place on the roster settles by attendance: present on both
    days, "completed"; on one day, "attended one day"; on neither, "did not attend". The last
    two are not active, so the school can book a later cohort.
    """

    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a place")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED_DAY_1 = "attended_day_1", _("Attended day 1")
    COMPLETED = "completed", _("Completed")
    ATTENDED_ONE_DAY = "attended_one_day", _("Attended one day")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


#: A place in any of these is "active": an establishment holds at most one in the programme.
ACTIVE_PLACE_STATUSES = (
    PlaceStatus.BOOKED,
    PlaceStatus.WAITING,
    PlaceStatus.OFFERED,
    PlaceStatus.ATTENDED_DAY_1,
    PlaceStatus.COMPLETED,
)
#: A completed cohort's places that did not complete it: no longer active, still on its roster.
NOT_COMPLETED_STATUSES = (PlaceStatus.ATTENDED_ONE_DAY, PlaceStatus.DID_NOT_ATTEND)
#: A place in any of these takes one of the cohort's ``capacity`` seats (an offer holds one;
#: a school that did not complete a finished cohort still took its seat on it).
SEAT_HOLDING_STATUSES = (
    PlaceStatus.BOOKED,
    PlaceStatus.OFFERED,
    PlaceStatus.ATTENDED_DAY_1,
    PlaceStatus.COMPLETED,
    *NOT_COMPLETED_STATUSES,
)

#: Places on a cohort's roster: the schools that attend (an offer is not yet one of them),
#: and, once it has completed, those that did.
ROSTER_STATUSES = (
    PlaceStatus.BOOKED,
    PlaceStatus.ATTENDED_DAY_1,
    PlaceStatus.COMPLETED,
    *NOT_COMPLETED_STATUSES,
)


class CancelReason(models.TextChoices):
    BY_SCHOOL = "by_school", _("Cancelled by the school")
    BY_COORDINATOR = "by_coordinator", _("Cancelled by a coordinator")
    OFFER_DECLINED = "offer_declined", _("Offered place declined")
    OFFER_EXPIRED = "offer_expired", _("Offer not answered in time")
    COHORT_CANCELLED = "cohort_cancelled", _("Cohort cancelled")
    COHORT_STARTED = "cohort_started", _("Cohort started before a place came free")
    BOOKING_CLOSED = "booking_closed", _("Booking closed before a place came free")


class Place(TimeStampedModel):
    """One establishment on one cohort, with the member of staff who attends.

    A place is booked (a seat), on the waiting list (in ``waiting_position`` order), offered
    a freed seat until ``offer_expires_at``, cancelled, or moves on to "attended day 1" and
    "completed" as attendance is marked; when the cohort completes, a place not completed
    becomes "attended one day" or "did not attend". An establishment holds at most one active
    place in the whole programme (a database constraint). Access needs are personal data: they are
    asked for only to make the day accessible.
    """

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("establishment"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="places", verbose_name=_("cohort")
    )
    attendee_name = models.CharField(
        _("attendee name"), max_length=150, validators=[validate_one_line]
    )
    attendee_role = models.CharField(
        _("attendee role"),
        max_length=150,
        validators=[validate_one_line],
        help_text=_("For example senior mental health lead, SENCo, deputy head."),
    )
    attendee_email = models.EmailField(_("attendee email"))
    attendee_phone = models.CharField(
        _("attendee phone"), max_length=30, blank=True, validators=[validate_one_line]
    )
    access_needs = models.TextField(
        _("access needs"),
        blank=True,
        help_text=_("Anything that would make the workshop days accessible for the attendee."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlaceStatus.choices, default=PlaceStatus.BOOKED
    )
    waiting_position = models.PositiveIntegerField(
        _("waiting list position"),
        null=True,
        blank=True,
        help_text=_("Order on the cohort's waiting list: lower goes first."),
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    booked_at = models.DateTimeField(
        _("booked at"),
        null=True,
        blank=True,
        help_text=_(
            "When the seat on this cohort became the school's (booking, accepted offer "
            "or move): reminders already due before then are not sent."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=20, choices=CancelReason.choices, blank=True
    )
    cancel_note = models.TextField(
        _("reason given"),
        blank=True,
        help_text=_("Why a coordinator cancelled the place, in their words."),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "access_needs"])

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["cohort", "status", "waiting_position", "establishment__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(status__in=ACTIVE_PLACE_STATUSES),
                name="place_one_active_per_establishment",
                violation_error_message=_("This establishment already has an active place."),
            ),
            models.UniqueConstraint(
                fields=["cohort", "waiting_position"],
                condition=Q(status=PlaceStatus.WAITING),
                name="place_unique_waiting_position",
            ),
            models.CheckConstraint(
                condition=Q(status=PlaceStatus.WAITING, waiting_position__isnull=False)
                | (~Q(status=PlaceStatus.WAITING) & Q(waiting_position__isnull=True)),
                name="place_waiting_has_position",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlaceStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="place_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlaceStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="place_completed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlaceStatus.values), name="place_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="place_cohort_status"),
            models.Index(fields=["status", "offer_expires_at"], name="place_status_offer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment} on {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_PLACE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING_STATUSES


class AreaInterest(TimeStampedModel):
    """A school that was waiting for a place when booking closed, kept as interested in a
    cohort in its area: it is told (once) when the next cohort it can book opens.

    "Its area" is what the school can book (``cohorts.selectors.cohorts_bookable_by``): a
    cohort in its local authority or its MHST area. Made by ``waiting_list_close``; told by
    ``cohort_open_for_booking`` (``told_at``, ``told_about``). ``created_at`` is since when.
    """

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="area_interests",
        verbose_name=_("establishment"),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("waiting-list entry"),
        help_text=_("The waiting-list entry that ended when booking closed; its attendee is told."),
    )
    told_at = models.DateTimeField(_("told at"), null=True, blank=True)
    told_about = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("told about"),
        help_text=_("The cohort the school was told had opened for booking."),
    )

    class Meta:
        verbose_name = _("interest in the area's next cohort")
        verbose_name_plural = _("interests in the area's next cohort")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(told_at__isnull=True),
                name="areainterest_one_untold_per_establishment",
            ),
            models.CheckConstraint(
                condition=Q(told_at__isnull=True, told_about__isnull=True)
                | Q(told_at__isnull=False, told_about__isnull=False),
                name="areainterest_told_about_a_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.establishment}: interested in the area's next cohort"


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


#: A wave's life, declared once: launch (or schedule), pause, resume, cancel. Sending and
#: sent are reached by dispatch (``cohorts.services.waves.wave_dispatch``), not by a person.
WAVE_TRANSITIONS = {
    transition.name: transition
    for transition in (
        Transition(
            "launch",
            _("Launch"),
            (WaveStatus.DRAFT,),
            WaveStatus.SCHEDULED,
            "Only a draft wave can be launched; this one is {status}.",
            style="btn-primary",
        ),
        Transition(
            "pause",
            _("Pause"),
            (WaveStatus.SCHEDULED, WaveStatus.SENDING),
            WaveStatus.PAUSED,
            "Only a scheduled or sending wave can be paused; this one is {status}.",
        ),
        Transition(
            "resume",
            _("Resume"),
            (WaveStatus.PAUSED,),
            WaveStatus.SCHEDULED,
            "Only a paused wave can be resumed; this one is {status}.",
            style="btn-primary",
        ),
        Transition(
            "cancel",
            _("Cancel the wave"),
            (WaveStatus.DRAFT, WaveStatus.SCHEDULED, WaveStatus.SENDING, WaveStatus.PAUSED),
            WaveStatus.CANCELLED,
            "This wave is {status} and can no longer be cancelled.",
            style="btn-outline-danger",
        ),
    )
}


class Wave(TimeStampedModel):
    """An invitation wave: the eligible establishments of a phase's areas (all of them or
    some), optionally narrowed to type groups or to MHST areas, invited from a send time.

    Dispatch creates the outbox rows progressively, at most ``rate_per_minute`` a minute
    (0: all at once), so a wave can be paused and resumed, and a provider's limit is kept.
    """

    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="waves", verbose_name=_("phase")
    )
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        blank=True,
        related_name="+",
        verbose_name=_("local authorities"),
        help_text=_("Leave both empty for all of the phase's areas."),
    )
    mhst_areas = models.ManyToManyField(
        MHSTArea, blank=True, related_name="+", verbose_name=_("MHST areas")
    )
    type_groups = models.JSONField(
        _("type groups"), default=list, blank=True, help_text=_("Empty for every type group.")
    )
    mhst_only = models.BooleanField(_("MHST areas only"), default=False)
    send_at = models.DateTimeField(_("send from"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(
        _("emails per minute"), default=0, help_text=_("0 sends as fast as the workers can.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WaveStatus.choices, default=WaveStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    dispatched_count = models.PositiveIntegerField(_("queued so far"), default=0)
    finished_at = models.DateTimeField(_("all queued at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "dispatched_count"])

    class Meta:
        verbose_name = _("invitation wave")
        verbose_name_plural = _("invitation waves")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def next_actions(self) -> list[Transition]:
        """The transitions this wave's status allows, in the order the page shows them."""
        return [t for t in WAVE_TRANSITIONS.values() if self.status in t.sources]

    @property
    def wave_key(self) -> str:
        """Marks this wave's rows in the outbox (and keeps each school to one invitation)."""
        return f"wave-{self.pk}"
