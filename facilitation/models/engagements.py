"""Engagements: online strategic facilitation for one area's leaders, and its stage history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from facilitation.models.stages import MOVES, PATH, Move, Stage
from schools.models import IntegratedCareBoard, LocalAuthority, MHSTArea
from workshops.models import Delivery, DeliveryKind


class Engagement(TimeStampedModel):
    """Free, bespoke, online facilitation for an area's strategic leaders (heads of service,
    senior managers, service leads across education, health, the local authority and the
    voluntary sector) to agree joint-working priorities and goals: a survey of the area's
    schools and colleges, a consultation meeting of about 20 stakeholders, tailored support
    sessions and review meetings.

    Its area is exactly one of a local authority, an MHST area or an ICB. Its meetings and
    the people invited to them hang from its ``delivery`` (``workshops``), made with it.
    """

    delivery = models.OneToOneField(
        Delivery,
        on_delete=models.PROTECT,
        related_name=DeliveryKind.ENGAGEMENT.value,
        verbose_name=_("delivery"),
    )
    name = models.CharField(_("name"), max_length=150, validators=[validate_one_line])
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("local authority"),
    )
    mhst_area = models.ForeignKey(
        MHSTArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("MHST area"),
    )
    icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("integrated care board"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_engagements",
        blank=True,
        verbose_name=_("facilitators"),
    )
    joining_link = models.URLField(
        _("joining link"),
        max_length=500,
        blank=True,
        help_text=_("The meetings' usual online room; a meeting may have its own."),
    )
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.REQUESTED
    )
    stage_since = models.DateField(_("in this stage since"))
    paused_from = models.CharField(
        _("paused from"), max_length=15, choices=Stage.choices, blank=True
    )
    pause_reason = models.CharField(
        _("why paused"), max_length=300, blank=True, validators=[validate_one_line]
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=["facilitators"]
    )

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(local_authority__isnull=False, mhst_area__isnull=True, icb__isnull=True)
                    | Q(local_authority__isnull=True, mhst_area__isnull=False, icb__isnull=True)
                    | Q(local_authority__isnull=True, mhst_area__isnull=True, icb__isnull=False)
                ),
                name="engagement_has_one_area",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="engagement_stage_valid"
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.PAUSED) | ~Q(paused_from=""),
                name="engagement_paused_from_somewhere",
            ),
        ]
        indexes = [models.Index(fields=["stage"], name="engagement_stage")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """A new engagement gets its delivery, so every engagement has one."""
        if self.delivery_id is None:
            self.delivery = Delivery.objects.create(kind=DeliveryKind.ENGAGEMENT)
        super().save(*args, **kwargs)

    # What a session of a delivery asks of its owner (``workshops.Workshop.location``).
    is_online = True
    venue_name = ""
    venue_address = ""

    @property
    def area(self):
        return self.local_authority or self.mhst_area or self.icb

    @property
    def area_kind(self) -> str:
        if self.local_authority_id:
            return str(_("Local authority"))
        if self.mhst_area_id:
            return str(_("MHST area"))
        return str(_("Integrated care board"))

    @property
    def area_name(self) -> str:
        area = self.area
        return getattr(area, "name", "") if not self.icb_id else self.icb.short_name

    @property
    def campaign(self) -> str:
        """What this engagement's emails belong to, as the outbox page shows it."""
        return f"{self.name} (engagement {self.pk})"

    @property
    def next_moves(self) -> list[Move]:
        """The moves this engagement's stage allows, in the order the page shows them."""
        return [move for move in MOVES.values() if self.stage in move.sources]

    @property
    def path_position(self) -> int:
        """Where on the path it is (0 = requested); a paused one, where it was paused."""
        return PATH.index(self.paused_from if self.stage == Stage.PAUSED else self.stage)


class StageChange(models.Model):
    """One move of an engagement along its path (or off it), when and by whom, and why."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="stage_changes",
        verbose_name=_("engagement"),
    )
    from_stage = models.CharField(_("from"), max_length=15, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=15, choices=Stage.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("why"), max_length=300, blank=True, validators=[validate_one_line])

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["engagement", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.from_stage or '–'} → {self.to_stage}"
