"""Coordinators' cohort pages. Every queryset is narrowed to the user's scope
(``self.scope``, accounts.scoping), so a cohort or place outside it is a 404; every change
goes through a service, whose refusal is shown as an error message."""

import copy
import csv

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from accounts.roles import ACT_FOR_SCHOOLS
from cohorts.filters import CohortFilter
from cohorts.forms import (
    CohortForm,
    CoordinatorMoveForm,
    PlaceCancelForm,
    ProfessionalForm,
    WorkshopForm,
)
from cohorts.models import ACTIVE_PLACE_STATUSES, CancelReason, Cohort, CohortStatus, PlaceStatus
from cohorts.selectors import (
    cohort_detail,
    cohorts_in_scope,
    local_authorities_in_scope,
    mhst_areas_in_scope,
    phases_in_scope,
    place_move_targets,
    places_in_scope,
    professionals_in_scope,
)
from cohorts.services.cohorts import (
    cohort_cancel,
    cohort_create,
    cohort_mark_completed,
    cohort_mark_running,
    cohort_open_for_booking,
    cohort_update,
)
from cohorts.services.links import booking_link_path
from cohorts.services.places import booking_closed, place_cancel, place_move
from core.audit import history_of
from core.errors import LinkDomainError
from core.spreadsheets import private_download, spreadsheet_safe
from workshops.models import Workshop, WorkshopDay
from workshops.services import (
    WorkshopDetails,
    attendance_mark_day,
    professional_add,
    professional_remove,
    professional_update,
    workshop_days_save,
)

MANAGE = "accounts.manage_cohorts"
RUN = "accounts.run_cohorts"


class ScopedCohortMixin(CoordinatorRequiredMixin):
    """``self.cohort``: the cohort of the URL, if the user's scope covers it, else 404."""

    permission_required = MANAGE

    def get_cohort(self):
        return get_object_or_404(cohorts_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def cohort_url(self, cohort) -> str:
        return reverse("cohorts:detail", kwargs={"pk": cohort.pk})


class CohortListView(CoordinatorRequiredMixin, ListView):
    permission_required = RUN
    template_name = "cohorts/coordinator/cohort_list.html"
    context_object_name = "cohorts"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = CohortFilter(
            self.request.GET or None,
            queryset=cohorts_in_scope(scope=self.scope).order_by("day_1_date", "name"),
            scope=self.scope,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, query_string=query.urlencode())
        return context


class CohortDetailView(ScopedCohortMixin, DetailView):
    """Roster, places left, offers, waiting list, professionals, attendance, booking links."""

    permission_required = RUN
    template_name = "cohorts/coordinator/cohort_detail.html"
    context_object_name = "cohort"

    def get_object(self, queryset=None):
        return self.get_cohort()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can = cohort_page_actions(self.request.user)
        detail = cohort_detail(cohort=self.object)
        if self.request.user.has_perm("accounts.view_audit"):
            context["history"] = history_of(self.object)
        today = timezone.localdate()
        for workshop in detail["workshops"]:
            workshop.can_mark = workshop.date <= today and self.object.status not in (
                CohortStatus.PLANNED,
                CohortStatus.CANCELLED,
            )
        # A booking link acts for its school without a login: made only for those who may.
        if can["booking_links"]:
            schools = [*detail["roster"], *detail["offered"], *detail["waiting"]]
            for row in schools:
                row.booking_link = self.request.build_absolute_uri(
                    booking_link_path(establishment=row.establishment)
                )
            for establishment in detail["planned"]:
                establishment.booking_link = self.request.build_absolute_uri(
                    booking_link_path(establishment=establishment)
                )
        # The transitions this cohort's status allows, those the user may make.
        context["cohort_actions"] = [
            {
                "url": reverse(f"cohorts:{action.name}", args=[self.object.pk]),
                "label": action.label,
                "style": action.style,
                "confirm": action.confirm,
            }
            for action in self.object.next_actions
            if can[action.name]
        ]
        context.update(detail, can=can)
        return context


class CohortFormMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE
    template_name = "cohorts/coordinator/cohort_form.html"
    form_class = CohortForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            phases=phases_in_scope(scope=self.scope),
            local_authorities=local_authorities_in_scope(scope=self.scope),
            mhst_areas=mhst_areas_in_scope(scope=self.scope),
        )
        return kwargs


