"""An engagement's meetings online: the consultation, support sessions and reviews."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
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

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "notes_reminded_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["engagement", "workshop__date", "workshop__start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
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


class MeetingInvite(models.Model):
    """That a stakeholder was sent a meeting's details, and which (``told_digest``: a change
    tells only those told something else), and when reminded."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invites", verbose_name=_("meeting")
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="invites", verbose_name=_("stakeholder")
    )
    told_digest = models.CharField(_("details sent"), max_length=16)
    told_at = models.DateTimeField(_("sent"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "stakeholder"], name="meeting_invite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} – {self.meeting}"
