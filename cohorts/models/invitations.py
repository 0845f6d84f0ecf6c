"""The programme's record of who was invited, and of what people were told.

These are facts of the programme, kept whatever becomes of the emails that carried them: an
email's body may be emptied and a sent email deleted (retention), and a school may have been
invited by phone or on paper, with no email at all.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models.cohorts import Cohort
from cohorts.models.waves import Wave
from core.models import TimeStampedModel
from outbox.models import OutgoingEmail
from schools.models import Establishment


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper (letter)")
    IN_PERSON = "in_person", _("In person")


#: The channels a coordinator records by hand (an email invitation is written by the wave).
RECORDED_CHANNELS = (InvitationChannel.PHONE, InvitationChannel.PAPER, InvitationChannel.IN_PERSON)


class Invitation(TimeStampedModel):
    """An establishment invited to the programme in a wave: once per wave, by any channel.

    An emailed invitation is written in the same transaction as its email (``email``, kept
    while the outbox keeps the email); a coordinator records one made by phone, on paper or in
    person (``recorded_by``). "Invited", "not yet invited in this wave", a wave's progress and
    the nudge (``nudged_at``) are read from here, never from the outbox.
    """

    wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("wave")
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("establishment"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=InvitationChannel.choices, default="email"
    )
    invited_at = models.DateTimeField(_("invited at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The coordinator who recorded it (empty for a wave's emails)."),
    )
    email = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("email"),
        help_text=_("The invitation email, while the outbox keeps it."),
    )
    nudged_at = models.DateTimeField(
        _("nudged at"),
        null=True,
        blank=True,
        help_text=_("When the one reminder to a school that has not booked was queued."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "establishment"], name="one_invitation_per_wave_and_school"
            )
        ]
        indexes = [models.Index(fields=["invited_at"], name="invitation_invited_at")]

    def __str__(self) -> str:
        return f"{self.establishment_id} in {self.wave_id} ({self.get_channel_display()})"


class WorkshopDaysTold(TimeStampedModel):
    """What one recipient was last told of a cohort's workshop days (a digest per day), so a
    change tells only those who were not told the days as they are now. Written with each
    email that lists the days; a reworded template changes nothing here."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="+", verbose_name=_("cohort")
    )
    recipient = models.EmailField(_("recipient"), help_text=_("Lower case."))
    days = models.JSONField(
        _("days told"), default=dict, help_text=_('{"1": digest of day 1 as told, "2": ...}')
    )

    class Meta:
        verbose_name = _("workshop days told")
        verbose_name_plural = _("workshop days told")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "recipient"], name="days_told_once")
        ]

    def __str__(self) -> str:
        return f"cohort {self.cohort_id}: {sorted(self.days)}"


class WorkshopReminder(TimeStampedModel):
    """A workshop reminder a school's attendee (``place``) or a professional was sent
    (queued): once per person, workshop and how long before
    (``cohorts.services.reminders.REMINDERS``), whatever the outbox keeps."""

    place = models.ForeignKey(
        "cohorts.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    professional = models.ForeignKey(
        "workshops.Professional",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("professional"),
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="+", verbose_name=_("workshop")
    )
    label = models.CharField(
        _("how long before"),
        max_length=10,
        choices=[("7d", _("7 days before")), ("1d", _("1 day before"))],
    )

    class Meta:
        verbose_name = _("workshop reminder sent")
        verbose_name_plural = _("workshop reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "workshop", "label"], name="one_reminder_per_place_and_day"
            ),
            models.UniqueConstraint(
                fields=["professional", "workshop", "label"],
                name="one_reminder_per_professional_and_day",
            ),
            models.CheckConstraint(
                condition=models.Q(place__isnull=False, professional__isnull=True)
                | models.Q(place__isnull=True, professional__isnull=False),
                name="reminder_to_a_place_or_a_professional",
            ),
        ]

    def __str__(self) -> str:
        who = f"place {self.place_id}" if self.place_id else f"professional {self.professional_id}"
        return f"{who}, workshop {self.workshop_id}, {self.label}"
