"""The establishment register: who the programme can be offered to, and where they are."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line


class Region(models.TextChoices):
    """England's nine regions, keyed by their ONS/GSS code."""

    NORTH_EAST = "E12000001", _("North East")
    NORTH_WEST = "E12000002", _("North West")
    YORKSHIRE = "E12000003", _("Yorkshire and the Humber")
    EAST_MIDLANDS = "E12000004", _("East Midlands")
    WEST_MIDLANDS = "E12000005", _("West Midlands")
    EAST_OF_ENGLAND = "E12000006", _("East of England")
    LONDON = "E12000007", _("London")
    SOUTH_EAST = "E12000008", _("South East")
    SOUTH_WEST = "E12000009", _("South West")


class IntegratedCareBoard(models.Model):
    """An NHS Integrated Care Board: the NHS side of a cohort (CYPMHS) is organised by ICB.

    Loaded with the local authorities it covers from a third-party compilation of NHS
    organisations (``schools/data/README.md``); an LA can lie in more than one ICB.
    """

    ods_code = models.CharField(
        _("ODS code"), max_length=5, unique=True, validators=[validate_one_line]
    )
    gss_code = models.CharField(
        _("ONS/GSS code"), max_length=9, blank=True, validators=[validate_one_line]
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])

    class Meta:
        verbose_name = _("integrated care board")
        verbose_name_plural = _("integrated care boards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def short_name(self) -> str:
        """ "NHS Kent and Medway Integrated Care Board" is "Kent and Medway"."""
        name = self.name.removeprefix("NHS ").removesuffix(" Integrated Care Board")
        return name or self.name


class LocalAuthority(models.Model):
    """An English local authority as GIAS knows it (the DfE 3-digit code).

    Loaded from the DfE's published lists (``schools/data/``), including authorities that
    were merged away (``is_current`` false) so that older extracts still resolve.
    """

    code = models.CharField(
        _("DfE LA code"), max_length=3, unique=True, validators=[validate_one_line]
    )
    gss_code = models.CharField(
        _("ONS/GSS code"), max_length=9, blank=True, validators=[validate_one_line]
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_one_line])
    region = models.CharField(_("region"), max_length=9, choices=Region.choices, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    icbs = models.ManyToManyField(
        IntegratedCareBoard,
        related_name="local_authorities",
        blank=True,
        verbose_name=_("integrated care boards"),
        help_text=_("Usually one; a county can lie in two or three."),
    )

    class Meta:
        verbose_name = _("local authority")
        verbose_name_plural = _("local authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MHSTArea(TimeStampedModel):
    """An area with Mental Health Support Teams; the programme reaches these first.

    An area is named as NHS England named it ("Berkshire West", "SW London HCP"); the local
    authorities it covers are recorded, some only in part (``covers_whole_las`` false).
    """

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[validate_one_line])
    nhs_region = models.CharField(_("NHS region"), max_length=60, validators=[validate_one_line])
    wave = models.CharField(
        _("wave"),
        max_length=60,
        help_text=_('e.g. "2018/19 trailblazer"'),
        validators=[validate_one_line],
    )
    local_authorities = models.ManyToManyField(
        LocalAuthority, related_name="mhst_areas", blank=True, verbose_name=_("local authorities")
    )
    covers_whole_las = models.BooleanField(
        _("covers the whole of its LAs"),
        default=True,
        help_text=_("False where the area is part of an LA, e.g. one CCG of a county."),
    )
    four_week_waiting_time_pilot = models.BooleanField(
        _("four-week waiting time pilot"), default=False
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("MHST area")
        verbose_name_plural = _("MHST areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TypeGroup(models.IntegerChoices):
    """GIAS establishment type groups (EstablishmentTypeGroup code)."""

    COLLEGES = 1, _("Colleges")
    UNIVERSITIES = 2, _("Universities")
    INDEPENDENT = 3, _("Independent schools")
    LA_MAINTAINED = 4, _("Local authority maintained schools")
    SPECIAL = 5, _("Special schools")
    WELSH = 6, _("Welsh schools")
    OTHER = 9, _("Other types")
    ACADEMIES = 10, _("Academies")
    FREE_SCHOOLS = 11, _("Free Schools")
    ONLINE_PROVIDER = 13, _("Online provider")


class Status(models.IntegerChoices):
    """GIAS establishment status (EstablishmentStatus code)."""

    OPEN = 1, _("Open")
    CLOSED = 2, _("Closed")
    OPEN_PROPOSED_TO_CLOSE = 3, _("Open, but proposed to close")
    PROPOSED_TO_OPEN = 4, _("Proposed to open")


# --- Who the programme is offered to ----------------------------------------------------------
# The programme is offered to state-funded schools, colleges and alternative provision in
# England that are open (including those proposed to close). The rule is by GIAS type of
# establishment, because the type groups mix state-funded and other types.
ELIGIBLE_TYPE_CODES: dict[int, str] = {
    # Colleges
    18: "Further education",
    31: "Sixth form centres",
    # Local authority maintained schools, including pupil referral units (alternative
    # provision) and maintained nursery schools
    1: "Community school",
    2: "Voluntary aided school",
    3: "Voluntary controlled school",
    5: "Foundation school",
    14: "Pupil referral unit",
    15: "Local authority nursery school",
    # Maintained special schools (not non-maintained (8) or independent (10) special schools)
    7: "Community special school",
    12: "Foundation special school",
    # City technology colleges sit in GIAS's "Independent schools" group but are state-funded
    6: "City technology college",
    # Academies, including alternative provision and 16-19
    28: "Academy sponsor led",
    33: "Academy special sponsor led",
    34: "Academy converter",
    42: "Academy alternative provision converter",
    43: "Academy alternative provision sponsor led",
    44: "Academy special converter",
    45: "Academy 16-19 converter",
    46: "Academy 16 to 19 sponsor led",
    57: "Academy secure 16 to 19",
    # Free schools, including alternative provision, UTCs and studio schools
    35: "Free schools",
    36: "Free schools special",
    38: "Free schools alternative provision",
    39: "Free schools 16 to 19",
    40: "University technical college",
    41: "Studio schools",
}
# Not eligible, by design: independent schools (11) and independent special schools (10),
# non-maintained special schools (8), higher education institutions (29), Welsh
# establishments (30), secure units (24), offshore schools (25), service children's education
# overseas (26), miscellaneous (27), special post-16 institutions (32), British schools
# overseas (37), online providers (49), institutions funded by other departments (56).
ELIGIBLE_STATUSES = frozenset({Status.OPEN, Status.OPEN_PROPOSED_TO_CLOSE})


def eligible_q(prefix: str = "") -> models.Q:
    """The eligibility rule as a filter, for use on Establishment or through a relation
    (``eligible_q("establishment__")``). ``Establishment.objects.eligible()`` documents it."""
    return models.Q(
        **{
            f"{prefix}la__isnull": False,
            f"{prefix}type_code__in": ELIGIBLE_TYPE_CODES,
            f"{prefix}status__in": ELIGIBLE_STATUSES,
        }
    )


class EstablishmentQuerySet(models.QuerySet):
    def eligible(self) -> "EstablishmentQuerySet":
        """Establishments the programme is offered to.

        State-funded schools, colleges and alternative provision (``ELIGIBLE_TYPE_CODES``)
        in an English local authority, open or open but proposed to close. Everything
        else (independent, universities, Welsh, overseas, offshore, online, closed or not
        yet open) is excluded.
        """
        return self.filter(eligible_q())

    def ineligible(self) -> "EstablishmentQuerySet":
        return self.exclude(eligible_q())


class Establishment(TimeStampedModel):
    """A school, college or alternative provision setting, as published by GIAS.

    Most fields are owned by the GIAS import and overwritten by each extract. The contact
    email and MHST area are Link's own (GIAS publishes no email) and the import never
    touches them. Head teachers' names are personal data and are never stored.
    """

    urn = models.PositiveIntegerField(_("URN"), unique=True)
    name = models.CharField(_("name"), max_length=255, validators=[validate_one_line])
    type_code = models.PositiveSmallIntegerField(_("type code"))
    type_name = models.CharField(_("type"), max_length=100, validators=[validate_one_line])
    type_group = models.PositiveSmallIntegerField(_("type group"), choices=TypeGroup.choices)
    phase = models.CharField(
        _("phase of education"), max_length=50, blank=True, validators=[validate_one_line]
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=Status.choices)
    open_date = models.DateField(_("open date"), null=True, blank=True)
    close_date = models.DateField(_("close date"), null=True, blank=True)
    la = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        related_name="establishments",
        null=True,
        blank=True,
        verbose_name=_("local authority"),
        help_text=_("Empty for establishments outside England (Wales, offshore, overseas)."),
    )
    gias_la_code = models.CharField(
        _("GIAS LA code"), max_length=3, blank=True, validators=[validate_one_line]
    )
    gias_la_name = models.CharField(
        _("GIAS LA name"), max_length=100, blank=True, validators=[validate_one_line]
    )
    postcode = models.CharField(
        _("postcode"), max_length=10, blank=True, validators=[validate_one_line]
    )
    town = models.CharField(_("town"), max_length=100, blank=True, validators=[validate_one_line])
    telephone = models.CharField(
        _("telephone"), max_length=30, blank=True, validators=[validate_one_line]
    )
    website = models.CharField(
        _("website"), max_length=255, blank=True, validators=[validate_one_line]
    )
    ukprn = models.CharField(_("UKPRN"), max_length=8, blank=True, validators=[validate_one_line])
    pupil_count = models.PositiveIntegerField(_("number of pupils"), null=True, blank=True)
    gias_last_changed = models.DateField(_("last changed in GIAS"), null=True, blank=True)
    easting = models.PositiveIntegerField(
        _("easting"), null=True, blank=True, help_text=_("British National Grid, metres (GIAS).")
    )
    northing = models.PositiveIntegerField(
        _("northing"), null=True, blank=True, help_text=_("British National Grid, metres (GIAS).")
    )

    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_("Where invitations go. Not in GIAS: added by coordinators."),
    )
    mhst_area = models.ForeignKey(
        MHSTArea,
        on_delete=models.SET_NULL,
        related_name="establishments",
        null=True,
        blank=True,
        verbose_name=_("MHST area"),
    )

    objects = EstablishmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["type_code", "status"], name="establishment_type_status"),
            models.Index(fields=["postcode"], name="establishment_postcode"),
            # The register's list, by name then URN, 50 at a time without sorting them all.
            models.Index(fields=["name", "urn"], name="establishment_name_urn"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def website_url(self) -> str:
        """The website as a safe link: GIAS's value, with ``http://`` before it when it names
        no scheme ("www.school.sch.uk"), if it is then a valid http(s) address; else ""."""
        value = self.website.strip()
        if not value:
            return ""
        if "://" not in value:
            value = f"http://{value}"
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            return ""
        return value

    @property
    def is_eligible(self) -> bool:
        """Same rule as ``Establishment.objects.eligible()``, for one loaded row."""
        return (
            self.la_id is not None
            and self.type_code in ELIGIBLE_TYPE_CODES
            and self.status in ELIGIBLE_STATUSES
        )


class MHSTeam(TimeStampedModel):
    """One Mental Health Support Team: education mental health practitioners and senior
    clinicians serving about 20 schools and colleges in its area."""

    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    area = models.ForeignKey(
        MHSTArea, on_delete=models.CASCADE, related_name="teams", verbose_name=_("MHST area")
    )
    schools_served = models.ManyToManyField(
        Establishment, related_name="mhst_teams", blank=True, verbose_name=_("schools served")
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("MHST team")
        verbose_name_plural = _("MHST teams")
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="mhsteam_unique_name_in_area")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.area})"