class CohortCreateView(CohortFormMixin, FormView):
    def form_valid(self, form):
        data = form.cleaned_data
        try:
            cohort = cohort_create(
                phase=data["phase"],
                name=data["name"],
                local_authority=data["local_authority"],
                mhst_area=data["mhst_area"],
                capacity=data["capacity"],
                format=data["format"],
                venue_name=data["venue_name"],
                venue_address=data["venue_address"],
                joining_link=data["joining_link"],
                facilitators=data["facilitators"],
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{cohort.name} is planned. Now set its workshop days.")
        return HttpResponseRedirect(reverse("cohorts:workshops", kwargs={"pk": cohort.pk}))


class CohortUpdateView(CohortFormMixin, ScopedCohortMixin, FormView):
    def get_form_kwargs(self):
        self.cohort = self.get_cohort()
        # The form writes its cleaned data into its instance: give it a copy; the service
        # saves the change.
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(self.cohort),
            "seats_taken": self.cohort.seats_taken,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cohort": self.cohort}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            cohort_update(
                cohort=self.cohort,
                name=data["name"],
                local_authority=data["local_authority"],
                mhst_area=data["mhst_area"],
                format=data["format"],
                venue_name=data["venue_name"],
                venue_address=data["venue_address"],
                joining_link=data["joining_link"],
                facilitators=data["facilitators"],
                capacity=data["capacity"],
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The cohort is saved.")
        return HttpResponseRedirect(self.cohort_url(self.cohort))


class WorkshopsEditView(ScopedCohortMixin, View):
    """Both workshop days on one form; warnings (under four weeks apart) shown after saving."""

    template_name = "cohorts/coordinator/workshops_form.html"

    def forms(self, cohort, data=None):
        existing = {w.day: w for w in Workshop.objects.filter(cohort=cohort)}
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
            form = WorkshopForm(data, prefix=f"day{day.value}", initial=initial)
            form.day = day
            forms.append(form)
        return forms

    def render(self, cohort, forms):
        return render(self.request, self.template_name, {"cohort": cohort, "forms": forms})

    def get(self, request, pk):
        cohort = self.get_cohort()
        return self.render(cohort, self.forms(cohort))

    def post(self, request, pk):
        cohort = self.get_cohort()
        forms = self.forms(cohort, request.POST)
        if not all(form.is_valid() for form in forms):
            return self.render(cohort, forms)
        day_1, day_2 = (WorkshopDetails(**form.cleaned_data) for form in forms)
        try:
            warnings = workshop_days_save(cohort=cohort, day_1=day_1, day_2=day_2)
        except LinkDomainError as error:
            forms[0].add_error(None, error.message)
            return self.render(cohort, forms)
        for warning in warnings:
            messages.warning(request, warning)
        messages.success(request, "The workshop days are saved.")
        return HttpResponseRedirect(self.cohort_url(cohort))


class CohortTransitionView(ScopedCohortMixin, View):
    """POST only: move a cohort on (``cohorts.models.COHORT_TRANSITIONS``) through its
    service. Each transition is a subclass naming its service and what it tells the user."""

    http_method_names = ["post"]
    service = None
    done = ""

    def post(self, request, pk):
        cohort = self.get_cohort()
        try:
            result = self.service(cohort=cohort)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            for warning in result if isinstance(result, list) else []:
                messages.warning(request, warning)
            messages.success(request, self.done.format(name=cohort.name))
        return HttpResponseRedirect(self.cohort_url(cohort))


class CohortOpenView(CohortTransitionView):
    service = staticmethod(cohort_open_for_booking)
    done = "{name} is open for booking."


class CohortStartView(CohortTransitionView):
    service = staticmethod(cohort_mark_running)
    done = "{name} is running."


class CohortCompleteView(CohortTransitionView):
    service = staticmethod(cohort_mark_completed)
    done = "{name} is completed."


class AttendanceView(ScopedCohortMixin, View):
    """The register of one workshop day: ticked = present, unticked = absent."""

    permission_required = RUN

    def post(self, request, pk, day):
        cohort = self.get_cohort()
        workshop = get_object_or_404(Workshop, cohort=cohort, day=day)
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
        messages.success(self.request, f"{form.cleaned_data['name']} is added.")
        return HttpResponseRedirect(self.cohort_url(cohort))


class CohortCancelView(ScopedCohortMixin, View):
    """Cancel a cohort, after a confirmation page that says what it does: every place not
    yet completed is cancelled and those schools are emailed (``cohort_cancel``)."""

    template_name = "cohorts/coordinator/cohort_cancel.html"

    def get(self, request, pk):
        cohort = self.get_cohort()
        if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
            messages.error(
                request, f"{cohort.name} is {cohort.get_status_display().lower()} already."
            )
            return HttpResponseRedirect(self.cohort_url(cohort))
        affected = cohort.places.filter(status__in=ACTIVE_PLACE_STATUSES).exclude(
            status=PlaceStatus.COMPLETED
        )
        return render(
            request,
            self.template_name,
            {"cohort": cohort, "affected": affected.select_related("establishment")},
        )

    def post(self, request, pk):
        cohort = self.get_cohort()
        try:
            cohort_cancel(cohort=cohort)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            told = cohort.places.filter(cancel_reason=CancelReason.COHORT_CANCELLED).count()
            messages.success(
                request,
                f"{cohort.name} is cancelled. "
                + (
                    f"{told} school{'s' if told != 1 else ''} holding a place or on the waiting "
                    "list will be told by email."
                    if told
                    else "No school held a place on it."
                ),
            )
        return HttpResponseRedirect(self.cohort_url(cohort))


class ScopedProfessionalMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE

    def get_professional(self):
        return get_object_or_404(professionals_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def cohort_url(self, professional) -> str:
        return reverse("cohorts:detail", kwargs={"pk": professional.cohort_id})


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
            "cohort": self.professional.cohort,
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
            {"professional": professional, "cohort": professional.cohort},
        )

    def post(self, request, pk):
        professional = self.get_professional()
        try:
            professional_remove(professional=professional)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{professional.name} is removed from {professional.cohort.name}."
            )
        return HttpResponseRedirect(self.cohort_url(professional))


