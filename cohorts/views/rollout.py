"""The rollout: its phases (national admins create and edit them; coordinators see those
touching their areas), the four-year calendar by term, in figures and a chart, and the LAs'
term dates that the workshop days are checked against."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from cohorts.forms_rollout import PhaseForm, TermDatesForm
from cohorts.selectors import phases_in_scope, wave_area_choices
from cohorts.selectors.rollout import rollout_overview, term_dates_loaded
from cohorts.services.phases import phase_save
from cohorts.services.terms import term_dates_load
from core.errors import LinkDomainError

MANAGE_PHASES = "accounts.manage_phases"
#: One LA's term dates are a few hundred bytes; anything this big is some other file.
MAX_UPLOAD_BYTES = 100_000


class RolloutView(CoordinatorRequiredMixin, TemplateView):
    """Per phase and area, and per term of the four years, what is planned and done."""

    template_name = "cohorts/coordinator/rollout.html"
    permission_required = "accounts.view_dashboard"

    def get_context_data(self, **kwargs):
        overview = rollout_overview(scope=self.scope)
        chart = {
            "labels": [row["term"].label for row in overview["terms"]],
            "series": [
                {"label": label, "values": [row[key] for row in overview["terms"]]}
                for key, label in (
                    ("planned", "Cohorts planned"),
                    ("open", "Open for booking"),
                    ("delivered", "Delivered"),
                )
            ],
            "integer": True,  # counts of cohorts: no 0.5 on the axis
        }
        return {
            **super().get_context_data(**kwargs),
            **overview,
            "chart": chart,
            "national": self.scope.national,
            "target_schools": settings.LINK_TARGET_ESTABLISHMENTS,
            "target_cohorts": settings.LINK_TARGET_COHORTS,
            "may_manage_phases": user_may_open(self.request.user, PhaseCreateView),
        }


class PhaseFormMixin(CoordinatorRequiredMixin):
    template_name = "cohorts/coordinator/phase_form.html"
    form_class = PhaseForm
    permission_required = MANAGE_PHASES
    phase = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "phase": self.phase}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "phase": self.phase}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            phase = phase_save(
                phase=self.phase,
                name=data["name"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                local_authorities=data["local_authorities"],
                mhst_areas=data["mhst_areas"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{phase.name} is saved.")
        return HttpResponseRedirect(reverse("cohorts:rollout") + f"#phase-{phase.pk}")


class PhaseCreateView(PhaseFormMixin, FormView):
    pass


class PhaseUpdateView(PhaseFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            self.phase = get_object_or_404(phases_in_scope(scope=self.scope), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class TermDatesView(CoordinatorRequiredMixin, FormView):
    """Load an LA's term dates from a CSV file; lists the LAs whose dates are loaded.
    Workshop days in a school holiday of those LAs are then flagged (WorkshopsEditView)."""

    template_name = "cohorts/coordinator/term_dates.html"
    form_class = TermDatesForm
    permission_required = "accounts.manage_cohorts"

    def get_form_kwargs(self):
        local_authorities, _ = wave_area_choices(scope=self.scope)
        return {**super().get_form_kwargs(), "local_authorities": local_authorities}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "loaded": term_dates_loaded(scope=self.scope)}

    def form_valid(self, form):
        la, upload = form.cleaned_data["local_authority"], form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is too large for one LA's term dates (over 100 KB).")
            return self.form_invalid(form)
        try:
            loaded = term_dates_load(
                local_authority=la, data=upload.read(), source=upload.name, actor=self.request.user
            )
        except LinkDomainError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{la.name}: {loaded.terms} terms loaded for {', '.join(loaded.school_years)}.",
        )
        return HttpResponseRedirect(reverse("cohorts:term-dates"))
