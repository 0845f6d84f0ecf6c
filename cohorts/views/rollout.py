"""The rollout: its phases (national admins create and edit them; coordinators see those
touching their areas) and the four-year calendar by term, in figures and a chart."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from cohorts.forms_phases import PhaseForm
from cohorts.selectors import phases_in_scope
from cohorts.selectors.rollout import rollout_overview
from cohorts.services.phases import phase_save
from core.errors import LinkDomainError

MANAGE_PHASES = "accounts.manage_phases"


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
