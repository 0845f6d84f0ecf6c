"""Coordinators' outbox: find emails, read them, retry failures, cancel unsent ones."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from accounts.mixins import CoordinatorRequiredMixin
from accounts.roles import ACT_FOR_SCHOOLS
from linkprog.logging import redact_booking_tokens, redact_survey_tokens
from outbox.filters import OutgoingEmailFilter
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
    linkprog.logging), booking-link tokens too unless the user may act for a school."""
    return redact_survey_tokens if user.has_perm(ACT_FOR_SCHOOLS) else redact_booking_tokens


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
            body_html=redact(email.body_html),
            can_retry=can_send_again(email),
            can_send_now=email.status in SEND_NOW_STATUSES,
            can_cancel=email.status
            in (EmailStatus.QUEUED, EmailStatus.RETRYING, EmailStatus.FAILED),
            **kwargs,
        )


class OutboxActionView(OutboxMixin, View):
    """POST only: retry a failed email, send a queued one now, or cancel an unsent one; then
    back to the email (or to the list it was sent from)."""

    action = "retry"
    http_method_names = ["post"]
    actions = {
        "retry": (email_retry, _("The email is queued to be sent again.")),
        "send-now": (email_send_now, _("The email is on its way to the mail server now.")),
        "cancel": (email_cancel, _("The email is cancelled; it will not be sent.")),
    }

    def post(self, request, pk):
        email = get_object_or_404(self.get_queryset(), pk=pk)
        service, done = self.actions[self.action]
        try:
            service(email=email)
        except OutboxError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("outbox:email-detail", pk=email.pk)
