"""Roles and the areas each coordinator is assigned to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from schools.models import LocalAuthority, MHSTArea


class Role(models.TextChoices):
    """The four roles of Link. Each is a Django group of the same name (accounts.roles)."""

    NATIONAL_ADMIN = "national_admin", _("National admin")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    FACILITATOR = "facilitator", _("Facilitator")
    VIEWER = "viewer", _("Viewer")


class Assignment(TimeStampedModel):
    """Where a regional coordinator works: local authorities, MHST areas and whole regions.

    A coordinator sees the establishments, cohorts and reports of these areas and nothing
    else. National admins and viewers need no assignment; facilitators are scoped to the
    cohorts they run.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("user"),
    )
    local_authorities = models.ManyToManyField(
        LocalAuthority, blank=True, related_name="+", verbose_name=_("local authorities")
    )
    mhst_areas = models.ManyToManyField(
        MHSTArea, blank=True, related_name="+", verbose_name=_("MHST areas")
    )
    regions = models.JSONField(
        _("regions"), default=list, blank=True, help_text=_("Region codes (E12…), whole regions.")
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("area assignment")
        verbose_name_plural = _("area assignments")
        permissions = [
            ("view_dashboard", _("Can see the programme dashboard")),
            ("view_register", _("Can list and open establishments")),
            ("export_register", _("Can export establishment lists")),
            ("edit_contacts", _("Can edit establishments' contact details")),
            ("view_audit", _("Can see the change history of records")),
            ("manage_cohorts", _("Can plan cohorts and manage places")),
            ("run_cohorts", _("Can see rosters and mark attendance")),
            ("manage_outbox", _("Can see, retry and cancel the programme's emails")),
            ("view_evaluation", _("Can see survey response rates and outcome reports")),
            ("view_free_text", _("Can read free-text survey answers")),
            ("export_responses", _("Can download anonymised survey responses row by row")),
            ("review_register_changes", _("Can apply or dismiss GIAS changes to the register")),
            ("manage_phases", _("Can create and edit the rollout's phases")),
            (
                "manage_personal_data",
                _("Can preview retention, and find, export and erase a person's data"),
            ),
        ]

    def __str__(self) -> str:
        return f"Areas of {self.user}"
