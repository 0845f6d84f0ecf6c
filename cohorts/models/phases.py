"""Rollout phases: the order in which areas are offered the programme."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import LocalAuthority, MHSTArea


class Phase(TimeStampedModel):
    """One step of the rollout plan, e.g. "Year 1, autumn 2019".

    A phase covers some local authorities and/or Mental Health Support Team areas for a
    stretch of dates; its cohorts are planned there. MHST areas come first in the national
    rollout, so the schools a phase can reach are listed with those in an MHST area first
    (``cohorts.selectors.phase_reachable_establishments``).
    """

    name = models.CharField(_("name"), max_length=120, unique=True, validators=[validate_one_line])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        related_name="phases",
        blank=True,
        verbose_name=_("local authorities"),
    )
    mhst_areas = models.ManyToManyField(
        MHSTArea,
        related_name="phases",
        blank=True,
        verbose_name=_("MHST areas"),
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="phase_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name
