"""Engagement pages: the list, an engagement's page, opening and correcting one, and moving
it along its path. Querysets are narrowed to the user's scope; writes go through services."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views import View
from django.views.generic import FormView, ListView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from core.audit import history_of
from core.errors import LinkDomainError
from facilitation.forms import EngagementForm, ReasonForm, StakeholderForm
from facilitation.models import MOVES, Stage
from facilitation.selectors import area_choices, engagement_detail, engagements_in_scope
from facilitation.selectors_ratings import rating_rounds_summary
from facilitation.services.engagements import engagement_move, engagement_open, engagement_update
from facilitation.services.stakeholders import StakeholderDetails, stakeholder_add
from facilitation.views.mixins import MANAGE, RUN, ScopedEngagementMixin


class EngagementListView(CoordinatorRequiredMixin, ListView):
    permission_required = RUN
    template_name = "facilitation/engagement_list.html"
    context_object_name = "engagements"
    paginate_by = 50

    def get_queryset(self):
        queryset = engagements_in_scope(scope=self.scope).order_by("name", "pk")
        stage = self.request.GET.get("stage")
        if stage in Stage.values:
            queryset = queryset.filter(stage=stage)
        return queryset

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "stages": Stage.choices,
            "stage": self.request.GET.get("stage", ""),
            "can_open": user_may_open(self.request.user, EngagementCreateView),
        }


class EngagementCreateView(CoordinatorRequiredMixin, FormView):
    """Open an engagement for one area, naming its facilitators and, optionally, the
    area's lead contact."""

    permission_required = MANAGE
    template_name = "facilitation/engagement_form.html"
    form_class = EngagementForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **area_choices(scope=self.scope)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead_form"] = kwargs.get("lead_form") or StakeholderForm(prefix="lead")
        return context

    def form_valid(self, form):
        lead_form = StakeholderForm(self.request.POST, prefix="lead")
        wants_lead = any(self.request.POST.get(f"lead-{n}") for n in ("name", "email"))
        if wants_lead and not lead_form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, lead_form=lead_form))
        data = form.cleaned_data
        try:
            engagement = engagement_open(
                name=data["name"],
                local_authority=data["local_authority"],
                mhst_area=data["mhst_area"],
                icb=data["icb"],
                facilitators=data["facilitators"],
                joining_link=data["joining_link"],
                actor=self.request.user,
            )
            if wants_lead:
                lead = {**lead_form.cleaned_data, "is_lead": True}
                stakeholder_add(
                    engagement=engagement,
                    details=StakeholderDetails(**lead),
                    actor=self.request.user,
                )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{engagement.name} is open, as requested.")
        return HttpResponseRedirect(ScopedEngagementMixin.engagement_url(engagement))


class EngagementDetailView(ScopedEngagementMixin, View):
    """Where it is, what is next, what is overdue; its people, meetings and history."""

    permission_required = RUN
    template_name = "facilitation/engagement_detail.html"

    def get(self, request, pk):
        engagement = self.get_engagement()
        from facilitation.views import ACTIONS  # the views the page's buttons lead to

        can = {name: user_may_open(request.user, view) for name, view in ACTIONS.items()}
        context = {
            "engagement": engagement,
            **engagement_detail(engagement=engagement),
            "can": can,
            "moves": engagement.next_moves if can["move"] else [],
            "rating_rounds": rating_rounds_summary(engagement=engagement),
        }
        if request.user.has_perm("accounts.view_audit"):
            context["history"] = history_of(engagement)
        return render(request, self.template_name, context)


class EngagementUpdateView(ScopedEngagementMixin, FormView):
    template_name = "facilitation/engagement_form.html"
    form_class = EngagementForm

    def get_form_kwargs(self):
        self.engagement = self.get_engagement()
        kwargs = {**super().get_form_kwargs(), **area_choices(scope=self.scope), "editing": True}
        kwargs["initial"] = {
            "name": self.engagement.name,
            "joining_link": self.engagement.joining_link,
            "facilitators": list(self.engagement.facilitators.all()),
        }
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "engagement": self.engagement}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            engagement_update(
                engagement=self.engagement,
                name=data["name"],
                facilitators=data["facilitators"],
                joining_link=data["joining_link"],
                actor=self.request.user,
            )
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, "The engagement is saved.")
        return HttpResponseRedirect(self.engagement_url(self.engagement))


class EngagementMoveView(ScopedEngagementMixin, View):
    """One move of an engagement (``facilitation.models.MOVES``, named in the URL's
    configuration): a POST; a move that needs a reason asks for it on a page first."""

    move = ""
    template_name = "facilitation/engagement_move.html"

    def _render(self, engagement, form):
        context = {"engagement": engagement, "move": MOVES[self.move], "form": form}
        return render(self.request, self.template_name, context)

    def get(self, request, pk):
        engagement = self.get_engagement()
        if not MOVES[self.move].needs_reason:
            raise Http404
        return self._render(engagement, ReasonForm())

    def post(self, request, pk):
        engagement = self.get_engagement()
        reason = ""
        if MOVES[self.move].needs_reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return self._render(engagement, form)
            reason = form.cleaned_data["reason"]
        try:
            engagement = engagement_move(
                engagement=engagement, move=self.move, reason=reason, actor=request.user
            )
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{engagement.name} is now {engagement.get_stage_display().lower()}."
            )
        return HttpResponseRedirect(self.engagement_url(engagement))
