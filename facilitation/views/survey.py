"""The schools survey's pages: its page for the engagement's coordinators and facilitators
(start it, ask the schools given an email since, close it, the response rate and the
results), and a school's own page from its signed link (no login)."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.mixins import user_may_open
from core.errors import LinkDomainError
from core.signed_links import LinkTampered
from core.suppression import min_cell
from facilitation import conf
from facilitation.forms_survey import SchoolsSurveyForm, SurveyStartForm
from facilitation.links import SURVEY_LINKS
from facilitation.models import QUESTIONS, SchoolsSurvey
from facilitation.selectors_survey import schools_survey_invite, schools_survey_summary
from facilitation.services.survey import (
    schools_survey_answer,
    schools_survey_close,
    schools_survey_invite_more,
    schools_survey_start,
)
from facilitation.views.mixins import RUN, ScopedEngagementMixin


def _schools(n: int) -> str:
    return "1 school or college" if n == 1 else f"{n} schools and colleges"


def _survey_url(engagement) -> str:
    return reverse("facilitation:schools-survey", args=[engagement.pk])


class SchoolsSurveyView(ScopedEngagementMixin, View):
    """The engagement's schools survey: how many would be asked and the form to start it;
    once started, the response rate (overall and by phase) and the results."""

    permission_required = RUN
    template_name = "facilitation/schools_survey.html"

    def get(self, request, pk, start_form=None):
        engagement = self.get_engagement()
        context = {
            "engagement": engagement,
            **schools_survey_summary(engagement=engagement),
            "start_form": start_form or SurveyStartForm(),
            "can_run": user_may_open(request.user, SchoolsSurveyStartView),
            "questions": QUESTIONS,
            "reminder_days": conf.schools_survey_reminder_days(),
        }
        return render(request, self.template_name, context)


class SchoolsSurveyStartView(SchoolsSurveyView):
    """POST: start the survey with its closing date; a refusal is shown on its page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        engagement = self.get_engagement()
        form = SurveyStartForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, start_form=form)
        try:
            _, invited = schools_survey_start(
                engagement=engagement, closes_on=form.cleaned_data["closes_on"], actor=request.user
            )
        except LinkDomainError as error:
            form.add_error("closes_on", error.message)
            return self.get(request, pk, start_form=form)
        messages.success(
            request,
            f"The schools survey is started: {_schools(invited)} sent their link.",
        )
        return HttpResponseRedirect(_survey_url(engagement))


class _SurveyActionView(ScopedEngagementMixin, View):
    permission_required = RUN
    http_method_names = ["post"]

    def get_survey(self):
        engagement = self.get_engagement()
        return get_object_or_404(
            SchoolsSurvey.objects.select_related("engagement"), engagement=engagement
        )


class SchoolsSurveyInviteMoreView(_SurveyActionView):
    """POST: send the survey to the schools given a contact email since it started."""

    def post(self, request, pk):
        survey = self.get_survey()
        try:
            invited = schools_survey_invite_more(survey=survey, actor=request.user)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{_schools(invited)} more sent their link."
                if invited
                else "Every school and college with a contact email has its link already.",
            )
        return HttpResponseRedirect(_survey_url(survey.engagement))


class SchoolsSurveyCloseView(_SurveyActionView):
    """POST: close the survey now."""

    def post(self, request, pk):
        survey = self.get_survey()
        try:
            schools_survey_close(survey=survey, actor=request.user)
        except LinkDomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "The schools survey is closed: its links take no answers.")
        return HttpResponseRedirect(_survey_url(survey.engagement))


class SchoolsSurveyAnswerView(View):
    """A school's own survey page, from the link it was sent (no login). An altered link, or
    one whose invitation is gone, opens nothing (404) and says so; an old one says it has
    expired; a closed survey says it has closed. None of them changes anything."""

    template_name = "facilitation/schools_survey_answer.html"

    def _open(self, token):
        """(invitation, the page to show instead of the form, its status)."""
        max_age = timedelta(days=conf.schools_survey_link_days())
        try:
            invite_id, expired = SURVEY_LINKS.read(token, max_age=max_age)
        except LinkTampered:
            return None, "invalid", 404
        invite = schools_survey_invite(invite_id=invite_id)
        if invite is None:
            return None, "removed", 404
        if expired:
            return invite, "expired", 200
        if not invite.survey.takes_answers(timezone.localdate()):
            return invite, "closed", 200
        return invite, "", 200

    def _problem(self, request, invite, problem, status):
        context = {"invite": invite, "problem": problem, "days": conf.schools_survey_link_days()}
        return render(request, "facilitation/schools_survey_link.html", context, status=status)

    def _form_page(self, request, invite, form, status=200):
        context = {
            "invite": invite,
            "survey": invite.survey,
            "form": form,
            "min_cell": min_cell(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        invite, problem, status = self._open(token)
        if problem:
            return self._problem(request, invite, problem, status)
        return self._form_page(request, invite, SchoolsSurveyForm(initial=invite.answers))

    def post(self, request, token):
        invite, problem, status = self._open(token)
        if problem:
            return self._problem(request, invite, problem, status)
        form = SchoolsSurveyForm(request.POST)
        if not form.is_valid():
            return self._form_page(request, invite, form, status=400)
        try:
            _, first = schools_survey_answer(invite=invite, answers=form.cleaned_data)
        except LinkDomainError as error:
            form.add_error(None, error.message)
            return self._form_page(request, invite, form, status=400)
        messages.success(
            request,
            "Thank you: your answers are saved."
            if first
            else "Thank you: your answers are updated (they replace the ones given before).",
        )
        return HttpResponseRedirect(request.path)
