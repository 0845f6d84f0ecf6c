"""Coordinators' outbox: find emails, read them, retry failures, cancel unsent ones."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView
from django_filters.views import FilterView

from accounts.mixins import CoordinatorRequiredMixin
from linkprog.logging import redact_survey_tokens
from outbox.filters import OutgoingEmailFilter
from outbox.models import EmailStatus
from outbox.selectors import emails_for
from outbox.services import OutboxError, email_cancel, email_retry


class OutboxMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.manage_outbox"

    def get_queryset(self):
        return emails_for(self.scope)


class OutboxListView(OutboxMixin, FilterView):
    filterset_class = OutgoingEmailFilter
    template_name = "outbox/email_list.html"
    paginate_by = 50
    strict = True

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "scope": self.scope}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class OutboxDetailView(OutboxMixin, DetailView):
    template_name = "outbox/email_detail.html"
    context_object_name = "email"

    def get_context_data(self, **kwargs):
        email = self.object
        return super().get_context_data(
            body_text=redact_survey_tokens(email.body_text),
            can_retry=email.status == EmailStatus.FAILED,
            can_cancel=email.status
            in (EmailStatus.QUEUED, EmailStatus.RETRYING, EmailStatus.FAILED),
            **kwargs,
        )


#: The policy of an email's HTML shown on its own: an email styles itself with style="..."
#: attributes (mail programs ignore stylesheets), so inline styles apply here and nothing else
#: loads or runs; the document is sandboxed even if opened outside its frame, and only Link's
#: own email page may frame it.
EMAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": None,
    "script-src": None,
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": [True],
}


@method_decorator(xframe_options_sameorigin, name="dispatch")
@method_decorator(csp_replace(EMAIL_PREVIEW_POLICY), name="dispatch")
class OutboxPreviewView(OutboxMixin, View):
    """An email's HTML as its recipient sees it (survey links hidden), for the frame on its page.
    It has a page of its own so that Link's strict policy keeps applying to that page."""

    def get(self, request, pk):
        email = get_object_or_404(self.get_queryset(), pk=pk)
        return HttpResponse(redact_survey_tokens(email.body_html))


class OutboxActionView(OutboxMixin, View):
    """POST only: retry a failed email or cancel an unsent one, then back to it."""

    action = "retry"
    http_method_names = ["post"]

    def post(self, request, pk):
        email = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            if self.action == "retry":
                email_retry(email=email)
                messages.success(request, _("The email is queued to be sent again."))
            else:
                email_cancel(email=email)
                messages.success(request, _("The email is cancelled; it will not be sent."))
        except OutboxError as exc:
            messages.error(request, str(exc))
        return redirect("outbox:email-detail", pk=email.pk)
