"""Coordinators' cohort pages: the list, a cohort's page, planning and editing one, moving it
on (open, start, complete) and cancelling it. Every queryset is narrowed to the user's scope
(``self.scope``, accounts.scoping), so anything outside it is a 404; every change goes
through a service, whose refusal is shown as an error message."""

import copy

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from accounts.roles import ACT_FOR_SCHOOLS
from cohorts.filters import CohortFilter
from cohorts.forms import (
    CohortForm,
)
from cohorts.models import (
    ACTIVE_PLACE_STATUSES,
    BOOKED_STATUSES,
    CancelReason,
    CohortStatus,
    PlaceStatus,
)
from cohorts.selectors import (
    cohort_detail,
    cohorts_in_scope,
    local_authorities_in_scope,
    mhst_areas_in_scope,
    phases_in_scope,
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
from cohorts.timeline import cohort_timeline
from cohorts.views.mixins import MANAGE, RUN, ScopedCohortMixin
from cohorts.views.places import PlaceBookByPhoneView, PlaceCancelView, PlaceMoveView
from cohorts.views.roster import RosterCsvView
from cohorts.views.sessions import (
    AttendanceView,
    ProfessionalAddView,
    ProfessionalEditView,
    ProfessionalRemoveView,
    WorkshopsEditView,
)
from core.audit import history_of
from core.errors import LinkDomainError
from workshops.selectors import venues_in_scope, venues_of_area


def cohort_directory_venues(*, scope, cohort):
    """The directory venues of ``cohort``'s area that ``scope`` sees, by name."""
    return venues_of_area(
        scope=scope,
        local_authority_id=cohort.local_authority_id,
        mhst_area_id=cohort.mhst_area_id,
    ).order_by("name", "pk")


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
        booked = sum(place.status in BOOKED_STATUSES for place in detail["roster"])
        timeline = cohort_timeline(
            cohort=self.object,
            workshops=detail["workshops"],
            booked=booked,
            professionals=len(detail["professionals"]),
        )
        context.update(detail, can=can, timeline=timeline, today=today)
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
            venues=self.directory_venues(),
        )
        return kwargs

    def directory_venues(self):
        """A new cohort's area is not chosen yet: the venues of the user's areas (the first
        ``VENUES_OFFERED`` by name; any other can be typed)."""
        return venues_in_scope(scope=self.scope).order_by("name", "pk")[:VENUES_OFFERED]


#: At most this many directory venues are offered on a new cohort's form.
VENUES_OFFERED = 300


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
    def directory_venues(self):
        return cohort_directory_venues(scope=self.scope, cohort=self.cohort)

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
    "book_by_phone": PlaceBookByPhoneView,
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
