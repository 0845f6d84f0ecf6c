"""The one record linkprog keeps of its own: what each retention run or erasure changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly retention run")
    ERASURE = "erasure", _("Erasure on request")


class RetentionRun(models.Model):
    """One run of the retention job (``linkprog.privacy``), or one erasure on request: how
    many records of each kind it changed (``counts``, keyed as ``core.privacy`` registers
    them). Counts only: never a name, an address or what was erased."""

    kind = models.CharField(_("kind"), max_length=10, choices=RetentionKind.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    counts = models.JSONField(_("records changed"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ExportKind(models.TextChoices):
    RESPONSES_CSV = "responses-csv", _("Anonymised responses, CSV files in a ZIP")
    RESPONSES_XLSX = "responses-xlsx", _("Anonymised responses, Excel workbook")
    ESTABLISHMENTS_XLSX = "establishments-xlsx", _("Establishments, Excel workbook")
    REPORT_XLSX = "report-xlsx", _("Evaluation report, Excel workbook")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Stopped by an error")
    EXPIRED = "expired", _("Deleted")


class ExportJob(models.Model):
    """An export too large to build within a page request (``linkprog.exports``): a worker
    builds the file, row by row, as the person who asked may see it; their page follows its
    progress, then offers the file, and an email (through the outbox) links to that page.

    The file is kept ``LINK_EXPORT_KEEP_HOURS`` after it is finished, then deleted by a beat
    job. Only the person who asked may download it, with the same areas as when they asked.
    A worker stopped mid-way leaves the job running with an old heartbeat: the sweeper hands
    it to a worker again (the file is written afresh), or after ``MAX_ATTEMPTS`` marks it
    failed, and its page offers to start again."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices)
    params = models.JSONField(
        _("filters"), default=dict, blank=True, help_text=_("The report filters, as asked.")
    )
    scope_key = models.CharField(
        _("areas"), max_length=64, help_text=_("A digest of the areas of the person who asked.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("bytes"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="exportjob_status_beat")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.progress * 100 // self.rows) if self.rows else 0
