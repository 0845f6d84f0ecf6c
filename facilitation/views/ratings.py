"""CASCADE ratings: the facilitator's page of an engagement's rating rounds (open, close,
enter ratings given at the meeting) and the stakeholder's own page from their signed link.

The stakeholder's page says plainly what is wrong with a link that cannot be used (altered:
404; too old, or its stakeholder removed: 410) and changes nothing; a closed round shows the
ratings as given. The token in the URL is a credential: those pages are never stored nor
indexed (``core.http.personal_link_page``).
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from accounts.mixins import user_may_open
from core.actors import lazy_system_actor
from core.errors import LinkDomainError
from core.http import personal_link_page
from facilitation.forms_ratings import SCALE_HELP, CascadeRatingForm, LiveEntryForm
from facilitation.models import CascadeArea, RatingPoint
from facilitation.rating_links import RatingLinkExpired, RatingLinkInvalid, rating_request_for
from facilitation.selectors_ratings import rating_rounds_summary, request_scores
from facilitation.services.ratings import (
    cascade_ratings_enter,
    cascade_ratings_submit,
    rating_round_close,
    rating_round_open,
)
from facilitation.views.mixins import RUN, ScopedEngagementMixin

RATE_TEMPLATE = "facilitation/ratings/rate.html"
UNAVAILABLE_TEMPLATE = "facilitation/ratings/unavailable.html"


def _ratings_url(engagement) -> str:
    return reverse("facilitation:ratings", args=[engagement.pk])


class RatingsView(ScopedEngagementMixin, View):
    """An engagement's two rating rounds: who was asked, how many have rated, and the
    buttons to open and close them; a form to enter ratings given at the meeting."""

    permission_required = RUN
    template_name = "facilitation/ratings/rounds.html"

    def get(self, request, pk, form=None):
        engagement = self.get_engagement()
        rounds = rating_rounds_summary(engagement=engagement)
        open_rounds = [r for r in rounds if r["round"] and r["round"].is_open]
        if form is None and open_rounds:
            form = LiveEntryForm(stakeholders=engagement.stakeholders.exclude(email=""))
        context = {
            "engagement": engagement,
            "rounds": rounds,
            "open_round": open_rounds[-1] if open_rounds else None,
            "form": form,
            "scale_help": SCALE_HELP,
            "can_run": user_may_open(request.user, RoundOpenView),
        }
        return render(request, self.template_name, context)


class RoundOpenView(ScopedEngagementMixin, View):
    """POST: open the round of the URL's time point; each stakeholder is emailed their link."""

    permission_required = RUN
    http_method_names = ["post"]

    def post(self, request, pk, point):
        engagement = self.get_engagement()
        if point not in RatingPoint.values:
            raise Http404
        try:
            round_ = rating_round_open(engagement=engagement, point=point, actor=request.user)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            asked = round_.requests.count()
            messages.success(
                request,
                f"The {round_.get_point_display().lower()} ratings are open: {asked} "
                f"stakeholder{'s' if asked != 1 else ''} will be emailed their link.",
            )
        return HttpResponseRedirect(_ratings_url(engagement))


class RoundCloseView(ScopedEngagementMixin, View):
    permission_required = RUN
    http_method_names = ["post"]

    def post(self, request, pk, point):
        engagement = self.get_engagement()
        round_ = get_object_or_404(engagement.rating_rounds, point=point)
        try:
            rating_round_close(rating_round=round_, actor=request.user)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The {round_.get_point_display().lower()} ratings closed.")
        return HttpResponseRedirect(_ratings_url(engagement))


class LiveEntryView(RatingsView):
    """POST: a facilitator enters the ratings a stakeholder gave at the meeting, into the
    open round of the URL's time point."""

    http_method_names = ["post"]

    def post(self, request, pk, point):
        engagement = self.get_engagement()
        round_ = get_object_or_404(engagement.rating_rounds, point=point)
        form = LiveEntryForm(request.POST, stakeholders=engagement.stakeholders.exclude(email=""))
        if not form.is_valid():
            messages.error(request, "Nothing was saved: correct the ratings below.")
            return self.get(request, pk, form=form)
        stakeholder = form.cleaned_data["stakeholder"]
        try:
            cascade_ratings_enter(
                rating_round=round_,
                stakeholder=stakeholder,
                scores=form.scores(),
                actor=request.user,
            )
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{stakeholder.name}'s ratings are saved.")
        return HttpResponseRedirect(_ratings_url(engagement))


def stakeholder_actor():
    """Whose change a stakeholder's ratings are (looked up per request, never cached)."""
    return lazy_system_actor("facilitation.rating-link", "Stakeholder, by their rating link")


class RateView(View):
    """A stakeholder rates the seven CASCADE areas from their own link (no login)."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.rating_request = rating_request_for(token=kwargs["token"])
        except (RatingLinkInvalid, RatingLinkExpired) as error:
            status = 404 if error.code == "tampered" else 410
            page = render(request, UNAVAILABLE_TEMPLATE, {"error": error}, status=status)
            return personal_link_page(page)
        return personal_link_page(super().dispatch(request, *args, **kwargs))

    def page(self, form, *, status: int = 200):
        rating_request = self.rating_request
        context = {
            "rating_request": rating_request,
            "engagement": rating_request.round.engagement,
            "point": rating_request.round.get_point_display(),
            "closed": not rating_request.round.is_open,
            "form": form,
            "scale_help": SCALE_HELP,
            "areas": CascadeArea.choices,
        }
        return render(self.request, RATE_TEMPLATE, context, status=status)

    def get(self, request, token):
        scores = request_scores(request=self.rating_request)
        return self.page(CascadeRatingForm(scores=scores))

    def post(self, request, token):
        form = CascadeRatingForm(request.POST)
        if not self.rating_request.round.is_open:
            form = CascadeRatingForm(scores=request_scores(request=self.rating_request))
            return self.page(form, status=410)
        if not form.is_valid():
            return self.page(form)
        try:
            cascade_ratings_submit(
                request=self.rating_request, scores=form.scores(), actor=stakeholder_actor()
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.page(form, status=409)
        messages.success(
            request,
            "Thank you: your ratings are saved. You can change them with this link until the "
            "facilitator closes the ratings.",
        )
        return HttpResponseRedirect(request.path)
