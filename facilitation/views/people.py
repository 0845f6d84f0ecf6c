"""Stakeholder pages: add one, correct one, import many from a CSV (all or nothing)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View
from django.views.generic import FormView

from core.errors import LinkDomainError
from core.spreadsheets import csv_stream_response
from facilitation.forms import StakeholderForm, StakeholderImportForm
from facilitation.services.stakeholder_import import import_template, stakeholders_import_csv
from facilitation.services.stakeholders import (
    StakeholderDetails,
    stakeholder_add,
    stakeholder_update,
)
from facilitation.views.mixins import ScopedEngagementMixin

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class StakeholderAddView(ScopedEngagementMixin, FormView):
    template_name = "facilitation/stakeholder_form.html"
    form_class = StakeholderForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.engagement = self.get_engagement()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "engagement": self.engagement}

    def form_valid(self, form):
        try:
            stakeholder = stakeholder_add(
                engagement=self.engagement,
                details=StakeholderDetails(**form.cleaned_data),
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error("email" if error.code == "email_taken" else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{stakeholder.name} is added.")
        return HttpResponseRedirect(self.engagement_url(self.engagement))


class StakeholderEditView(ScopedEngagementMixin, FormView):
    template_name = "facilitation/stakeholder_form.html"
    form_class = StakeholderForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.stakeholder = self.get_stakeholder()
        self.engagement = self.stakeholder.engagement
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        s = self.stakeholder
        fields = ("name", "role", "organisation", "sector", "email", "is_lead")
        return {name: getattr(s, name) for name in fields}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "engagement": self.engagement,
            "stakeholder": self.stakeholder,
        }

    def form_valid(self, form):
        try:
            stakeholder_update(
                stakeholder=self.stakeholder,
                details=StakeholderDetails(**form.cleaned_data),
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error("email" if error.code == "email_taken" else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The stakeholder is saved.")
        return HttpResponseRedirect(self.engagement_url(self.engagement))


class StakeholderImportView(ScopedEngagementMixin, View):
    """Upload a CSV of stakeholders: every row is added, or (if any row is wrong) none, and
    each bad row is listed with its number."""

    template_name = "facilitation/stakeholder_import.html"

    def _render(self, engagement, form, report=None):
        context = {"engagement": engagement, "form": form, "report": report}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        return self._render(self.get_engagement(), StakeholderImportForm())

    def post(self, request, pk):
        engagement = self.get_engagement()
        form = StakeholderImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(engagement, form)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is over 2 MB; split it and import each part.")
            return self._render(engagement, form)
        report = stakeholders_import_csv(
            engagement=engagement, data=upload.read(), actor=request.user
        )
        if not report.saved:
            return self._render(engagement, form, report)
        messages.success(request, f"{len(report.added)} stakeholders are added.")
        return HttpResponseRedirect(self.engagement_url(engagement))


class StakeholderTemplateView(ScopedEngagementMixin, View):
    def get(self, request, pk):
        self.get_engagement()
        return csv_stream_response(import_template(), "stakeholders-template")
