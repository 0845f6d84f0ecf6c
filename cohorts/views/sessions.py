"""A cohort's workshop days, their registers and the professionals who attend.
Every queryset is narrowed to the user's scope (``self.scope``, accounts.scoping), so
anything outside it is a 404; every change goes through a service, whose refusal is shown as
an error message."""

import copy

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.calendar import cohort_local_authorities, date_concerns, school_holiday_concerns
from cohorts.forms import (
    ProfessionalForm,
    WorkshopForm,
)
from cohorts.professional_mail import INVITED_COHORT_STATUSES
from cohorts.rules import WorkshopDay
from cohorts.selectors import (
    professionals_in_scope,
)
from cohorts.services.sessions import (
    attendance_mark_day,
    professional_add,
    professional_remove,
    professional_update,
    workshop_dates_check,
    workshop_days_save,
)
from cohorts.views.mixins import MANAGE, RUN, ScopedCohortMixin
from core.errors import LinkDomainError
from workshops.models import Workshop
from workshops.selectors import venues_of_area
from workshops.services import WorkshopDetails


class WorkshopsEditView(ScopedCohortMixin, View):
    """Both workshop days on one form; warnings (under four weeks apart) shown after saving."""

    template_name = "cohorts/coordinator/workshops_form.html"

    def forms(self, cohort, data=None):
        existing = {w.day: w for w in Workshop.objects.filter(delivery__cohort=cohort)}
        # One queryset for both days' forms: read once, when needed.
        venues = venues_of_area(
            scope=self.scope,
            local_authority_id=cohort.local_authority_id,
            mhst_area_id=cohort.mhst_area_id,
        ).order_by("name", "pk")
        forms = []
        for day in WorkshopDay:
            workshop = existing.get(day.value)
            initial = {}
            if workshop is not None:
                initial = {
                    field: getattr(workshop, field)
                    for field in (
                        "date",
                        "start_time",
                        "end_time",
                        "venue_name",
                        "venue_address",
                        "joining_link",
                    )
                }
            else:
                initial = {"start_time": "09:30", "end_time": "16:00"}
            form = WorkshopForm(data, prefix=f"day{day.value}", initial=initial, venues=venues)
            form.day = day
            forms.append(form)
        return forms

    def render(self, cohort, forms, concerns=(), reason=""):
        context = {
            "cohort": cohort,
            "forms": forms,
            "concerns": concerns,
            "reason": reason,
            "directory_venues": forms[0].directory_venues,
        }
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        cohort = self.get_cohort()
        return self.render(cohort, self.forms(cohort))

    def post(self, request, pk):
        cohort = self.get_cohort()
        forms = self.forms(cohort, request.POST)
        if not all(form.is_valid() for form in forms):
            return self.render(cohort, forms)
        day_1, day_2 = (WorkshopDetails(**form.cleaned_data) for form in forms)
        # A weekend, a bank holiday or a school holiday (where the LA's term dates are
        # loaded) stands only with the coordinator's reason, kept in the history of the
        # change it justifies (and only if that day's workshop changes).
        in_holidays = school_holiday_concerns(
            [day_1.date, day_2.date], local_authorities=cohort_local_authorities(cohort)
        )
        flagged = {
            day.value: found
            for day, details in zip(WorkshopDay, (day_1, day_2), strict=True)
            if (found := date_concerns(details.date) + in_holidays[details.date])
        }
        concerns = [c for found in flagged.values() for c in found]
        reason = " ".join(request.POST.get("reason", "").split())[:100]
        try:  # dates in the wrong order are an error first, before any question of a reason
            workshop_dates_check(day_1=day_1.date, day_2=day_2.date)
        except LinkDomainError as error:
            forms[0].add_error(None, error.message)
            return self.render(cohort, forms)
        if concerns and not reason:
            return self.render(cohort, forms, concerns=concerns)
        try:
            warnings = workshop_days_save(
                cohort=cohort,
                day_1=day_1,
                day_2=day_2,
                change_reasons={day: f"Date kept on purpose: {reason}" for day in flagged},
            )
        except LinkDomainError as error:
            forms[0].add_error(None, error.message)
            return self.render(cohort, forms, concerns=concerns, reason=reason)
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, "The workshop days are saved.")
        return HttpResponseRedirect(self.cohort_url(cohort))


class AttendanceView(ScopedCohortMixin, View):
    """The register of one workshop day: ticked = present, unticked = absent."""

    permission_required = RUN

    def post(self, request, pk, day):
        cohort = self.get_cohort()
        workshop = get_object_or_404(Workshop, delivery=cohort.delivery, day=day)
        try:
            present = attendance_mark_day(
                workshop=workshop,
                present_place_ids={int(i) for i in request.POST.getlist("place") if i.isdigit()},
                present_professional_ids={
                    int(i) for i in request.POST.getlist("professional") if i.isdigit()
                },
            )
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Attendance for workshop {day} saved: {present} present.")
        return HttpResponseRedirect(self.cohort_url(cohort))


class ProfessionalAddView(ScopedCohortMixin, FormView):
    template_name = "cohorts/coordinator/professional_form.html"
    form_class = ProfessionalForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cohort": self.get_cohort()}

    def form_valid(self, form):
        cohort = self.get_cohort()
        try:
            professional_add(cohort=cohort, **form.cleaned_data)
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        invited = cohort.status in INVITED_COHORT_STATUSES  # professional_mail
        messages.success(
            self.request,
            f"{form.cleaned_data['name']} is added"
            + (", and sent an invitation with both days." if invited else "."),
        )
        return HttpResponseRedirect(self.cohort_url(cohort))


class ScopedProfessionalMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE

    def get_professional(self):
        return get_object_or_404(professionals_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def cohort_url(self, professional) -> str:
        return reverse("cohorts:detail", kwargs={"pk": professional.delivery.cohort.pk})


class ProfessionalEditView(ScopedProfessionalMixin, FormView):
    template_name = "cohorts/coordinator/professional_form.html"
    form_class = ProfessionalForm

    def get_form_kwargs(self):
        self.professional = self.get_professional()
        # A copy: the form writes into its instance; the service saves the change.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.professional)}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cohort": self.professional.delivery.cohort,
            "professional": self.professional,
        }

    def form_valid(self, form):
        try:
            professional_update(professional=self.professional, **form.cleaned_data)
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{form.cleaned_data['name']}'s details are saved.")
        return HttpResponseRedirect(self.cohort_url(self.professional))


class ProfessionalRemoveView(ScopedProfessionalMixin, View):
    """Confirm, then take a professional off the cohort (refused once recorded present)."""

    template_name = "cohorts/coordinator/professional_remove.html"

    def get(self, request, pk):
        professional = self.get_professional()
        return render(
            request,
            self.template_name,
            {"professional": professional, "cohort": professional.delivery.cohort},
        )

    def post(self, request, pk):
        professional = self.get_professional()
        try:
            professional_remove(professional=professional)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{professional.name} is removed from {professional.delivery.cohort.name}."
            )
        return HttpResponseRedirect(self.cohort_url(professional))