# --- Keeping the register true: GIAS imports and the changes a person reviews -------------------


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed, nothing changed")


class GiasImport(TimeStampedModel):
    """One run of the GIAS import (a command or the scheduled sync), kept so that an older
    extract is refused and a failed run is seen, not only logged."""

    file_name = models.CharField(_("file"), max_length=255, validators=[validate_one_line])
    extract_date = models.DateField(
        _("extract date"), null=True, blank=True, help_text=_("From the file's name.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.CharField(_("what happened"), max_length=500, blank=True)
    created_count = models.PositiveIntegerField(_("new establishments"), default=0)
    updated_count = models.PositiveIntegerField(_("changed establishments"), default=0)
    staged_count = models.PositiveIntegerField(_("changes held for review"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped"), default=0)

    class Meta:
        verbose_name = _("GIAS import")
        verbose_name_plural = _("GIAS imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ChangeKind(models.TextChoices):
    CLOSING = "closing", _("Closing or closed")
    LA_CHANGE = "la_change", _("Moving to another local authority")
    LEAVING = "leaving", _("No longer eligible")
    NEW_IN_OPEN_AREA = "new_in_open_area", _("New, in an area with an open cohort")
    SUCCESSOR = "successor", _("Closed: which successor takes its place?")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    APPLIED = "applied", _("Applied")
    DISMISSED = "dismissed", _("Dismissed")


class RegisterChange(TimeStampedModel):
    """A change GIAS made that matters to the programme, held for a national admin.

    For an establishment the programme holds (a place, a survey), a closure, a move to
    another LA or leaving eligibility is not applied by the import: ``fields`` keeps what
    GIAS says ({field: [the register's value, GIAS's value]}) until a person applies or
    dismisses it. A new eligible establishment in an area with an open cohort is already in
    the register; it is listed so someone decides whether to invite it.
    """

    gias_import = models.ForeignKey(
        GiasImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    establishment = models.ForeignKey(
        "Establishment", on_delete=models.CASCADE, related_name="register_changes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    fields = models.JSONField(_("what GIAS says"), default=dict, blank=True)
    held_because = models.CharField(_("why it matters"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    outcome = models.CharField(_("what was done"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("register change")
        verbose_name_plural = _("register changes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind"],
                condition=models.Q(status="pending"),
                name="registerchange_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.establishment_id}"


class EstablishmentLink(models.Model):
    """A link GIAS records between two establishments (the links file): a school that
    converts to an academy closes with a "Successor" link to its new URN, and the new one
    has a "Predecessor" link back. Kept by URN, as GIAS names them."""

    urn = models.PositiveIntegerField(_("URN"), db_index=True)
    linked_urn = models.PositiveIntegerField(_("linked URN"), db_index=True)
    link_type = models.CharField(_("link type"), max_length=80, validators=[validate_one_line])
    established = models.DateField(_("link established"), null=True, blank=True)

    class Meta:
        verbose_name = _("establishment link")
        verbose_name_plural = _("establishment links")
        constraints = [
            models.UniqueConstraint(
                fields=["urn", "linked_urn", "link_type"], name="establishmentlink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.urn} → {self.linked_urn} ({self.link_type})"
