"""School staff's self-service pages, reached through a signed link and no login.

Every view resolves the link first (``BookingLinkMixin``): an altered link gets a 404 page
that says so, an expired one a page offering to ask for a new link. Responses carry
``Referrer-Policy: same-origin`` so the link never leaks to another site (a joining link,
say), are never stored and never indexed (``core.http.personal_link_page``).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from cohorts import conf
from cohorts.errors import BookingError, BookingLinkExpired, BookingLinkInvalid
from cohorts.forms import AttendeeForm, MoveForm
from cohorts.ics import place_calendar
from cohorts.models import SEAT_HOLDING_STATUSES, CancelReason, PlaceStatus
from cohorts.selectors import (
    cohorts_bookable_by,
    establishment_active_place,
    establishment_planned_cohort,
    place_waiting_rank,
)
from cohorts.services.links import booking_link_establishment, booking_link_request_new
from cohorts.services.places import (
    booking_last_day,
    offer_accept,
    offer_decline,
    place_book,
    place_cancel,
    place_change_attendee,
    place_move,
)
from cohorts.views.mixins import freed_seat
from core.http import personal_link_page


class BookingLinkMixin:
    """Resolves ``token`` to ``self.establishment`` (and its active place), or answers with
    the invalid-link (404) or expired-link (410) page."""

    #: Views that only make sense with an active place redirect home without one.
    needs_place = False

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.establishment = booking_link_establishment(token=self.token)
        except BookingLinkInvalid:
            return personal_link_page(
                render(request, "cohorts/public/link_invalid.html", status=404)
            )
        except BookingLinkExpired as expired:
            return personal_link_page(
                render(
                    request,
                    "cohorts/public/link_expired.html",
                    {"establishment": expired.establishment, "token": self.token},
                    status=410,
                )
            )
        self.place = establishment_active_place(establishment=self.establishment)
        if self.needs_place and self.place is None:
            return self.redirect_home()
        return personal_link_page(super().dispatch(request, *args, **kwargs))

    def home_url(self) -> str:
        return reverse("cohorts:book", kwargs={"token": self.token})

    def redirect_home(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(self.home_url())

    def bookable_cohorts(self):
        cohorts = list(
            cohorts_bookable_by(establishment=self.establishment, today=timezone.localdate())
        )
        for cohort in cohorts:
            cohort.last_day_to_book = booking_last_day(day_1=cohort.day_1_date)
        return cohorts

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(establishment=self.establishment, place=self.place, token=self.token)
        if self.place is not None:
            context["workshops"] = list(self.place.cohort.workshops.all())
        return context


class BookingHomeView(BookingLinkMixin, TemplateView):
    """The school's page: its place if it has one, else the cohorts it can book. The plan
    binds: a school planned into a cohort that is open for booking is offered that one first,
    and the other open cohorts of its area on request (a disclosure; booking one still works).
    A planned cohort not open yet is named, and the area's open cohorts are listed as before."""

    template_name = "cohorts/public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.place is None:
            cohorts = self.bookable_cohorts()
            planned = establishment_planned_cohort(establishment=self.establishment)
            offered = next((c for c in cohorts if planned and c.pk == planned.pk), None)
            context["planned_cohort"] = offered
            # Named when not open yet, or closed; a plan outside the school's area is not.
            if offered is None and planned is not None and planned.serves(self.establishment):
                context["planned_not_bookable"] = planned
            context["cohorts"] = [c for c in cohorts if c is not offered]
        else:
            context["waiting_rank"] = place_waiting_rank(place=self.place)
            context["has_seat"] = self.place.status in SEAT_HOLDING_STATUSES
            context["can_change"] = self.place.status in (
                PlaceStatus.BOOKED,
                PlaceStatus.WAITING,
                PlaceStatus.OFFERED,
            )
        return context


