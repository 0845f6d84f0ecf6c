"""An engagement's meetings online: the consultation, support sessions and reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from facilitation.models.engagements import Engagement
from facilitation.models.people import Stakeholder
from workshops.models import Workshop


class MeetingKind(models.TextChoices):
    CONSULTATION = "consultation", _("Strategic consultation")
    SUPPORT = "support", _("Support session")
    REVIEW = "review", _("Review meeting")


class Meeting(TimeStampedModel):
    """One meeting of an engagement, held online: a session of its delivery (``workshop``:
    number, date, times, its own joining link or the engagement's), with an agenda and,
    afterwards, notes. Every revision of the notes is kept (``history``)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("engagement")
    )
    workshop = models.OneToOneField(
        Workshop, on_delete=models.PROTECT, related_name="meeting", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=MeetingKind.choices)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_written_at = models.DateTimeField(_("notes last written"), null=True, blank=True)
    notes_reminded_at = models.DateTimeField(
        _("facilitator reminded of the notes"), null=True, blank=True
    )
    invite_all = models.BooleanField(
        _("everyone invited"),
        default=True,
        help_text=_(
            "Everyone on the engagement is invited, and anyone added later; otherwise only "
            "those on its invite list (``invites``)."
        ),
    )
    sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        help_text=_(
            "Counts the changes invitees' calendars are sent (the .ics SEQUENCE): a change, "
            "someone taken off the list, the cancellation each make it higher."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=300, blank=True, validators=[validate_one_line]
    )

    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "notes_reminded_at", "sequence"]
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["engagement", "workshop__date", "workshop__start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="meeting_cancelled_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engagement}: {self.title}"

    @property
    def title(self) -> str:
        return f"{self.get_kind_display()}, {self.workshop.date:%-d %B %Y}"

    @property
    def joining_link(self) -> str:
        return self.workshop.joining_link or self.engagement.joining_link

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingInvite(models.Model):
    """One stakeholder on a meeting's invite list (or taken off it: ``removed_at``), and
    what they have been sent: the details (``told_digest``, empty until the invitation is
    queued; a change tells only those told something else), the reminder, and the notice
    that it is off for them (``off_told_at``: taken off the list, or the meeting
    cancelled). Put back on the list, they start a new ``round`` and are invited again."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invites", verbose_name=_("meeting")
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="invites", verbose_name=_("stakeholder")
    )
    told_digest = models.CharField(_("details sent"), max_length=16, blank=True)
    told_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    removed_at = models.DateTimeField(_("taken off the list"), null=True, blank=True)
    off_told_at = models.DateTimeField(_("told it is off"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "stakeholder"], name="meeting_invite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} – {self.meeting}"
