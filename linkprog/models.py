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
