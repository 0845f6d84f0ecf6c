"""A coordinator booking, moving or cancelling a school's place for it (by phone). Every
queryset is narrowed to the user's scope (``self.scope``, accounts.scoping), so anything outside
it is a 404; every change goes through a service, whose refusal is shown as an error message."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView

from accounts.mixins import CoordinatorRequiredMixin
from accounts.roles import ACT_FOR_SCHOOLS
from cohorts.forms import (
    CoordinatorMoveForm,
    PlaceCancelForm,
)
from cohorts.forms_phone import PhoneBookingForm
from cohorts.models import BOOKABLE_COHORT_STATUSES, Cohort, PlaceStatus
from cohorts.selectors import (
    cohorts_in_scope,
    phone_booking_schools,
    place_move_targets,
    places_in_scope,
)
from cohorts.services.phone import place_book_by_phone, place_cancel_by_phone, place_move_by_phone
from cohorts.services.places import booking_last_day
from cohorts.views.mixins import freed_seat
from core.errors import LinkDomainError


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
            "seat": freed_seat(self.place.cohort),
            "own_area": self.own_area,
            "other_areas": self.other_areas,
        }

    def form_valid(self, form):
        to_cohort = form.cleaned_data["cohort"]
        try:
            place_move_by_phone(
                place=self.place,
                to_cohort=to_cohort,
                outside_area=form.cleaned_data["outside_area"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            field = {"outside_area": "outside_area", "reason": "reason"}.get(error.code)
            form.add_error(field, error.message)
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
            "seat": freed_seat(cohort),
        }

    def form_valid(self, form):
        place = self.place
        try:
            place_cancel_by_phone(
                place=place,
                reason=form.cleaned_data["reason"],
                asked_by_school=form.cleaned_data["asked_by_school"],
                actor=self.request.user,
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


class PlaceBookByPhoneView(CoordinatorRequiredMixin, FormView):
    """Book a place on a cohort for a school that asked by phone (or email): the school, its
    attendee's details and why. The school gets the emails it would have had booking through
    its link; the place's history names the coordinator and the reason."""

    permission_required = ACT_FOR_SCHOOLS
    template_name = "cohorts/coordinator/place_book_phone.html"
    form_class = PhoneBookingForm

    @cached_property
    def cohort(self):
        """The cohort of the URL, if the user's scope covers it, else 404."""
        return get_object_or_404(cohorts_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        schools = phone_booking_schools(scope=self.scope, cohort=self.cohort)
        return {**super().get_form_kwargs(), "schools": schools}

    def get_context_data(self, **kwargs):
        cohort = self.cohort
        day_1 = cohort.day_1_date
        return {
            **super().get_context_data(**kwargs),
            "cohort": cohort,
            "last_day": booking_last_day(day_1=day_1) if day_1 else None,
            "full": cohort.places_left == 0 or cohort.waiting_count > 0,
            "bookable": cohort.status in BOOKABLE_COHORT_STATUSES,
        }

    def form_valid(self, form):
        school = form.cleaned_data["establishment"]
        try:
            place = place_book_by_phone(
                establishment=school,
                cohort=self.cohort,
                attendee=form.attendee(),
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error("reason" if error.code == "reason" else None, error.message)
            return self.form_invalid(form)
        if place.status == PlaceStatus.WAITING:
            done = f"{school.name} is on the waiting list for {self.cohort.name}."
        else:
            done = f"{school.name} has a place on {self.cohort.name}."
        messages.success(self.request, f"{done} {place.attendee_name} is sent the confirmation.")
        return HttpResponseRedirect(reverse("cohorts:detail", kwargs={"pk": self.cohort.pk}))
