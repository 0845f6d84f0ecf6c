"""Each school's place on a cohort, and the areas a school asked to hear about."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models.cohorts import Cohort
from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import Establishment
from workshops.models import Participant, ParticipantKind


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
#: Booked and not finished yet: a school on the roster before its cohort's last day.
BOOKED_STATUSES = (PlaceStatus.BOOKED, PlaceStatus.ATTENDED_DAY_1)
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


#: How the history record of a change a coordinator made for a school (by phone) starts; the
#: reason follows (``cohorts.services.phone``).
PHONE_CHANGE_PREFIX = "By phone: "


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
    participant = models.OneToOneField(
        Participant,
        on_delete=models.PROTECT,
        related_name=ParticipantKind.SCHOOL_ATTENDEE.value,
        verbose_name=_("participant"),
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
            # Each cohort's schools on its roster, read from the index alone: the funnel
            # puts a cohort organised by LA in the MHST area most of them are in.
            models.Index(
                fields=["cohort", "establishment"],
                condition=Q(status__in=ROSTER_STATUSES),
                name="place_roster_schools",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        """A new place has its participant on its cohort's delivery: the school's attendee,
        whose attendance and survey invitations are recorded against it."""
        if self.participant_id is None:
            self.participant = Participant.objects.create(
                delivery_id=self.cohort.delivery_id, kind=ParticipantKind.SCHOOL_ATTENDEE
            )
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.establishment} on {self.cohort}"

    # Who to write to, as every person on a delivery says it (``Participant.person``; a
    # ``workshops.Professional`` has the same), so emails and pages need no branch on kind.

    @property
    def contact_name(self) -> str:
        return self.attendee_name

    @property
    def contact_email(self) -> str:
        return self.attendee_email

    @property
    def organisation_name(self) -> str:
        return self.establishment.name

    @property
    def school(self) -> Establishment:
        """The school or college this person comes from."""
        return self.establishment

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


class PlaceCount(models.Model):
    """How many places one cohort has in one status, kept by database triggers on the places
    whichever code writes them (PostgreSQL, cohorts 0029; ``cohorts.place_counts``), so
    that the dashboard's phases add up a row per cohort and status instead of every place.
    On the embedded SQLite default nothing keeps it and the dashboard counts the places."""

    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.DO_NOTHING,  # the places' triggers take a deleted cohort's away
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=PlaceStatus.choices)
    places = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "status"], name="place_count_unique")
        ]

    def __str__(self) -> str:
        return f"cohort {self.cohort_id}: {self.places} {self.status}"
