"""Django admin for workshop days, professionals and attendance."""

from django.contrib import admin

from workshops.models import Attendance, Professional, Workshop


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ("cohort", "day", "date", "start_time", "end_time")
    list_filter = ("day", "cohort__status", "cohort__phase")
    search_fields = ("cohort__name", "venue_name")
    list_select_related = ("cohort",)
    raw_id_fields = ("cohort",)
    date_hierarchy = "date"


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "organisation_type", "cohort")
    list_filter = ("organisation_type", "cohort__phase")
    search_fields = ("name", "organisation", "email", "cohort__name")
    list_select_related = ("cohort",)
    raw_id_fields = ("cohort",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
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
