"""The layer below the ways of delivering: a delivery to one group, its sessions (numbered,
dated, at a venue or online), the professionals who attend, and attendance.

The directory of an area's venues (``Venue``) and local professionals
(``LocalProfessional``) serves every way of delivering: where sessions can happen, and who
can be asked to attend them.

A way of delivering (today a cohort of schools, ``cohorts.Cohort``; later online strategic
facilitation) owns one ``Delivery`` and sets its own rules on top: how many sessions, how far
apart, who may attend. Nothing here knows those rules; writes that apply them are in the app
of that way of delivering (``cohorts.services.sessions``), writes that only know sessions and
attendance in ``workshops.services``.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import LocalAuthority, MHSTArea


class DeliveryKind(models.TextChoices):
    """The ways of delivering. Each names the reverse one-to-one from its own record to its
    ``Delivery`` (``Cohort.delivery`` has ``related_name="cohort"``), so ``Delivery.owner``
    finds that record without this app importing the app above."""

    COHORT = "cohort", _("Cohort of schools")
    ENGAGEMENT = "engagement", _("Online strategic facilitation")


class Delivery(TimeStampedModel):
    """One way of delivering the programme to one group of people: today a cohort of
    schools with its two workshop days; later online strategic facilitation.

    Its sessions (``Workshop``) and the professionals who attend hang from it. The record of
    the way of delivering (``owner``) says where its sessions happen unless a session says
    otherwise: it has ``is_online``, ``venue_name``, ``venue_address`` and ``joining_link``.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=DeliveryKind.choices)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="delivery_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.owner)

    @property
    def owner(self):
        """The record of the way of delivering this is (a ``cohorts.Cohort``)."""
        return getattr(self, self.kind)


