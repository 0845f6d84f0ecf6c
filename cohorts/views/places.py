"""A coordinator moving or cancelling a school's place. Every queryset is narrowed to the
user's scope (``self.scope``, accounts.scoping), so anything outside it is a 404; every
change goes through a service, whose refusal is shown as an error message."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from accounts.mixins import CoordinatorRequiredMixin
from accounts.roles import ACT_FOR_SCHOOLS
from cohorts.forms import (
    CoordinatorMoveForm,
    PlaceCancelForm,
)
from cohorts.models import CancelReason, Cohort, PlaceStatus
from cohorts.selectors import (
    place_move_targets,
    places_in_scope,
)
from cohorts.services.places import place_cancel, place_move
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
            "seat": freed_seat(cohort),
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
