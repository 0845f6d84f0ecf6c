"""The public survey pages, reached through a personal link and no login.

Every view resolves the link first (``SurveyLinkMixin``): an altered link gets a 404 page
that says so, an expired one a 410 page offering a new link by email (to the address the
invitation went to), and a survey that has closed a 410 page saying when. The pages show the
programme and the time point, never who the link is for.

The token in the URL is a credential: responses are never stored, never send it to another
site and are kept out of search engines (``core.http.personal_link_page``); ``core.logging``
keeps it out of the logs, referrers included.
"""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core.http import personal_link_page
from evaluation.errors import (
    AnswersInvalid,
    SurveyAlreadySubmitted,
    SurveyClosed,
    SurveyLinkExpired,
    SurveyLinkInvalid,
)
from evaluation.forms import SurveyForm
from evaluation.links import survey_link_invitation
from evaluation.models import Response
from evaluation.services.responses import (
    questionnaire_questions,
    response_answer_values,
    response_save,
    survey_check_open,
    survey_link_request_new,
)

TEMPLATES = "evaluation/survey"


class SurveyLinkMixin:
    """Resolves ``token`` to ``self.invitation`` and its ``self.response`` (None before the
    first save), or answers with the page for an invalid or expired link."""

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.invitation = survey_link_invitation(token=self.token)
        except SurveyLinkInvalid as invalid:
            return personal_link_page(self.page("link_invalid", status=404, error=invalid))
        except SurveyLinkExpired as expired:
            self.invitation = expired.invitation
            self.response = self.load_response()
            return personal_link_page(self.expired(expired))
        self.response = self.load_response()
        return personal_link_page(super().dispatch(request, *args, **kwargs))

    def load_response(self) -> Response | None:
        return Response.objects.filter(invitation=self.invitation).first()

    def page(self, name: str, *, status: int = 200, **context) -> HttpResponse:
        invitation = getattr(self, "invitation", None)
        context.update(invitation=invitation, token=self.token)
        if invitation is not None:
            context["time_point"] = invitation.get_time_point_display()
        return render(self.request, f"{TEMPLATES}/{name}.html", context, status=status)

    def expired(self, expired: SurveyLinkExpired) -> HttpResponse:
        """An old link: what it would have shown if it is submitted or closed, else the offer
        of a new link."""
        if self.response is not None and self.response.is_submitted:
            return self.submitted()
        try:
            survey_check_open(invitation=self.invitation)
        except SurveyClosed as closed:
            if timezone.now() >= self.invitation.closes_at:
                return self.closed(closed)
        return self.page("link_expired", status=410, error=expired)

    def submitted(self, *, refused: SurveyAlreadySubmitted | None = None) -> HttpResponse:
        return self.page(
            "submitted",
            status=409 if refused else 200,
            submitted_at=self.response.submitted_at,
            refused=refused,
        )

    def closed(self, closed: SurveyClosed) -> HttpResponse:
        """410 once the survey has closed; 200 while it is not open yet."""
        has_closed = timezone.now() >= self.invitation.closes_at
        return self.page(
            "closed", status=410 if has_closed else 200, error=closed, has_closed=has_closed
        )


class SurveyAnswerView(SurveyLinkMixin, View):
    """The questionnaire: saved answers filled in; save for later, or submit once."""

    def get(self, request, *args, **kwargs):
        if self.response is not None and self.response.is_submitted:
            return self.submitted()
        try:
            survey_check_open(invitation=self.invitation)
        except SurveyClosed as closed:
            return self.closed(closed)
        form = self.form(initial=response_answer_values(response=self.response))
        return self.answer_page(form)

    def post(self, request, *args, **kwargs):
        submit = request.POST.get("_action") == "submit"
        form = self.form(data=request.POST)
        form.is_valid()  # every field takes any text: response_save judges the answers
        try:
            response_save(invitation=self.invitation, answers=form.answers(), submit=submit)
        except SurveyAlreadySubmitted as refused:
            self.response = self.load_response()
            return self.submitted(refused=refused)
        except SurveyClosed as closed:
            return self.closed(closed)
        except AnswersInvalid as invalid:
            form.add_answer_errors(invalid.errors)
            return self.answer_page(form, problem=invalid.message)
        if not submit:  # a submitted response's page says so itself
            messages.success(
                request,
                "Your answers are saved. To finish later, open the link in your email again.",
            )
        return HttpResponseRedirect(request.path)

    def form(self, **kwargs) -> SurveyForm:
        questions = questionnaire_questions(
            questionnaire_id=self.invitation.questionnaire_id,
            time_point=self.invitation.time_point,
        )
        return SurveyForm(questions=questions, **kwargs)

    def answer_page(self, form: SurveyForm, *, problem: str = "") -> HttpResponse:
        return self.page(
            "answer",
            form=form,
            questionnaire=self.invitation.questionnaire,
            closes_at=self.invitation.closes_at,
            problem=problem,
        )


class SurveyAutosaveView(SurveyAnswerView):
    """The answering page's background save (``static/js/survey-autosave.js``): what "Save
    and finish later" does, as each answer is given, answered in JSON for the script.

    The page's rules, as status codes with the page's message: an altered link 404, an
    expired one 410; a submitted survey 409, one closed 410 (409 before it opens). Answers
    that are not valid are 422 with a message per question, the valid ones saved. It never
    submits, whatever is posted.
    """

    http_method_names = ["post"]

    def page(self, name: str, *, status: int = 200, **context) -> HttpResponse:
        """Whatever the answering page would show instead, as its outcome and message."""
        error = context.get("error") or context.get("refused")
        return JsonResponse({"outcome": name, "message": str(error or "")}, status=status)

    def expired(self, expired: SurveyLinkExpired) -> HttpResponse:
        return self.page("link_expired", status=410, error=expired)

    def post(self, request, *args, **kwargs):
        form = self.form(data=request.POST)
        form.is_valid()  # every field takes any text: response_save judges the answers
        try:
            response_save(invitation=self.invitation, answers=form.answers(), submit=False)
        except SurveyAlreadySubmitted as refused:
            return self.page("submitted", status=409, error=refused)
        except SurveyClosed as closed:
            has_closed = timezone.now() >= self.invitation.closes_at
            return self.page("closed", status=410 if has_closed else 409, error=closed)
        except AnswersInvalid as invalid:
            return JsonResponse(
                {"outcome": "invalid", "message": invalid.message, "errors": invalid.errors},
                status=422,
            )
        return JsonResponse({"outcome": "saved", "message": "Saved."})


class SurveyNewLinkView(SurveyLinkMixin, View):
    """From the expired-link page: email a new link to the address the invitation went to.

    The link is resolved by the mixin; only an expired one reaches ``post`` through
    ``expired`` below, since a working link has nothing to ask for."""

    http_method_names = ["post"]

    def expired(self, expired: SurveyLinkExpired) -> HttpResponse:
        if self.request.method != "POST":
            return super().expired(expired)
        try:
            survey_link_request_new(invitation=self.invitation)
        except SurveyAlreadySubmitted:
            return self.submitted()
        except SurveyClosed as closed:
            return self.closed(closed)
        return self.page("new_link_requested")

    def post(self, request, *args, **kwargs):
        # The link still works: go and answer.
        return HttpResponseRedirect(reverse("survey:answer", kwargs={"token": self.token}))
