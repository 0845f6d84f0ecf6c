"""Coordinators' pages of the establishment register: list, detail, exports, contacts."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView

from accounts.mixins import CoordinatorRequiredMixin
from schools.exports import csv_response, xlsx_response
from schools.filters import EstablishmentFilter
from schools.selectors import establishments_for, history_of
from schools.services.contacts import ContactError, establishment_update_contact


class ScopedEstablishmentsMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.view_register"

    def get_queryset(self):
        return establishments_for(self.scope)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "scope": self.scope}


class EstablishmentListView(ScopedEstablishmentsMixin, FilterView):
    filterset_class = EstablishmentFilter
    template_name = "schools/establishment_list.html"
    paginate_by = 50
    # An invalid filter value shows the form's error and no rows, not every row.
    strict = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class EstablishmentExportView(ScopedEstablishmentsMixin, FilterView):
    """The filtered list as CSV or XLSX: the same filters and scope as the list page."""

    permission_required = ("accounts.view_register", "accounts.export_register")
    filterset_class = EstablishmentFilter
    export_format = "csv"

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        # Unbound (no filters): everything in scope. Invalid filters: nothing, as on the page.
        invalid = filterset.is_bound and not filterset.is_valid()
        queryset = self.get_queryset().none() if invalid else filterset.qs
        if self.export_format == "xlsx":
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