class ScopedPlaceMixin(CoordinatorRequiredMixin):
    # Moving or cancelling a place is what a school's booking link does: the same permission.
    permission_required = ACT_FOR_SCHOOLS

    def get_place(self):
        places = places_in_scope(scope=self.scope).select_related(
            "establishment__la",
            "establishment__mhst_area",
            "cohort__phase",
            "cohort__local_authority",
            "cohort__mhst_area",
        )
        return get_object_or_404(places, pk=self.kwargs["pk"])


class PlaceMoveView(ScopedPlaceMixin, FormView):
    """Move a booked place: the cohorts in the school's own area first; one outside it only
    once the coordinator confirms the school will attend there."""

    template_name = "cohorts/coordinator/place_move.html"
    form_class = CoordinatorMoveForm

    def get_form_kwargs(self):
        self.place = self.get_place()
        self.own_area, self.other_areas = place_move_targets(
            scope=self.scope, place=self.place, today=timezone.localdate()
        )
        # The ids Django gives a radio group's buttons, so the error summary links to the first.
        for index, cohort in enumerate(self.own_area + self.other_areas):
            cohort.radio_id = f"id_cohort_{index}"
        targets = Cohort.objects.filter(pk__in=[c.pk for c in self.own_area + self.other_areas])
        return {**super().get_form_kwargs(), "cohorts": targets}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "place": self.place,
            "own_area": self.own_area,
            "other_areas": self.other_areas,
        }

    def form_valid(self, form):
        to_cohort = form.cleaned_data["cohort"]
        try:
            place_move(
                place=self.place,
                to_cohort=to_cohort,
                outside_area=form.cleaned_data["outside_area"],
            )
        except LinkDomainError as error:
            form.add_error("outside_area" if error.code == "outside_area" else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.place.establishment.name} moved to {to_cohort}.")
        return HttpResponseRedirect(reverse("cohorts:detail", kwargs={"pk": to_cohort.pk}))


