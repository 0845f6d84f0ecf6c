"""Django admin for phases, cohorts, places and waves, and for a cohort's workshop days,
professionals and attendance (``workshops`` records whose pages are the cohort's).

Cohorts, places and waves change only through their services (the rules, the emails to the
people affected, the history), so here they are read-only, each linking to the page that
changes it, and the bulk actions call the services (``core.admin_mixins``). Phases,
which no service manages, are edited here.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import CancelReason, Cohort, Phase, Place, SchoolTerm, Wave, WaveStatus
from cohorts.services.places import place_cancel
from core.admin_mixins import ChangedOnItsPageAdmin
from core.errors import LinkDomainError
from workshops.models import Attendance, Professional, Workshop


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "end_date")
    search_fields = ("name",)
    date_hierarchy = "start_date"
    filter_horizontal = ("local_authorities", "mhst_areas")


@admin.register(Cohort)
class CohortAdmin(ChangedOnItsPageAdmin):
    """Planned, edited, opened and cancelled on the cohort pages (``cohorts:edit``)."""

    page_link_text = _("Edit the cohort, its workshop days and professionals on its page")
    list_display = ("name", "phase", "local_authority", "mhst_area", "format", "capacity", "status")
    list_filter = ("status", "format", "phase", "mhst_area")
    search_fields = ("name", "local_authority__name", "mhst_area__name", "venue_name")
    list_select_related = ("phase", "local_authority", "mhst_area")
    autocomplete_fields = ("local_authority", "mhst_area")
    raw_id_fields = ("planned_establishments",)
    filter_horizontal = ("facilitators",)
    readonly_fields = (
        "status",
        "workshop_days",
        "professionals_attending",
        "created_at",
        "updated_at",
    )
    exclude = ("delivery",)

    def page_url(self, obj) -> str:
        return reverse("cohorts:detail", args=[obj.pk])

    @admin.display(description=_("workshop days"))
    def workshop_days(self, obj) -> str:
        return "; ".join(str(w) for w in obj.workshops.order_by("day")) or "–"

    @admin.display(description=_("professionals"))
    def professionals_attending(self, obj) -> str:
        return "; ".join(str(p) for p in obj.professionals.all()) or "–"


@admin.register(Workshop)
class WorkshopAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Change the workshop days on the cohort's page")
    list_display = ("delivery", "day", "date", "start_time", "end_time")
    list_filter = ("day", "delivery__cohort__status", "delivery__cohort__phase")
    search_fields = ("delivery__cohort__name", "venue_name")
    list_select_related = ("delivery__cohort",)
    raw_id_fields = ("delivery",)
    date_hierarchy = "date"

    def page_url(self, obj) -> str:
        return reverse("cohorts:workshops", args=[obj.delivery.cohort.pk])


@admin.register(Professional)
class ProfessionalAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Correct their details on the cohort's pages")
    list_display = ("name", "organisation", "organisation_type", "delivery")
    list_filter = ("organisation_type", "delivery__cohort__phase")
    search_fields = ("name", "organisation", "email", "delivery__cohort__name")
    list_select_related = ("delivery__cohort",)
    raw_id_fields = ("delivery",)

    def page_url(self, obj) -> str:
        return reverse("cohorts:professional-edit", args=[obj.pk])


@admin.register(Attendance)
class AttendanceAdmin(ChangedOnItsPageAdmin):
    page_link_text = _("Mark the register on the cohort's page")
    list_display = ("workshop", "participant", "present")
    list_filter = (
        "present",
        "participant__kind",
        "workshop__day",
        "workshop__delivery__cohort__phase",
    )
    search_fields = (
        "workshop__delivery__cohort__name",
        "participant__school_attendee__establishment__name",
        "participant__professional__name",
    )
    list_select_related = (
        "workshop__delivery__cohort",
        "participant__school_attendee__establishment",
        "participant__professional",
    )
    raw_id_fields = ("workshop", "participant")

    def page_url(self, obj) -> str:
        return reverse("cohorts:detail", args=[obj.workshop.delivery.cohort.pk])


@admin.register(Place)
class PlaceAdmin(ChangedOnItsPageAdmin):
    """Booked, moved and cancelled through the booking services: on the cohort's page, by
    the school's booking link, or by this admin's cancel action."""

    page_link_text = _("Move or cancel it on its cohort's page")
    list_display = (
        "establishment",
        "cohort",
        "status",
        "waiting_position",
        "offer_expires_at",
        "completed_on",
    )
    list_filter = ("status", "cancel_reason", "cohort__phase", "cohort")
    search_fields = ("establishment__name", "=establishment__urn", "cohort__name", "attendee_name")
    list_select_related = ("establishment", "cohort")
    raw_id_fields = ("establishment", "cohort")
    readonly_fields = (
        "status",
        "waiting_position",
        "offer_expires_at",
        "cancelled_at",
        "cancel_reason",
        "cancel_note",
        "completed_on",
        "created_at",
        "updated_at",
    )
    actions = ("cancel_places",)

    def page_url(self, obj) -> str:
        return reverse("cohorts:detail", args=[obj.cohort_id])

    @admin.action(description=_("Cancel the selected places (frees seats for the waiting list)"))
    def cancel_places(self, request, queryset):
        cancelled = 0
        for place in queryset:
            try:
                place_cancel(place=place, reason=CancelReason.BY_COORDINATOR)
            except LinkDomainError as error:
                self.message_user(request, f"{place}: {error.message}", messages.WARNING)
            else:
                cancelled += 1
        self.message_user(request, f"{cancelled} places cancelled.")


@admin.register(Wave)
class WaveAdmin(ChangedOnItsPageAdmin):
    """Waves are made, launched, paused and cancelled from their coordinator page (the
    services check each step); here an admin can see them and pause or cancel in bulk."""

    page_link_text = _("Launch, pause or cancel it on its page")

    list_display = (
        "name",
        "phase",
        "audience",
        "status",
        "send_at",
        "rate_per_minute",
        "dispatched_count",
    )
    list_filter = ("status", "audience", "phase")
    search_fields = ("name", "phase__name")
    list_select_related = ("phase",)
    filter_horizontal = ("local_authorities", "mhst_areas")
    readonly_fields = ("status", "dispatched_count", "finished_at", "created_by")
    actions = ("pause_waves", "cancel_waves")

    def page_url(self, obj) -> str:
        return reverse("cohorts:wave-detail", args=[obj.pk])

    @admin.action(description=_("Pause the selected waves"))
    def pause_waves(self, request, queryset):
        self._each(request, queryset, "pause")

    @admin.action(description=_("Cancel the selected waves"))
    def cancel_waves(self, request, queryset):
        self._each(request, queryset, "cancel")

    def _each(self, request, queryset, action):
        from cohorts.services.waves import WaveError, wave_cancel, wave_pause

        done = 0
        for wave in queryset.exclude(status=WaveStatus.CANCELLED):
            try:
                (wave_pause if action == "pause" else wave_cancel)(wave=wave)
                done += 1
            except WaveError as exc:
                self.message_user(request, f"{wave}: {exc}", messages.WARNING)
        self.message_user(request, f"{done} waves changed.")


@admin.register(SchoolTerm)
class SchoolTermAdmin(admin.ModelAdmin):
    """LAs' term dates, as loaded; a file is loaded on the coordinators' term dates page
    (/cohorts/rollout/term-dates/) or with ``manage.py load_term_dates``."""

    list_display = ("local_authority", "name", "first_day", "last_day", "source")
    list_filter = ("local_authority",)
    search_fields = ("local_authority__name", "local_authority__code")
    list_select_related = ("local_authority",)
    date_hierarchy = "first_day"
