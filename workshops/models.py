"""The two workshop days of each cohort, the professionals who attend, and attendance.

Writes go through ``workshops.services``; the rules about dates (day 2 after day 1, about
six weeks apart) and about completing the programme live there.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models import Cohort, CohortFormat, Place
from core.models import TimeStampedModel
from core.validators import validate_one_line


class WorkshopDay(models.IntegerChoices):
    DAY_1 = 1, _("Workshop 1")
    DAY_2 = 2, _("Workshop 2")


class Workshop(TimeStampedModel):
    """One whole-day workshop of a cohort: day 1 (forming partnerships) or day 2 (embedding
    and sustainability), about six weeks later, with the same group.

    Where the venue fields and joining link are empty, the cohort's own apply.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("cohort")
    )
    day = models.PositiveSmallIntegerField(_("day"), choices=WorkshopDay.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    venue_name = models.CharField(
        _("venue name"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("Only if different from the cohort's venue."),
    )
    venue_address = models.TextField(_("venue address"), blank=True)
    joining_link = models.URLField(
        _("joining link"),
        max_length=500,
        blank=True,
        help_text=_("Only if different from the cohort's joining link."),
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["cohort", "day"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "day"], name="workshop_one_per_day"),
            models.CheckConstraint(
                condition=Q(day__in=WorkshopDay.values), name="workshop_day_1_or_2"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="workshop_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="workshop_date")]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.get_day_display()} ({self.date:%d %b %Y})"

    @property
    def is_online(self) -> bool:
        return self.cohort.format == CohortFormat.ONLINE

    @property
    def venue(self) -> str:
        """Where, in a few words: "Online", or the venue's name (its address if unnamed)."""
        if self.is_online:
            return str(_("Online"))
        return (
            self.venue_name
            or self.cohort.venue_name
            or self.venue_address
            or self.cohort.venue_address
            or str(_("Venue to be confirmed"))
        )

    @property
    def location(self) -> str:
        """Where this day happens: its own venue or link, else the cohort's."""
        if self.is_online:
            return self.joining_link or self.cohort.joining_link
        name = self.venue_name or self.cohort.venue_name
        address = self.venue_address or self.cohort.venue_address
        return ", ".join(part for part in (name, address) if part)


class OrganisationType(models.TextChoices):
    NHS_CYPMHS = "nhs_cypmhs", _("NHS children and young people's mental health services")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    VCS = "vcs", _("Voluntary and community sector")
    OTHER = "other", _("Other")


class Professional(TimeStampedModel):
    """A health, care or voluntary-sector professional attending a cohort's workshops.

    Professionals sit alongside the schools (CYPMHS clinicians, educational psychologists,
    early help, school nurses, charities) and do not count towards the cohort's capacity.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="professionals", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    organisation = models.CharField(
        _("organisation"), max_length=200, validators=[validate_one_line]
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=20, choices=OrganisationType.choices
    )
    email = models.EmailField(_("email"))

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        ordering = ["cohort", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values),
                name="professional_organisation_type_valid",
            ),
            # One person once on a cohort: two rows would mean two survey invitations and a
            # register that counts them twice. Emails compare without case.
            models.UniqueConstraint(
                Lower("email"),
                "cohort",
                name="professional_email_once_per_cohort",
                violation_error_message=_("This email address is already on this cohort."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Attendance(TimeStampedModel):
    """Whether one school's attendee, or one professional, was at one workshop day.

    Exactly one of ``place`` and ``professional`` is set. A school whose attendee was present
    on both days has completed the programme (``workshops.services.attendance_mark``).
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("workshop")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        related_name="attendances",
        null=True,
        blank=True,
        verbose_name=_("place"),
    )
    professional = models.ForeignKey(
        Professional,
        on_delete=models.CASCADE,
        related_name="attendances",
        null=True,
        blank=True,
        verbose_name=_("professional"),
    )
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["workshop", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=False, professional__isnull=True)
                | Q(place__isnull=True, professional__isnull=False),
                name="attendance_for_a_place_or_a_professional",
            ),
            models.UniqueConstraint(
                fields=["workshop", "place"],
                condition=Q(place__isnull=False),
                name="attendance_once_per_place_and_day",
            ),
            models.UniqueConstraint(
                fields=["workshop", "professional"],
                condition=Q(professional__isnull=False),
                name="attendance_once_per_professional_and_day",
            ),
        ]

    def __str__(self) -> str:
        who = self.place.establishment if self.place_id else self.professional
        return f"{who} – {self.workshop}: {'present' if self.present else 'absent'}"