class PlaceCancelView(ScopedPlaceMixin, FormView):
    """Cancel a place, or take a school off the waiting list, after a page that says what
    happens and asks why (kept with the place: the cohort page, its history, the CSV)."""

    template_name = "cohorts/coordinator/place_cancel.html"
    form_class = PlaceCancelForm
    cancellable = (PlaceStatus.BOOKED, PlaceStatus.WAITING, PlaceStatus.OFFERED)

    def get(self, request, *args, **kwargs):
        self.place = self.get_place()
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.place = self.get_place()
        return self.refused() or super().post(request, *args, **kwargs)

    def refused(self) -> HttpResponseRedirect | None:
        """Back to the cohort, saying why, when the place is past cancelling."""
        if self.place.status in self.cancellable:
            return None
        messages.error(
            self.request,
            f"{self.place.establishment.name}'s place cannot be cancelled: it is "
            f"{self.place.get_status_display().lower()}.",
        )
        return HttpResponseRedirect(self.cohort_url())

    def cohort_url(self) -> str:
        return reverse("cohorts:detail", kwargs={"pk": self.place.cohort_id})

    def get_context_data(self, **kwargs):
        cohort = self.place.cohort
        return {
            **super().get_context_data(**kwargs),
            "place": self.place,
            "cohort": cohort,
            "waiting_count": cohort.places.filter(status=PlaceStatus.WAITING).count(),
            "booking_closed": booking_closed(cohort, today=timezone.localdate()),
        }

    def form_valid(self, form):
        place = self.place
        try:
            place_cancel(
                place=place, reason=CancelReason.BY_COORDINATOR, note=form.cleaned_data["reason"]
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        if place.status == PlaceStatus.WAITING:
            done = f"{place.establishment.name} is off the waiting list."
        else:
            done = f"{place.establishment.name}'s place is cancelled."
        messages.success(self.request, done)
        return HttpResponseRedirect(self.cohort_url())


def _local_date(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


class RosterCsvView(ScopedCohortMixin, View):
    """The roster, offers, waiting list and cancelled places as CSV, with attendance by day
    and, for a cancelled place, when, why and by whom."""

    def get(self, request, pk):
        cohort = self.get_cohort()
        detail = cohort_detail(cohort=cohort)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        private_download(response, f"cohort-{cohort.pk}-roster.csv")
        writer = csv.writer(response)
        writer.writerow(
            [
                "URN",
                "Establishment",
                "Local authority",
                "Postcode",
                "Status",
                "Waiting position",
                "Attendee",
                "Role",
                "Email",
                "Phone",
                "Access needs",
                "Workshop 1",
                "Workshop 2",
                "Completed on",
                "Cancelled on",
                "Cancellation reason",
                "Reason given",
                "Cancelled by",
            ]
        )
        present = {True: "present", False: "absent", None: ""}
        for number, place in enumerate(detail["waiting"], start=1):
            place.days, place.rank = [None, None], number
        places = [*detail["roster"], *detail["offered"], *detail["waiting"], *detail["cancelled"]]
        for place in places:
            days = [*getattr(place, "days", []), None, None][:2]
            writer.writerow(
                spreadsheet_safe(value)
                for value in (
                    place.establishment.urn,
                    place.establishment.name,
                    place.establishment.la.name if place.establishment.la else "",
                    place.establishment.postcode,
                    place.get_status_display(),
                    getattr(place, "rank", ""),
                    place.attendee_name,
                    place.attendee_role,
                    place.attendee_email,
                    place.attendee_phone,
                    place.access_needs,
                    present[days[0]],
                    present[days[1]],
                    place.completed_on.isoformat() if place.completed_on else "",
                    _local_date(place.cancelled_at),
                    place.get_cancel_reason_display(),
                    place.cancel_note,
                    getattr(place, "cancelled_by", ""),
                )
            )
        return response


#: The cohort page's buttons and the views they lead to.
COHORT_PAGE_ACTIONS = {
    "edit": CohortUpdateView,
    "workshops": WorkshopsEditView,
    "add_professional": ProfessionalAddView,
    "roster_csv": RosterCsvView,
    "open": CohortOpenView,
    "start": CohortStartView,
    "complete": CohortCompleteView,
    "cancel": CohortCancelView,
    "mark_attendance": AttendanceView,
    "edit_professional": ProfessionalEditView,
    "remove_professional": ProfessionalRemoveView,
    "move_place": PlaceMoveView,
    "cancel_place": PlaceCancelView,
}


def cohort_page_actions(user) -> dict[str, bool]:
    """What the cohort page offers ``user``, worked out once: a button is shown only when the
    view it leads to lets the user in (``user_may_open``), so the two cannot disagree; booking
    links only to users who may act for a school (``ACT_FOR_SCHOOLS``)."""
    can = {name: user_may_open(user, view) for name, view in COHORT_PAGE_ACTIONS.items()}
    can["booking_links"] = user.has_perm(ACT_FOR_SCHOOLS)
    can["manage"] = any(
        can[name]
        for name in (
            "edit",
            "workshops",
            "add_professional",
            "roster_csv",
            "open",
            "start",
            "complete",
            "cancel",
        )
    )
    can["place_actions"] = can["booking_links"] or can["move_place"] or can["cancel_place"]
    return can
