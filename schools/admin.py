"""Django admin for the establishment register."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from schools.models import (
    Establishment,
    IntegratedCareBoard,
    LocalAuthority,
    MHSTArea,
    MHSTeam,
    TypeGroup,
)
from schools.services.areas import mhst_area_assign_establishments
from schools.services.mhst import MAX_FILE_BYTES, MhstImportError, mhst_import

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
    "easting",
    "northing",
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
    list_filter = ("region", "is_current", "icbs")
    search_fields = ("name", "code", "gss_code")
    readonly_fields = ("code",)
    filter_horizontal = ("icbs",)


@admin.register(IntegratedCareBoard)
class IntegratedCareBoardAdmin(admin.ModelAdmin):
    """Loaded by ``load_areas`` from the shipped file; read here, corrected in the file."""

    list_display = ("name", "ods_code", "gss_code", "local_authority_names")
    search_fields = ("name", "ods_code", "gss_code", "local_authorities__name")
    readonly_fields = ("name", "ods_code", "gss_code")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("local_authorities")

    @admin.display(description=_("local authorities"))
    def local_authority_names(self, obj) -> str:
        return ", ".join(la.name for la in obj.local_authorities.all())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MhstImportForm(forms.Form):
    areas_file = forms.FileField(
        label=_("Areas file (CSV)"),
        required=False,
        help_text=_(
            "Columns: area, nhs_region, wave, local_authorities (DfE codes or names, "
            'separated by ";"), covers_whole_las (yes or no), and optionally '
            "four_week_waiting_time_pilot."
        ),
    )
    teams_file = forms.FileField(
        label=_("Teams file (CSV)"),
        required=False,
        help_text=_(
            'Columns: team, area, urns (the URNs of the schools it serves, separated by ";").'
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the files and show what would change"),
        required=False,
        label_suffix="",
    )

    def clean(self):
        cleaned = super().clean()
        uploads = [cleaned.get(name) for name in ("areas_file", "teams_file")]
        if not any(uploads):
            raise forms.ValidationError(_("Choose an areas file, a teams file, or both."))
        for upload in filter(None, uploads):
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 2 MB; split it and try again."),
                    params={"name": upload.name},
                )
        return cleaned


@admin.register(MHSTArea)
class MHSTAreaAdmin(SimpleHistoryAdmin):
    change_list_template = "admin/schools/mhstarea/change_list.html"
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

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="schools_mhstarea_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload an areas file and/or a teams file (``schools.services.mhst``)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        report, problem = None, ""
        posted = request.method == "POST"
        form = MhstImportForm(request.POST, request.FILES) if posted else MhstImportForm()
        if posted and form.is_valid():
            uploads = [
                (upload.name, upload.read())
                for upload in (form.cleaned_data["areas_file"], form.cleaned_data["teams_file"])
                if upload
            ]
            try:
                report = mhst_import(uploads, dry_run=form.cleaned_data["dry_run"])
            except MhstImportError as error:
                problem = str(error)
            else:
                if report.written:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    return redirect("admin:schools_mhstarea_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import MHST areas and teams"),
            "form": form,
            "report": report,
            "problem": problem,
        }
        return TemplateResponse(request, "admin/schools/mhstarea/import.html", context)


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
