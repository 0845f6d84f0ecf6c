"""Invitation waves: who a phase invites, when, and how the wave moves on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cohorts.models.phases import Phase
from cohorts.models.transitions import Transition
from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import LocalAuthority, MHSTArea


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class WaveAudience(models.TextChoices):
    """Whom a wave invites in its areas (narrowed further by its type groups and MHST filter)."""

    AREAS = "areas", _("Every eligible school without a place")
    PLAN = "plan", _("Invite the plan: only the schools planned into cohorts open for booking")


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
    some), optionally narrowed to type groups or to MHST areas, invited from a send time;
    or, "inviting the plan", only those planned into the phase's cohorts open for booking.

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
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=WaveAudience.choices,
        default=WaveAudience.AREAS,
        help_text=_(
            "Each planned school is told its cohort and dates; one planned into a cohort "
            "not open yet waits until it opens."
        ),
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=WaveAudience.values), name="wave_audience_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def next_actions(self) -> list[Transition]:
        """The transitions this wave's status allows, in the order the page shows them."""
        return [t for t in WAVE_TRANSITIONS.values() if self.status in t.sources]

    @property
    def occurrence(self) -> str:
        """Names this wave in its emails' uniqueness keys (one invitation per school)."""
        return f"wave-{self.pk}"

    @property
    def campaign(self) -> str:
        """What this wave's emails belong to, as the outbox page shows it."""
        return f"{self.name} (wave {self.pk})"
