"""Django admin for the establishment register."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from schools.models import (
    Establishment,
    LocalAuthority,
    MHSTArea,
    MHSTeam,
    TypeGroup,
)
from schools.services.areas import mhst_area_assign_establishments

# Fields the GIAS import owns: editing them here would be undone by the next import.
GIAS_FIELDS = (
    "urn",
    "name",
    "type_code",
    "type_name",
    "type_group",
    "phase",
    "status",
    "open_date",
    "close_date",
    "la",
    "gias_la_code",
    "gias_la_name",
    "postcode",
    "town",
    "telephone",
    "website",
    "ukprn",
    "pupil_count",
    "gias_last_changed",
)


class EligibilityFilter(admin.SimpleListFilter):
    title = _("eligibility")
    parameter_name = "eligible"

    def lookups(self, request, model_admin):
        return (("yes", _("Eligible")), ("no", _("Not eligible")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.eligible()
        if self.value() == "no":
            return queryset.ineligible()
        return queryset


class TypeGroupFilter(admin.SimpleListFilter):
    title = _("type group")
    parameter_name = "type_group"

    def lookups(self, request, model_admin):
        return TypeGroup.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(type_group=self.value())
        return queryset


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "gss_code", "region", "is_current")
    list_filter = ("region", "is_current")
    search_fields = ("name", "code", "gss_code")
    readonly_fields = ("code",)


@admin.register(MHSTArea)
class MHSTAreaAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "nhs_region",
        "wave",
        "covers_whole_las",
        "four_week_waiting_time_pilot",
    )
    list_filter = ("wave", "nhs_region", "covers_whole_las")
    search_fields = ("name",)
    filter_horizontal = ("local_authorities",)
    actions = ("assign_establishments",)

    @admin.action(description=_("Put establishments of the covered LAs into the area"))
    def assign_establishments(self, request, queryset):
        for area in queryset:
            moved = mhst_area_assign_establishments(area=area)
            if area.covers_whole_las:
                self.message_user(request, f"{area}: {moved} establishments added.")
            else:
                self.message_user(
                    request,
                    f"{area} covers only part of its LAs: assign its schools one by one.",
                    messages.WARNING,
                )


@admin.register(MHSTeam)
class MHSTeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "area")
    list_filter = ("area",)
    search_fields = ("name", "area__name")
    autocomplete_fields = ("schools_served",)
    list_select_related = ("area",)


@admin.register(Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin):
    list_display = (
        "urn",
        "name",
        "type_name",
        "status",
        "la",
        "postcode",
        "mhst_area",
        "eligible",
    )
    list_filter = (
        EligibilityFilter,
        TypeGroupFilter,
        "status",
        "mhst_area",
        ("la", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("=urn", "name", "postcode")
    list_select_related = ("la", "mhst_area")
    readonly_fields = (*GIAS_FIELDS, "created_at", "updated_at")
    autocomplete_fields = ("mhst_area",)
    fieldsets = (
        (_("Link"), {"fields": ("contact_email", "mhst_area")}),
        (
            _("From GIAS (updated by each import)"),
            {"fields": GIAS_FIELDS},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(boolean=True, description=_("eligible"))
    def eligible(self, obj: Establishment) -> bool:
        return obj.is_eligible

    def has_add_permission(self, request):
        # Establishments come from GIAS (manage.py import_gias), with their real URN.
        return False

    def get_search_results(self, request, queryset, search_term):
        # A postcode is searched with or without its space ("NW1 1AA" or "nw11aa").
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        compact = search_term.replace(" ", "").upper()
        if 5 <= len(compact) <= 7 and compact[-3:-2].isdigit():
            spaced = f"{compact[:-3]} {compact[-3:]}"
            queryset |= self.model.objects.filter(postcode=spaced)
        return queryset, may_have_duplicates
