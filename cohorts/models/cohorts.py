"""Cohorts of up to 20 schools: their formats, statuses and life."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models.phases import Phase
from cohorts.models.transitions import Transition
from cohorts.rules import MAX_COHORT_CAPACITY
from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import Establishment, LocalAuthority, MHSTArea
from workshops.models import Delivery, DeliveryKind


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

    The area is a local authority, an MHST area, or both (an MHST area inside one LA). Its
    workshop days and the professionals who attend (who do not count towards the capacity)
    belong to its ``delivery``, made with it.
    """

    delivery = models.OneToOneField(
        Delivery,
        on_delete=models.PROTECT,
        related_name=DeliveryKind.COHORT.value,
        verbose_name=_("delivery"),
    )
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

    def save(self, *args, **kwargs) -> None:
        """A new cohort gets its delivery, so every cohort has one."""
        if self.delivery_id is None:
            self.delivery = Delivery.objects.create(kind=DeliveryKind.COHORT)
        super().save(*args, **kwargs)

    @property
    def workshops(self):
        """This cohort's workshop days (its delivery's sessions)."""
        return self.delivery.workshops

    @property
    def professionals(self):
        """The professionals attending this cohort (its delivery's)."""
        return self.delivery.professionals

    @property
    def is_online(self) -> bool:
        return self.format == CohortFormat.ONLINE

    @property
    def campaign(self) -> str:
        """What this cohort's emails belong to, as the outbox page shows it."""
        return f"{self.name} (cohort {self.pk})"

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