class Workshop(TimeStampedModel):
    """One session of a delivery, numbered from 1 (``day``). For a cohort, a whole-day
    workshop: day 1 (forming partnerships) or day 2 (embedding and sustainability) about six
    weeks later; how many sessions a delivery has is its way of delivering's rule
    (``cohorts.rules``).

    Where the venue fields and joining link are empty, the delivery's owner's apply.
    """

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("delivery")
    )
    day = models.PositiveSmallIntegerField(
        _("number"),
        help_text=_("Sessions are numbered from 1, in order (a cohort's workshop days: 1 and 2)."),
    )
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
        ordering = ["delivery", "day"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "day"], name="workshop_one_per_day"),
            models.CheckConstraint(condition=Q(day__gte=1), name="workshop_numbered_from_1"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="workshop_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="workshop_date")]

    def __str__(self) -> str:
        return f"{self.delivery}: {self.label} ({self.date:%d %b %Y})"

    @property
    def label(self) -> str:
        """How people know this session: "Workshop 1"."""
        return str(_("Workshop %(number)s") % {"number": self.day})

    @property
    def is_online(self) -> bool:
        return self.delivery.owner.is_online

    @property
    def venue(self) -> str:
        """Where, in a few words: "Online", or the venue's name (its address if unnamed)."""
        if self.is_online:
            return str(_("Online"))
        owner = self.delivery.owner
        return (
            self.venue_name
            or owner.venue_name
            or self.venue_address
            or owner.venue_address
            or str(_("Venue to be confirmed"))
        )

    @property
    def location(self) -> str:
        """Where this session happens: its own venue or link, else its delivery's."""
        owner = self.delivery.owner
        if self.is_online:
            return self.joining_link or owner.joining_link
        name = self.venue_name or owner.venue_name
        address = self.venue_address or owner.venue_address
        return ", ".join(part for part in (name, address) if part)


class OrganisationType(models.TextChoices):
    NHS_CYPMHS = "nhs_cypmhs", _("NHS children and young people's mental health services")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    VCS = "vcs", _("Voluntary and community sector")
    OTHER = "other", _("Other")


class ParticipantKind(models.TextChoices):
    """The kinds of person on a delivery. Each names the reverse one-to-one from its own
    record to its ``Participant`` (``Place.participant`` has
    ``related_name="school_attendee"``), so ``Participant.person`` finds that record."""

    SCHOOL_ATTENDEE = "school_attendee", _("School attendee")
    PROFESSIONAL = "professional", _("Professional")
    STAKEHOLDER = "stakeholder", _("Local strategic leader")


class Participant(TimeStampedModel):
    """One person on a delivery: a school's attendee (a cohort's place has one) or a
    professional (each is one); later a local leader. Attendance is recorded per session
    and participant, whatever the kind of person."""

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("delivery"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ParticipantKind.choices)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["delivery", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ParticipantKind.values), name="participant_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def person(self):
        """The record of this person: a ``cohorts.Place`` or a ``Professional``. Each has
        ``contact_name``, ``contact_email``, ``organisation_name`` and ``school`` (or None)."""
        return getattr(self, self.kind)


class PersonFromAnOrganisation:
    """Who to write to, as every person on a delivery says it (``Participant.person``; a
    cohort's place has the same for its attendee), so emails and pages need no branch on
    kind: for a model with ``name``, ``email`` and ``organisation`` fields, whose person comes
    from no school (a professional, a facilitation stakeholder)."""

    @property
    def contact_name(self) -> str:
        return self.name

    @property
    def contact_email(self) -> str:
        return self.email

    @property
    def organisation_name(self) -> str:
        return self.organisation

    @property
    def school(self) -> None:
        """From no school (``organisation`` says where from)."""
        return None


class Professional(PersonFromAnOrganisation, TimeStampedModel):
    """A health, care or voluntary-sector professional attending a delivery's sessions.

    On a cohort, professionals sit alongside the schools (CYPMHS clinicians, educational
    psychologists, early help, school nurses, charities) and do not count towards its capacity.
    """

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="professionals",
        verbose_name=_("delivery"),
    )
    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name=ParticipantKind.PROFESSIONAL.value,
        verbose_name=_("participant"),
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
        ordering = ["delivery", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values),
                name="professional_organisation_type_valid",
            ),
            # One person once on a delivery: two rows would mean two survey invitations and
            # a register that counts them twice. Emails compare without case. Anonymised
            # professionals (``workshops.privacy``) have none, and may be many.
            models.UniqueConstraint(
                Lower("email"),
                "delivery",
                condition=~Q(email=""),
                name="professional_email_once_per_delivery",
                violation_error_message=_("This email address is already on this cohort."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args, **kwargs) -> None:
        """A new professional is a participant on their delivery."""
        if self.participant_id is None:
            self.participant = Participant.objects.create(
                delivery_id=self.delivery_id, kind=ParticipantKind.PROFESSIONAL
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Their participant (and so their attendance) goes with them."""
        participant = self.participant
        result = super().delete(*args, **kwargs)
        participant.delete()
        return result


class Attendance(TimeStampedModel):
    """Whether one participant was at one session. What that comes to is the way of
    delivering's rule: a school whose attendee was present on both workshop days has
    completed the cohort programme (``cohorts.services.sessions.attendance_mark``).
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("workshop")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["workshop", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant"], name="attendance_once_per_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.workshop}: {'present' if self.present else 'absent'}"


# --- The directory: an area's venues and local professionals ---------------------------------


class AreaDirectoryEntry(TimeStampedModel):
    """Something the directory holds for an area: a local authority, an MHST area or both.
    Who may see it is decided as for a cohort (``accounts.scoping``: by LA and MHST area)."""

    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("local authority"),
    )
    mhst_area = models.ForeignKey(
        MHSTArea,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("MHST area"),
    )

    class Meta:
        abstract = True

    @property
    def area_name(self) -> str:
        """ "Camden", "Camden · North Central London MHST"; one name where both are the same."""
        names = [str(area.name) for area in (self.local_authority, self.mhst_area) if area]
        return " · ".join(dict.fromkeys(names))


class Venue(AreaDirectoryEntry):
    """A place in an area where workshops can be held: a civic centre, a library, a
    teaching centre. Its position (British National Grid, metres, as GIAS gives schools) lets
    the planning helper suggest the venue nearest a cohort's schools; without one it is
    never suggested. Link looks nothing up on the network: a coordinator types the position
    (a postcode finder gives it) or leaves it out."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_one_line])
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=10, blank=True, validators=[validate_one_line]
    )
    easting = models.PositiveIntegerField(
        _("easting"), null=True, blank=True, help_text=_("British National Grid, metres.")
    )
    northing = models.PositiveIntegerField(
        _("northing"), null=True, blank=True, help_text=_("British National Grid, metres.")
    )
    accessibility = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Step-free access, hearing loop, parking, public transport."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), null=True, blank=True, help_text=_("How many people it seats.")
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=False) | Q(mhst_area__isnull=False),
                name="venue_has_an_area",
            ),
            models.CheckConstraint(
                condition=Q(easting__isnull=True, northing__isnull=True)
                | Q(easting__isnull=False, northing__isnull=False),
                name="venue_position_whole",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "local_authority",
                "mhst_area",
                nulls_distinct=False,
                name="venue_name_once_per_area",
                violation_error_message=_("This area has a venue of this name already."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        """The address with the postcode, unless the address ends with it already."""
        address = ", ".join(line.strip() for line in self.address.splitlines() if line.strip())
        if (
            self.postcode
            and self.postcode.replace(" ", "").upper() not in address.replace(" ", "").upper()
        ):
            address = ", ".join(part for part in (address, self.postcode) if part)
        return address


class LocalProfessional(AreaDirectoryEntry):
    """Someone in an area's health, care or voluntary services whom the programme can ask to
    a cohort's workshops: a CYPMHS clinician, an educational psychologist, a charity's lead.
    Adding them to a cohort makes them one of its ``Professional``s."""

    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    role = models.CharField(_("role"), max_length=150, blank=True, validators=[validate_one_line])
    organisation = models.CharField(
        _("organisation"), max_length=200, validators=[validate_one_line]
    )
    sector = models.CharField(_("sector"), max_length=20, choices=OrganisationType.choices)
    email = models.EmailField(_("email"))

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("local professional")
        verbose_name_plural = _("local professionals")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_authority__isnull=False) | Q(mhst_area__isnull=False),
                name="localprofessional_has_an_area",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=OrganisationType.values),
                name="localprofessional_sector_valid",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "local_authority",
                "mhst_area",
                nulls_distinct=False,
                name="localprofessional_email_once_per_area",
                violation_error_message=_("This area lists someone with this email already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
