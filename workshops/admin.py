"""Django admin for workshop days, professionals and attendance: read-only, each linking to
the cohort page that changes it through the services (``core.admin_mixins``), since a
moved workshop day must be checked and its schools told, and attendance completes places."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ChangedOnItsPageAdmin
from workshops.models import Attendance, Professional, Workshop


@admin.register(Workshop)
class WorkshopAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Change the workshop days on the cohort's page")
    list_display = ("cohort", "day", "date", "start_time", "end_time")
    list_filter = ("day", "cohort__status", "cohort__phase")
    search_fields = ("cohort__name", "venue_name")
    list_select_related = ("cohort",)
    raw_id_fields = ("cohort",)
    date_hierarchy = "date"

    def page_url(self, obj) -> str:
        return reverse("cohorts:workshops", args=[obj.cohort_id])


@admin.register(Professional)
class ProfessionalAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Correct their details on the cohort's pages")
    list_display = ("name", "organisation", "organisation_type", "cohort")
    list_filter = ("organisation_type", "cohort__phase")
    search_fields = ("name", "organisation", "email", "cohort__name")
    list_select_related = ("cohort",)
    raw_id_fields = ("cohort",)

    def page_url(self, obj) -> str:
        return reverse("cohorts:professional-edit", args=[obj.pk])


@admin.register(Attendance)
class AttendanceAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Mark the register on the cohort's page")
    list_display = ("workshop", "place", "professional", "present")
    list_filter = ("present", "workshop__day", "workshop__cohort__phase")
    search_fields = (
        "workshop__cohort__name",
        "place__establishment__name",
        "professional__name",
    )
    list_select_related = (
        "workshop__cohort",
        "place__establishment",
        "place__cohort",
        "professional",
    )
    raw_id_fields = ("workshop", "place", "professional")

    def page_url(self, obj) -> str:
        return reverse("cohorts:detail", args=[obj.workshop.cohort_id])
