"""LAs' term dates: when schools are open, so a workshop in a school holiday is flagged."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import validate_one_line
from schools.models import LocalAuthority


class SchoolTerm(TimeStampedModel):
    """One stretch of school days in a local authority's published term dates (a half
    term, "Autumn 1", say), from its first day to its last, both days included.

    Loaded from a CSV per LA (``cohorts.services.terms.term_dates_load``). Where an LA has
    terms in a school year, a day of that year outside them all is a school holiday there
    (``cohorts.calendar.school_holiday_concerns``); where it has none, nothing is known and
    nothing is flagged. Academies may set their own dates: these are the LA's.
    """

    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        related_name="school_terms",
        verbose_name=_("local authority"),
    )
    name = models.CharField(_("term"), max_length=60, validators=[validate_one_line])
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text=_("The file the dates came from."),
    )

    class Meta:
        verbose_name = _("school term")
        verbose_name_plural = _("school terms")
        ordering = ["local_authority", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="school_term_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "first_day"], name="school_term_once_per_la_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority.name}: {self.name} ({self.first_day} to {self.last_day})"
