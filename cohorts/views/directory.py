"""The directory pages: an area's venues and local professionals, listed, added, edited and
imported from CSV, and professionals added to many cohorts at once. Every queryset is
narrowed to the user's scope, so an entry outside it is a 404; entries are written only in
areas the user covers whole (as a wave's), so what they add stays theirs to see."""

import copy

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, ListView

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.forms_directory import (
    DirectoryAreaForm,
    DirectoryImportForm,
    LocalProfessionalForm,
    ProfessionalsToCohortsForm,
    VenueForm,
)
from cohorts.selectors import (
    cohorts_in_scope,
    local_authorities_in_scope,
    mhst_areas_in_scope,
    phases_in_scope,
    wave_area_choices,
)
from cohorts.services.directory import CLOSED, local_professionals_add_to_cohorts
from cohorts.views.mixins import MANAGE
from core.errors import LinkDomainError
from workshops.directory import local_professional_save, venue_save
from workshops.directory_import import PROFESSIONALS, VENUES, directory_import_csv
from workshops.selectors import in_area, local_professionals_in_scope, venues_in_scope

#: The directory pages' entry in the main navigation (``templates/base.html``).
NAV = "directory"


class DirectoryMixin(CoordinatorRequiredMixin):
    """What one kind of directory entry's pages share; subclasses name the kind."""

    permission_required = MANAGE
    kind = "venue"  # or "professional"

    @property
    def spec(self) -> dict:
        return KINDS[self.kind]

    def entries(self):
        return self.spec["selector"](scope=self.scope)

    def writable_areas(self):
        return wave_area_choices(scope=self.scope)

    def get_context_data(self, **kwargs):
        # The main navigation's "Directory", not "Cohorts" (whose namespace these share).
        return {**super().get_context_data(**kwargs), "kind": self.spec, "nav_section": NAV}


class DirectoryListView(DirectoryMixin, ListView):
    template_name = "cohorts/directory/list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        entries = self.entries()
        self.q = " ".join(self.request.GET.get("q", "").split())[:100]
        if self.q:
            entries = entries.filter(self.spec["search"](self.q))
        return entries.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        query = urlencode({"q": self.q}) if self.q else ""
        return super().get_context_data(q=self.q, query_string=query, **kwargs)


class DirectoryEntryFormView(DirectoryMixin, FormView):
    template_name = "cohorts/directory/entry_form.html"

    entry = None

    def get_form_class(self):
        return self.spec["form"]

    def get_form_kwargs(self):
        local_authorities, mhst_areas = self.writable_areas()
        kwargs = super().get_form_kwargs()
        kwargs.update(local_authorities=local_authorities, mhst_areas=mhst_areas)
        if "pk" in self.kwargs:
            self.entry = get_object_or_404(self.entries(), pk=self.kwargs["pk"])
            # A copy: the form writes into its instance; the service saves the change.
            kwargs["instance"] = copy.copy(self.entry)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # makes the form, which finds the entry
        context["entry"] = self.entry
        return context

    def form_valid(self, form):
        local_authorities, mhst_areas = self.writable_areas()
        try:
            saved = self.spec["save"](
                details=form.details(),
                area=form.area(),
                local_authorities=local_authorities,
                mhst_areas=mhst_areas,
                **{self.kind: self.entry},
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{saved.name} is saved in the directory.")
        return HttpResponseRedirect(reverse(self.spec["list_url"]))


class DirectoryImportView(DirectoryMixin, FormView):
    """Many entries from one CSV file: preview, then import, all or nothing."""

    template_name = "cohorts/directory/import.html"
    form_class = DirectoryImportForm
    rows_shown = 1000

    def form_valid(self, form):
        dry_run = self.request.POST.get("action") != "import"
        local_authorities, mhst_areas = self.writable_areas()
        try:
            report = directory_import_csv(
                file=form.cleaned_data["file"],
                kind=self.spec["import"],
                local_authorities=local_authorities,
                mhst_areas=mhst_areas,
                dry_run=dry_run,
            )
        except LinkDomainError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if report.written:
            changed = len(report.changed_rows)
            messages.success(
                self.request, f"{changed} {self.spec['noun']}{'s' if changed != 1 else ''} saved."
            )
        listed = report.error_rows if report.errors else report.changed_rows
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                report=report,
                listed_rows=listed[: self.rows_shown],
                listed_total=len(listed),
            )
        )


