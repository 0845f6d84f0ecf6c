"""Priorities, goals and actions: an engagement's goal board (and adding to it), the
national view of goals, and each owner's own page from their signed link (no login)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django.views.generic import ListView

from accounts.mixins import CoordinatorRequiredMixin, user_may_open
from core.actors import lazy_system_actor
from core.errors import LinkDomainError
from core.signed_links import LinkTampered
from facilitation.forms_plans import ActionForm, GoalForm, OwnerUpdateForm, PriorityForm
from facilitation.links import OWNER_LINK_MAX_AGE, OWNER_LINKS
from facilitation.models import CascadeArea, Goal, GoalStatus, Stakeholder
from facilitation.selectors import engagements_in_scope
from facilitation.selectors_plans import goal_board, goals_in_scope, goals_summary, owner_items
from facilitation.services.plans import (
    action_add,
    action_update,
    goal_add,
    goal_update,
    priority_add,
)
from facilitation.views.mixins import RUN, ScopedEngagementMixin


class GoalBoardView(ScopedEngagementMixin, View):
    permission_required = RUN
    template_name = "facilitation/goal_board.html"

    def get(self, request, pk):
        engagement = self.get_engagement()
        stakeholders = engagement.stakeholders.order_by("name")
        context = {
            "engagement": engagement,
            **goal_board(engagement=engagement),
            "can_plan": user_may_open(request.user, PlanAddView),
            "priority_form": PriorityForm(meetings=engagement.meetings.select_related("workshop")),
            "goal_form": GoalForm(
                prefix="goal", stakeholders=stakeholders, towards=engagement.priorities.all()
            ),
            "action_form": ActionForm(
                prefix="action",
                stakeholders=stakeholders,
                towards=Goal.objects.filter(priority__engagement=engagement),
            ),
        }
        return render(request, self.template_name, context)


class PlanAddView(ScopedEngagementMixin, View):
    """POST: add a priority, a goal (to a priority) or an action (to a goal); which is this
    view's configuration (``what``), never a posted field."""

    http_method_names = ["post"]
    what = ""

    def post(self, request, pk):
        engagement = self.get_engagement()
        stakeholders = engagement.stakeholders.all()
        forms = {
            "priority": lambda: PriorityForm(request.POST, meetings=engagement.meetings.all()),
            "goal": lambda: GoalForm(
                request.POST,
                prefix="goal",
                stakeholders=stakeholders,
                towards=engagement.priorities.all(),
            ),
            "action": lambda: ActionForm(
                request.POST,
                prefix="action",
                stakeholders=stakeholders,
                towards=Goal.objects.filter(priority__engagement=engagement),
            ),
        }
        form = forms[self.what]()
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, f"The {self.what} was not added: {errors}")
            return HttpResponseRedirect(reverse("facilitation:goals", args=[engagement.pk]))
        data = dict(form.cleaned_data)
        try:
            if self.what == "priority":
                priority_add(engagement=engagement, actor=request.user, **data)
            elif self.what == "goal":
                goal_add(priority=data.pop("to"), actor=request.user, **data)
            else:
                action_add(goal=data.pop("to"), actor=request.user, **data)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The {self.what} is added.")
        return HttpResponseRedirect(reverse("facilitation:goals", args=[engagement.pk]))


class GoalListView(CoordinatorRequiredMixin, ListView):
    """Every goal the user may see, across engagements: by CASCADE area and status."""

    permission_required = RUN
    template_name = "facilitation/goal_list.html"
    context_object_name = "goals"
    paginate_by = 100

    def get_queryset(self):
        self.all_goals = goals_in_scope(engagements=engagements_in_scope(scope=self.scope))
        goals = self.all_goals
        if (area := self.request.GET.get("area")) in CascadeArea.values:
            goals = goals.filter(priority__cascade_area=area)
        if (status := self.request.GET.get("status")) in GoalStatus.values:
            goals = goals.filter(status=status)
        return goals

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **goals_summary(self.all_goals),
            "area_choices": CascadeArea.choices,
            "status_choices": GoalStatus.choices,
            "area": self.request.GET.get("area", ""),
            "status": self.request.GET.get("status", ""),
        }


def owner_actor():
    """Whose change an owner's update is, in the history (the owner is on the record itself);
    looked up per request, as ``core.actors`` asks, never cached across transactions."""
    return lazy_system_actor("facilitation.owner-link", "Owner, by their personal link")


class OwnerMixin:
    """The stakeholder the URL's signed token names; an altered token is a 404, an expired
    one a page that says so."""

    def owner(self, token):
        try:
            stakeholder_id, expired = OWNER_LINKS.read(token, max_age=OWNER_LINK_MAX_AGE)
        except LinkTampered:
            raise Http404 from None
        stakeholder = get_object_or_404(
            Stakeholder.objects.select_related("engagement"), pk=stakeholder_id
        )
        return stakeholder, expired


class OwnerView(OwnerMixin, View):
    template_name = "facilitation/owner.html"

    def get(self, request, token):
        stakeholder, expired = self.owner(token)
        if expired:
            return render(request, "facilitation/owner_expired.html", {"s": stakeholder})
        items = owner_items(stakeholder=stakeholder)
        for item in (*items["goals"], *items["actions"]):
            item.form = OwnerUpdateForm(item=item, prefix=f"{item._meta.model_name}{item.pk}")
        return render(request, self.template_name, {"stakeholder": stakeholder, **items})


class OwnerUpdateView(OwnerMixin, View):
    """POST: an owner updates one of their own goals or actions (``model``)."""

    http_method_names = ["post"]
    model = Goal

    def post(self, request, token, pk):
        stakeholder, expired = self.owner(token)
        if expired:
            return render(request, "facilitation/owner_expired.html", {"s": stakeholder})
        item = get_object_or_404(self.model, owner=stakeholder, pk=pk)
        form = OwnerUpdateForm(request.POST, item=item, prefix=f"{item._meta.model_name}{item.pk}")
        if not form.is_valid():
            messages.error(
                request, "Not saved: " + "; ".join(e for es in form.errors.values() for e in es)
            )
        else:
            data = form.cleaned_data
            try:
                if self.model is Goal:
                    goal_update(goal=item, actor=owner_actor(), **data)
                else:
                    action_update(action=item, actor=owner_actor(), **data)
            except LinkDomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"“{item.title}” is saved.")
        return HttpResponseRedirect(reverse("facilitation:owner", args=[token]))
