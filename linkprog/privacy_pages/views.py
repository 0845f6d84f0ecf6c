"""One view per action. The email address travels in POST bodies only, never in a URL (URLs
end up in logs)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.mixins import CoordinatorRequiredMixin
from core.privacy import retentions
from linkprog.models import RetentionRun
from linkprog.privacy import retention_preview, subject_erase, subject_export, subject_find


class PrivacyMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.manage_personal_data"


class RetentionPreviewView(PrivacyMixin, TemplateView):
    """What the next nightly run would change, and what the last runs changed."""

    template_name = "linkprog/privacy_retention.html"

    def get_context_data(self, **kwargs):
        labels = {r.key: r.label for r in retentions()}
        runs = list(RetentionRun.objects.select_related("actor")[:20])
        for run in runs:
            run.rows = [(labels.get(key, key), n) for key, n in run.counts.items()]
        return super().get_context_data(
            rows=retention_preview(), runs=runs, now=timezone.now(), **kwargs
        )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Compared without case: an attendee, a professional, a stakeholder."),
    )


class EraseForm(EmailForm):
    confirm = forms.BooleanField(
        label=_(
            "I have checked who is asking, and want everything above anonymised. This cannot "
            "be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = forms.HiddenInput()


def shown(sections) -> list[dict]:
    """Sections as the page lists them: each row's fields with readable names (an email's
    text is in the file, not on the page)."""
    return [
        {
            "label": section.label,
            "rows": [
                [(key.replace("_", " ").capitalize(), value) for key, value in row.items()]
                for row in ({k: v for k, v in r.items() if k != "text"} for r in section.rows)
            ],
        }
        for section in sections
    ]


class SubjectSearchView(PrivacyMixin, FormView):
    """Find everything Link holds about an email address (POST, so it never sits in a URL)."""

    template_name = "linkprog/privacy_subject.html"
    form_class = EmailForm

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        sections = subject_find(email=email)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                email=email,
                sections=sections,
                shown=shown(sections),
                found=sum(len(s.rows) for s in sections),
                erase_form=EraseForm(initial={"email": email}),
            )
        )


class SubjectExportView(PrivacyMixin, View):
    """The search's results as a JSON file, for a subject access request."""

    def post(self, request):
        form = EmailForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a valid email address to export."))
            return redirect("privacy:subject")
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(
            subject_export(email=form.cleaned_data["email"]), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="subject-access-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response


class SubjectEraseView(PrivacyMixin, View):
    """Anonymise everything about the address, once confirmed; unconfirmed, the results are
    shown again with the reason, and nothing is changed."""

    def post(self, request):
        form = EraseForm(request.POST)
        if not form.is_valid():
            email = form.cleaned_data.get("email", "")
            sections = subject_find(email=email) if email else []
            return render(
                request,
                SubjectSearchView.template_name,
                {
                    "form": EmailForm(initial={"email": email}),
                    "email": email,
                    "sections": sections,
                    "shown": shown(sections),
                    "found": sum(len(s.rows) for s in sections),
                    "erase_form": form,
                },
                status=400,
            )
        run = subject_erase(email=form.cleaned_data["email"], actor=request.user)
        messages.success(
            request,
            _("Erased: %(n)s records anonymised. The audit keeps the counts, not the address.")
            % {"n": run.total},
        )
        return redirect("privacy:subject")
