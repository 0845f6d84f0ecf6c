"""Coordinators' pages of the establishment register: list, detail, exports, contacts."""

import itertools

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, View
from django_filters.views import FilterView

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.register.exports import csv_response, xlsx_response
from cohorts.register.filters import EstablishmentFilter, sort_headers
from cohorts.selectors import (
    establishment_invitations,
    establishment_places,
    with_programme_status,
)
from core.audit import history_of
from core.conf import export_inline_rows
from core.spreadsheets import csv_stream_response
from outbox.selectors import emails_about
from schools.selectors import establishments_for, register_review_summary
from schools.services.contacts import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ContactError,
    ContactImportError,
    contacts_import_csv,
    establishment_update_contact,
)


class ScopedEstablishmentsMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.view_register"

    def get_queryset(self):
        return with_programme_status(establishments_for(self.scope))

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "scope": self.scope}


class EstablishmentListView(ScopedEstablishmentsMixin, FilterView):
    filterset_class = EstablishmentFilter
    template_name = "schools/establishment_list.html"
    paginate_by = 50
    # An invalid filter value shows the form's error and no rows, not every row.
    strict = True

    columns = (
        (_("URN"), "urn"),
        (_("Name"), "name"),
        (_("Type"), "type"),
        (_("Local authority"), "la"),
        (_("MHST area"), "mhst_area"),
        (_("Postcode"), "postcode"),
        (_("Eligible"), None),
        (_("Programme"), None),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["headers"] = sort_headers(self.request.GET, self.columns)
        if self.request.user.has_perm("accounts.review_register_changes"):
            context["register_review"] = register_review_summary()
        return context


class EstablishmentExportView(ScopedEstablishmentsMixin, FilterView):
    """The filtered list as CSV or XLSX: the same filters and scope as the list page.

    The CSV streams whatever its size. An XLSX of more than ``export_inline_rows("xlsx")``
    rows (openpyxl takes seconds for the whole register) goes to a worker: the view sends
    the user to the page that asks for one (``exports:new``), with the same filters."""

    permission_required = ("accounts.view_register", "accounts.export_register")
    filterset_class = EstablishmentFilter
    export_format = "csv"

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        # Unbound (no filters): everything in scope. Invalid filters: nothing, as on the page.
        invalid = filterset.is_bound and not filterset.is_valid()
        queryset = self.get_queryset().none() if invalid else filterset.qs
        if self.export_format == "xlsx":
            if not invalid and queryset.count() > export_inline_rows("xlsx"):
                url = reverse("exports:new", args=["establishments-xlsx"])
                return redirect(f"{url}?{request.GET.urlencode()}")
            return xlsx_response(queryset, "establishments")
        return csv_response(queryset, "establishments")


class EstablishmentDetailView(ScopedEstablishmentsMixin, DetailView):
    template_name = "schools/establishment_detail.html"
    slug_field = "urn"
    slug_url_kwarg = "urn"
    context_object_name = "establishment"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_edit_contacts"] = user.has_perm("accounts.edit_contacts")
        context["places"] = establishment_places(establishment=self.object)
        context["icbs"] = list(self.object.la.icbs.all()) if self.object.la_id else []
        context["invitations"] = establishment_invitations(establishment=self.object)
        if user.has_perm("accounts.manage_outbox"):
            context["emails"] = emails_about(establishment=self.object)
        if user.has_perm("accounts.view_audit"):
            context["history"] = history_of(self.object)
        return context


class ContactForm(forms.Form):
    contact_email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_(
            "Where invitations go: usually the senior mental health lead. Leave empty if not known."
        ),
    )


class EstablishmentContactView(ScopedEstablishmentsMixin, FormView):
    permission_required = ("accounts.view_register", "accounts.edit_contacts")
    template_name = "schools/establishment_contact.html"
    form_class = ContactForm

    def get_establishment(self):
        if not hasattr(self, "_establishment"):
            self._establishment = get_object_or_404(self.get_queryset(), urn=self.kwargs["urn"])
        return self._establishment

    def get_initial(self):
        return {"contact_email": self.get_establishment().contact_email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(establishment=self.get_establishment(), **kwargs)

    def form_valid(self, form):
        establishment = self.get_establishment()
        try:
            changed = establishment_update_contact(
                establishment=establishment, contact_email=form.cleaned_data["contact_email"]
            )
        except ContactError as exc:
            form.add_error("contact_email", str(exc))
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, _("Contact email saved."))
        return redirect("schools:establishment-detail", urn=establishment.urn)


class ContactImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A CSV file whose first row names the columns URN and contact_email (other "
            "columns are ignored). One row per establishment; a blank email leaves it as it "
            "is. Up to %(rows)s rows and %(mb)s MB."
        )
        % {"rows": f"{MAX_IMPORT_ROWS:,}", "mb": MAX_IMPORT_BYTES // (1024 * 1024)},
    )


class ContactImportView(CoordinatorRequiredMixin, FormView):
    """Contact emails for many establishments from one CSV file: preview, then import.

    The report is shown on the page that receives the upload; importing the same file
    twice changes nothing the second time.
    """

    permission_required = ("accounts.view_register", "accounts.edit_contacts")
    template_name = "schools/contact_import.html"
    form_class = ContactImportForm
    # How many rows of a report the page lists; the counts always cover the whole file.
    rows_shown = 1000

    def form_valid(self, form):
        dry_run = self.request.POST.get("action") != "import"
        try:
            report = contacts_import_csv(
                file=form.cleaned_data["file"], scope=self.scope, dry_run=dry_run
            )
        except ContactImportError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if report.written:
            messages.success(
                self.request,
                _("%(count)s contact email%(s)s saved.")
                % {"count": report.updated, "s": "" if report.updated == 1 else "s"},
            )
        listed = report.error_rows if report.errors else report.updated_rows
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                report=report,
                listed_rows=listed[: self.rows_shown],
                listed_total=len(listed),
            )
        )


class ContactImportTemplateView(CoordinatorRequiredMixin, View):
    """A CSV to fill in: the eligible establishments in the user's areas that have no
    contact email yet, with a UTF-8 byte order mark so that Excel shows names correctly."""

    permission_required = ("accounts.view_register", "accounts.edit_contacts")

    def get(self, request, *args, **kwargs):
        missing = (
            establishments_for(self.scope)
            .eligible()
            .filter(contact_email="")
            .select_related(None)
            .only("urn", "name")
        )
        header = [["URN", "Name", "contact_email"]]
        rows = ([e.urn, e.name, ""] for e in missing.iterator(chunk_size=2000))
        return csv_stream_response(itertools.chain(header, rows), "contact-emails", bom=True)