class BookCohortView(BookingLinkMixin, FormView):
    """One form: the attendee's details, then a place (or a waiting-list entry)."""

    template_name = "cohorts/public/book.html"
    form_class = AttendeeForm

    def get_cohort(self):
        for cohort in self.bookable_cohorts():
            if cohort.pk == self.kwargs["cohort_id"]:
                return cohort
        raise Http404("No such cohort open for booking in your area.")

    def get(self, request, *args, **kwargs):
        if self.place is not None:
            return self.redirect_home()
        self.cohort = self.get_cohort()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.place is not None:
            return self.redirect_home()
        self.cohort = self.get_cohort()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cohort"] = self.cohort
        context["workshops"] = list(self.cohort.workshops.all())
        context["offer_hours"] = int(conf.offer_duration().total_seconds() // 3600)
        return context

    def form_valid(self, form):
        try:
            place_book(
                establishment=self.establishment, cohort=self.cohort, attendee=form.attendee()
            )
        except BookingError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return HttpResponseRedirect(
            reverse("cohorts:book-confirmation", kwargs={"token": self.token})
        )


class ConfirmationView(BookingLinkMixin, TemplateView):
    """Shown after booking: both dates, and the calendar file."""

    template_name = "cohorts/public/confirmation.html"
    needs_place = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting_rank"] = place_waiting_rank(place=self.place)
        context["has_seat"] = self.place.status in SEAT_HOLDING_STATUSES
        return context


class CalendarView(BookingLinkMixin, View):
    """The two workshop days as an .ics file (for a place that holds a seat)."""

    needs_place = True

    def get(self, request, *args, **kwargs):
        if self.place.status not in SEAT_HOLDING_STATUSES:
            raise Http404("Only a booked place has workshop days to add to a calendar.")
        body = place_calendar(place=self.place, workshops=self.place.cohort.workshops.all())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="link-workshops.ics"'
        return response


class ChangeAttendeeView(BookingLinkMixin, FormView):
    template_name = "cohorts/public/attendee.html"
    form_class = AttendeeForm
    needs_place = True

    def get_initial(self):
        return AttendeeForm.initial_from(self.place)

    def form_valid(self, form):
        try:
            place_change_attendee(place=self.place, attendee=form.attendee())
        except BookingError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The attendee's details are saved.")
        return self.redirect_home()


class MovePlaceView(BookingLinkMixin, FormView):
    """Move a booked place to another cohort in the area that has places left."""

    template_name = "cohorts/public/move.html"
    form_class = MoveForm
    needs_place = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["cohorts"] = self.cohorts_with_room()
        return kwargs

    def cohorts_with_room(self):
        return (
            cohorts_bookable_by(establishment=self.establishment, today=timezone.localdate())
            .filter(places_left__gt=0, waiting_count=0)
            .exclude(pk=self.place.cohort_id)
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "seat": freed_seat(self.place.cohort)}

    def form_valid(self, form):
        try:
            place_move(place=self.place, to_cohort=form.cleaned_data["cohort"])
        except BookingError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Your place is now on {form.cleaned_data['cohort']}.")
        return HttpResponseRedirect(
            reverse("cohorts:book-confirmation", kwargs={"token": self.token})
        )


class CancelPlaceView(BookingLinkMixin, TemplateView):
    """Ask, then cancel the place (or leave the waiting list)."""

    template_name = "cohorts/public/cancel.html"
    needs_place = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "seat": freed_seat(self.place.cohort)}

    def post(self, request, *args, **kwargs):
        try:
            place_cancel(place=self.place, reason=CancelReason.BY_SCHOOL)
        except BookingError as error:
            messages.error(request, error.message)
            return self.redirect_home()
        messages.success(request, "Your place is cancelled. You can book another cohort below.")
        return self.redirect_home()


class OfferAnswerView(BookingLinkMixin, View):
    """POST only: answer the place offered from the waiting list. Each answer is a subclass
    naming its service and what it tells the school."""

    needs_place = True
    http_method_names = ["post"]
    service = None
    done = ""

    def post(self, request, *args, **kwargs):
        try:
            self.service(place=self.place)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done)
        return self.redirect_home()


class OfferAcceptView(OfferAnswerView):
    service = staticmethod(offer_accept)
    done = "The place is yours: see the dates below."


class OfferDeclineView(OfferAnswerView):
    service = staticmethod(offer_decline)
    done = "You declined the place. It goes to the next school."


class RequestNewLinkView(View):
    """From the expired-link page: record the request for a new link."""

    def post(self, request, token):
        try:
            booking_link_establishment(token=token)
        except BookingLinkExpired as expired:
            booking_link_request_new(establishment=expired.establishment)
            return personal_link_page(
                render(
                    request,
                    "cohorts/public/new_link_requested.html",
                    {"establishment": expired.establishment},
                )
            )
        except BookingLinkInvalid:
            return personal_link_page(
                render(request, "cohorts/public/link_invalid.html", status=404)
            )
        # The link still works: nothing to ask for.
        return HttpResponseRedirect(reverse("cohorts:book", kwargs={"token": token}))
