"""A large CSV set-up of cohorts, checked or saved by a worker rather than in the request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import validate_one_line


class SetUpImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Being checked or saved")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Stopped by an error")


class SetUpImport(TimeStampedModel):
    """An uploaded set-up file too large to check or save within one page request (every
    row runs through the cohort services, all in one transaction). A worker runs it
    (``cohorts.tasks.run_set_up_import``); the coordinator's page follows its progress and
    then shows the same report as a small file gets at once. All or nothing, as ever: a
    worker stopped mid-way saves nothing, and the run starts again from the beginning."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(
        _("file name"), max_length=255, blank=True, validators=[validate_one_line]
    )
    data = models.BinaryField(_("file"), help_text=_("The CSV file as uploaded."))
    dry_run = models.BooleanField(_("preview only"), default=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SetUpImportStatus.choices,
        default=SetUpImportStatus.QUEUED,
    )
    saved = models.PositiveIntegerField(_("cohorts set up"), default=0)
    opened = models.PositiveIntegerField(_("cohorts opened"), default=0)
    errors = models.JSONField(
        _("row errors"), default=list, blank=True, help_text=_("[row number, [messages]]")
    )
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort set-up import")
        verbose_name_plural = _("cohort set-up imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name or f"set-up import {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (SetUpImportStatus.DONE, SetUpImportStatus.FAILED)