def _venue_search(q):
    return Q(name__icontains=q) | Q(postcode__icontains=q) | Q(local_authority__name__icontains=q)


def _professional_search(q):
    return (
        Q(name__icontains=q)
        | Q(organisation__icontains=q)
        | Q(role__icontains=q)
        | Q(local_authority__name__icontains=q)
    )


KINDS = {
    "venue": {
        "kind": "venue",
        "noun": "venue",
        "title": "Venues",
        "selector": venues_in_scope,
        "search": _venue_search,
        "form": VenueForm,
        "save": venue_save,
        "import": VENUES,
        "list_url": "cohorts:venue-list",
        "create_url": "cohorts:venue-create",
        "edit_url": "cohorts:venue-edit",
        "import_url": "cohorts:venue-import",
    },
    "professional": {
        "kind": "professional",
        "noun": "professional",
        "title": "Local professionals",
        "selector": local_professionals_in_scope,
        "search": _professional_search,
        "form": LocalProfessionalForm,
        "save": local_professional_save,
        "import": PROFESSIONALS,
        "list_url": "cohorts:local-professional-list",
        "create_url": "cohorts:local-professional-create",
        "edit_url": "cohorts:local-professional-edit",
        "import_url": "cohorts:local-professional-import",
    },
}
for spec in KINDS.values():
    spec["columns"] = (*spec["import"].columns, "local authority", "mhst area")


class ProfessionalsToCohortsView(CoordinatorRequiredMixin, View):
    """Choose a phase and an area, then which of its professionals go to which of its cohorts:
    one submission, each added through ``professional_add`` as one added by hand."""

    permission_required = MANAGE
    template_name = "cohorts/directory/professionals_to_cohorts.html"

    def area_form(self, data):
        return DirectoryAreaForm(
            data,
            phases=phases_in_scope(scope=self.scope),
            local_authorities=local_authorities_in_scope(scope=self.scope),
            mhst_areas=mhst_areas_in_scope(scope=self.scope),
        )

    def choices(self, area_form):
        area = area_form.area_filter()
        la = area.get("local_authority")
        mhst = area.get("mhst_area")
        ids = {
            "local_authority_id": la.pk if la else None,
            "mhst_area_id": mhst.pk if mhst else None,
        }
        professionals = in_area(local_professionals_in_scope(scope=self.scope), **ids)
        cohorts = (
            cohorts_in_scope(scope=self.scope)
            .filter(phase=area_form.cleaned_data["phase"])
            .filter(Q(local_authority=la) if la else Q(mhst_area=mhst))
            .exclude(status__in=CLOSED)
        )
        return professionals.order_by("name", "pk"), cohorts.order_by("name", "pk")

    def render_page(self, area_form, form=None, result=None):
        context = {"area_form": area_form, "form": form, "result": result, "nav_section": NAV}
        if form is not None:
            context["area_name"] = area_form.area_name()
            context["phase"] = area_form.cleaned_data["phase"]
        return render(self.request, self.template_name, context)

    def get(self, request):
        area_form = self.area_form(request.GET or None)
        if not area_form.is_bound or not area_form.is_valid():
            return self.render_page(area_form)
        professionals, cohorts = self.choices(area_form)
        form = ProfessionalsToCohortsForm(professionals=professionals, cohorts=cohorts)
        return self.render_page(area_form, form)

    def post(self, request):
        area_form = self.area_form(request.POST)
        if not area_form.is_valid():
            return self.render_page(area_form)
        professionals, cohorts = self.choices(area_form)
        form = ProfessionalsToCohortsForm(
            request.POST, professionals=professionals, cohorts=cohorts
        )
        if not form.is_valid():
            return self.render_page(area_form, form)
        try:
            result = local_professionals_add_to_cohorts(
                professionals=list(form.cleaned_data["professionals"]),
                cohorts=list(form.cleaned_data["cohorts"]),
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.render_page(area_form, form)
        added = len(result.added)
        messages.success(
            request,
            f"{added} professional{'s' if added != 1 else ''} added to cohorts"
            + (
                f"; {len(result.already)} already on the cohort, left as they were."
                if result.already
                else "."
            ),
        )
        query = urlencode(
            {"phase": area_form.cleaned_data["phase"].pk, "area": area_form.cleaned_data["area"]}
        )
        return HttpResponseRedirect(f"{reverse('cohorts:professionals-to-cohorts')}?{query}")
