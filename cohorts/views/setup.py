"""The set-up table: the workshop days, times, venue and facilitators of every cohort of one
phase and area on one form, saved and (where ticked) opened for booking in one submission
(``cohorts.services.setup``). "Copy" fills the other rows from one row, without saving.

Only cohorts in the user's own areas are listed or accepted (accounts.scoping): a facilitator
who also runs a cohort elsewhere does not manage it here.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.forms_setup import COPIED_FIELDS, SetUpAreaForm, SetUpFormSet
from cohorts.models import Cohort
from cohorts.rules import WorkshopDay
from cohorts.selectors import local_authorities_in_scope, mhst_areas_in_scope, phases_in_scope
from cohorts.services.setup import SET_UP_STATUSES, CohortSetUp, SetUpError, cohorts_set_up
from cohorts.views.mixins import MANAGE

#: A new cohort's workshop hours, as on the workshop days page.
DEFAULT_HOURS = ("09:30", "16:00")


def set_up_url(*, phase, area_key: str) -> str:
    """The table of ``phase``'s cohorts in the area of the planning helper's ``area_key``."""
    return f"{reverse('cohorts:set-up')}?{urlencode({'phase': phase.pk, 'area': area_key})}"


class SetUpMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE
    template_name = "cohorts/coordinator/set_up.html"

    def area_form(self):
        """The phase and area of the query string; an area or phase outside the user's scope
        is a 404, as anything outside it is everywhere."""
        query = self.request.GET
        # From the cohort list a phase may come alone: a choice made, not yet a request.
        form = SetUpAreaForm(
            query if "area" in query else None,
            initial={"phase": query.get("phase")},
            phases=phases_in_scope(scope=self.scope),
            local_authorities=local_authorities_in_scope(scope=self.scope),
            mhst_areas=mhst_areas_in_scope(scope=self.scope),
        )
        if form.is_bound and not form.is_valid():
            area = self.request.GET.get("area", "")
            if area and area not in form.local_authorities and area not in form.mhst_areas:
                raise Http404("No such area in your scope.")
            if "phase" in form.errors and self.request.GET.get("phase"):
                raise Http404("No such phase in your scope.")
        return form

    def cohorts(self, area_form) -> dict[int, Cohort]:
        """The phase and area's cohorts whose set-up can change, in the user's own areas."""
        queryset = Cohort.objects.filter(
            phase=area_form.cleaned_data["phase"],
            status__in=SET_UP_STATUSES,
            **area_form.area_filter(),
        )
        queryset = (
            self.scope.apply(queryset, la="local_authority", mhst_area="mhst_area")
            .select_related("delivery", "local_authority", "mhst_area")
            .prefetch_related("facilitators", "delivery__workshops")
            .order_by("name", "pk")
        )
        return {cohort.pk: cohort for cohort in queryset}

    @staticmethod
    def initial(cohort) -> dict:
        days = {w.day: w for w in cohort.delivery.workshops.all()}
        first = days.get(WorkshopDay.DAY_1)
        second = days.get(WorkshopDay.DAY_2)
        return {
            "cohort": cohort.pk,
            "day_1": first.date if first else None,
            "day_2": second.date if second else None,
            "start_time": first.start_time if first else DEFAULT_HOURS[0],
            "end_time": first.end_time if first else DEFAULT_HOURS[1],
            "venue_name": cohort.venue_name,
            "venue_address": " ".join(cohort.venue_address.split()),
            "facilitators": ", ".join(sorted(u.get_username() for u in cohort.facilitators.all())),
            "open": False,
        }

    def render_page(self, area_form, formset=None, cohorts=None, errors=None):
        rows = []
        if formset is not None:
            for index, form in enumerate(formset.forms):
                pk = form["cohort"].value()
                cohort = cohorts.get(int(pk)) if str(pk).isdigit() else None
                rows.append(
                    {
                        "number": index + 1,
                        "form": form,
                        "cohort": cohort,
                        "errors": (errors or {}).get(index + 1, []),
                    }
                )
        context = {
            "area_form": area_form,
            "formset": formset,
            "rows": rows,
            "row_errors": errors or {},
            "has_errors": bool(errors)
            or bool(formset is not None and formset.is_bound and (formset.total_error_count())),
            "query": self.request.GET.urlencode(),
        }
        if formset is not None:
            context.update(phase=area_form.cleaned_data["phase"], area_name=area_form.area_name())
        return render(self.request, self.template_name, context)


class CohortSetUpView(SetUpMixin, View):
    """GET: the table (or, first, which phase and area); POST: save it all, or nothing."""

    def get(self, request):
        area_form = self.area_form()
        if not area_form.is_bound or not area_form.is_valid():
            return self.render_page(area_form)
        cohorts = self.cohorts(area_form)
        formset = SetUpFormSet(initial=[self.initial(c) for c in cohorts.values()], cohorts=cohorts)
        return self.render_page(area_form, formset, cohorts)

    def post(self, request):
        area_form = self.area_form()
        if not area_form.is_valid():
            return self.render_page(area_form)
        cohorts = self.cohorts(area_form)
        formset = SetUpFormSet(request.POST, cohorts=cohorts)
        if not formset.is_valid():
            return self.render_page(area_form, formset, cohorts)
        set_ups = [
            CohortSetUp(
                row=number,
                cohort=cohorts[data["cohort"]],
                day_1=data["day_1"],
                day_2=data["day_2"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                venue_name=data["venue_name"].strip(),
                venue_address=data["venue_address"].strip(),
                facilitators=data["facilitator_users"],
                open=data["open"],
                reason=" ".join(data["reason"].split()),
            )
            for number, data in enumerate(formset.cleaned_data, start=1)
        ]
        try:
            result = cohorts_set_up(set_ups=set_ups, scope=self.scope, actor=request.user)
        except SetUpError as error:
            return self.render_page(area_form, formset, cohorts, errors=error.errors)
        for warnings in result.warnings.values():
            for warning in warnings:
                messages.warning(request, warning)
        text = f"{result.saved} cohort{'s' if result.saved != 1 else ''} set up."
        if result.opened:
            text += f" Open for booking: {', '.join(result.opened)}."
        messages.success(request, text)
        return HttpResponseRedirect(f"{reverse('cohorts:set-up')}?{request.GET.urlencode()}")


class CohortSetUpCopyView(SetUpMixin, View):
    """POST only: the table as typed, with one row's times, venue and facilitators copied to
    every other row; nothing is saved until the table is."""

    http_method_names = ["post"]

    def post(self, request):
        area_form = self.area_form()
        if not area_form.is_valid():
            return self.render_page(area_form)
        cohorts = self.cohorts(area_form)
        posted = SetUpFormSet(request.POST, cohorts=cohorts)
        typed = [
            {name: form[name].value() for name in form.fields}
            for form in posted.forms
            if str(form["cohort"].value()).isdigit() and int(form["cohort"].value()) in cohorts
        ]
        try:
            source = typed[int(request.POST.get("copy_from", "")) - 1]
        except (ValueError, IndexError):
            source = None
        if source is not None:
            for row in typed:
                row.update({name: source[name] for name in COPIED_FIELDS})
            messages.info(
                request,
                f"Row {request.POST['copy_from']}'s times, venue and facilitators are copied to "
                "every row. Nothing is saved yet: check the table and save it.",
            )
        formset = SetUpFormSet(initial=typed, cohorts=cohorts)
        return self.render_page(area_form, formset, cohorts)
