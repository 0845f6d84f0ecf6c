"""Coordinators' outbox: find emails, read them, retry failures, cancel unsent ones."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView
from django_filters.views import FilterView

from accounts.mixins import CoordinatorRequiredMixin
from accounts.roles import ACT_FOR_SCHOOLS
from core.logging import redact_link_tokens, redact_survey_tokens
from core.pagination import CappedPaginator
from linkprog.outbox_pages.filters import OutgoingEmailFilter
from outbox.models import EmailStatus
from outbox.selectors import emails_for
from outbox.services import (
    SEND_NOW_STATUSES,
    OutboxError,
    can_send_again,
    email_cancel,
    email_retry,
    email_send_now,
)


def email_body_redaction(user):
    """How an email's body is shown to ``user``: survey-link tokens always hidden (see
    core.logging), booking-link tokens too unless the user may act for a school."""
    return redact_survey_tokens if user.has_perm(ACT_FOR_SCHOOLS) else redact_link_tokens


class OutboxMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.manage_outbox"

    def get_queryset(self):
        return emails_for(self.scope)


class OutboxListView(OutboxMixin, FilterView):
    filterset_class = OutgoingEmailFilter
    template_name = "outbox/email_list.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    strict = True

    def get_queryset(self):
        # The list shows no body: never read them (1.5 KB or more a row).
        return super().get_queryset().defer("body_text", "body_html", "attachments")

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "scope": self.scope}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        for email in context["object_list"]:
            email.can_send_now = email.status in SEND_NOW_STATUSES
        return context


class OutboxDetailView(OutboxMixin, DetailView):
    template_name = "outbox/email_detail.html"
    context_object_name = "email"

    def get_context_data(self, **kwargs):
        email = self.object
        redact = email_body_redaction(self.request.user)
        return super().get_context_data(
            body_text=redact(email.body_text),
            can_retry=can_send_again(email),
            can_send_now=email.status in SEND_NOW_STATUSES,
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
        return HttpResponse(email_body_redaction(request.user)(email.body_html))


class OutboxActionView(OutboxMixin, View):
    """POST only: one action on an email in scope, through its service; then back to the
    email (or to the list it was sent from). Each action is a subclass naming its service."""

    http_method_names = ["post"]
    service = None
    done = ""

    def post(self, request, pk):
        email = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.service(email=email)
        except OutboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.done)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("outbox:email-detail", pk=email.pk)


class OutboxRetryView(OutboxActionView):
    service = staticmethod(email_retry)
    done = _("The email is queued to be sent again.")


class OutboxSendNowView(OutboxActionView):
    service = staticmethod(email_send_now)
    done = _("The email is on its way to the mail server now.")


class OutboxCancelView(OutboxActionView):
    service = staticmethod(email_cancel)
    done = _("The email is cancelled; it will not be sent.")
