"""The outbox: one row per email, sent by a Celery task, never twice."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from schools.models import Establishment, LocalAuthority, MHSTArea


class EmailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    NUDGE = "nudge", _("Non-responder nudge")
    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    WORKSHOP_REMINDER = "workshop_reminder", _("Workshop reminder")
    WAITLIST_JOINED = "waitlist_joined", _("Waiting-list acknowledgement")
    WAITLIST_OFFER = "waitlist_offer", _("Waiting-list offer")
    WAITLIST_CLOSED = "waitlist_closed", _("Waiting list closed notice")
    AREA_COHORT_OPEN = "area_cohort_open", _("New cohort in the area")
    OFFER_DECLINED = "offer_declined", _("Offer declined acknowledgement")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    CANCELLATION = "cancellation", _("Cancellation notice")
    MOVE = "move", _("Move notice")
    WORKSHOP_CHANGE = "workshop_change", _("Workshop change notice")
    PROFESSIONAL_NOTICE = "professional_notice", _("Notice to professionals")
    PROFESSIONAL_INVITATION = "professional_invitation", _("Invitation to professionals")
    NEW_LINK = "new_link", _("New personal link")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("Survey reminder")
    DIGEST = "digest", _("Coordinators' daily digest")
    MEETING_INVITATION = "meeting_invitation", _("Facilitation meeting invitation")
    MEETING_CHANGE = "meeting_change", _("Facilitation meeting change notice")
    MEETING_REMINDER = "meeting_reminder", _("Facilitation meeting reminder")
    NOTES_REMINDER = "notes_reminder", _("Meeting notes reminder to the facilitator")
    PLAN_REMINDER = "plan_reminder", _("Goal or action due reminder")
    EXPORT_READY = "export_ready", _("Large export ready (or stopped)")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: A send task acts only on rows in these states; anything else is already handled.
SENDABLE_STATUSES = (EmailStatus.QUEUED, EmailStatus.RETRYING)


class OutgoingEmail(TimeStampedModel):
    """One email: rendered when queued, sent by ``outbox.tasks.send_email``.

    ``local_authority`` and ``mhst_area`` are the areas that scope it, stamped by its
    producer (the outbox knows no cohort). ``idempotency_key`` is unique and opaque to the
    outbox: the producer builds it from (kind, recipient, the object it concerns, the
    occurrence), so asking to send the same email twice finds the first row instead of
    making a second. ``campaign`` says, for people, what the email belongs to (a wave, a
    cohort, a cohort's surveys); it is shown and filtered on the
    outbox page and plays no part in uniqueness.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=EmailKind.choices)
    recipient = models.EmailField(_("recipient"))
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("establishment"),
        help_text=_("The establishment the email is about, for scoping and history."),
    )
    # The areas that scope the email, stamped by its producer: a coordinator who covers
    # either sees it on the outbox page (the school's, or the cohort's for a professional).
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local authority"),
    )
    mhst_area = models.ForeignKey(
        MHSTArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("MHST area"),
    )
    icb = models.ForeignKey(
        "schools.IntegratedCareBoard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("integrated care board"),
        help_text=_("An email about work across an ICB (an engagement there) is scoped by it."),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("subject_type", "subject_id")
    campaign = models.CharField(
        _("campaign"),
        max_length=160,
        blank=True,
        help_text=_("What the email belongs to, e.g. a wave or a cohort."),
    )
    idempotency_key = models.CharField(_("uniqueness key"), max_length=400, unique=True)

    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_('Small text attachments: [{"filename", "content", "mimetype"}], e.g. .ics.'),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(
        _("last error or reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the last attempt failed, or why the email was not sent."),
    )
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    dispatched_at = models.DateTimeField(
        _("handed to the broker"),
        null=True,
        blank=True,
        help_text=_("Empty while no send task has been queued (e.g. the broker was down)."),
    )
    lease_token = models.CharField(
        _("claimed by"),
        max_length=32,
        blank=True,
        help_text=_('The sending worker\'s claim on a row in "sending".'),
    )
    lease_expires_at = models.DateTimeField(
        _("claim lapses at"),
        null=True,
        blank=True,
        help_text=_(
            "A sending worker renews its claim as it works; a claim that lapses (the worker "
            "died) is taken back and the email sent again."
        ),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    # Who retried or cancelled it, and each delivery step of a single email (a batch records
    # only its failures: see emails_send_batch); the bodies are not copied.
    history = HistoricalRecords(
        excluded_fields=[
            "body_text",
            "body_html",
            "attachments",
            "idempotency_key",
            "lease_token",
            "lease_expires_at",
            "created_at",
            "updated_at",
        ]
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next"),
            models.Index(fields=["kind", "status"], name="outbox_kind_status"),
            models.Index(fields=["campaign", "kind"], name="outbox_campaign_kind"),
            # The outbox page: newest first, 50 at a time, without sorting the whole table;
            # with the stamps that scope an email, so that a coordinator's page and its capped
            # count check their areas in the index, not in the 2 KB rows.
            models.Index(
                fields=["-created_at", "-id"],
                include=["local_authority", "mhst_area", "icb"],
                name="outbox_newest_scoped",
            ),
            # A coordinator's campaign filter (``campaigns_for``): one index-only read per stamp.
            *(
                models.Index(
                    fields=[stamp, "campaign"],
                    name=f"outbox_{short}_campaign",
                    condition=~models.Q(campaign=""),
                )
                for stamp, short in (
                    ("local_authority", "la"),
                    ("mhst_area", "mhst"),
                    ("icb", "icb"),
                )
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="outbox_sending_lease",
                condition=models.Q(status="sending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"


class FanOut(TimeStampedModel):
    """Something that happened and becomes many emails (a cohort cancelled, a workshop moved,
    a new cohort told to the area's waiting schools), written in the transaction that caused
    it: one row however many people are told. A Celery task (``outbox.tasks.fan_out``) runs
    the handler its producer registered (``outbox.fanout``), which queues the emails; it runs
    once (``done_at``), and its emails are keyed, so running it twice sends nothing twice.
    """

    name = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("ids"), default=dict, help_text=_("Ids only, never names."))
    dispatched_at = models.DateTimeField(_("handed to the broker"), null=True, blank=True)
    done_at = models.DateTimeField(_("emails queued"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("email fan-out")
        verbose_name_plural = _("email fan-outs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_fanout_undone",
                condition=models.Q(done_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"
