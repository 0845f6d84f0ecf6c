"""The register changes page: what GIAS changed that matters to the programme, for a
national admin to apply or dismiss (``schools.services.staging``), and the import runs."""

from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.views.generic import TemplateView, View

from accounts.mixins import CoordinatorRequiredMixin
from schools.models import RegisterChange, Status
from schools.selectors import (
    gias_runs_recent,
    register_changes_decided,
    register_changes_pending,
)
from schools.services.staging import (
    RegisterChangeError,
    register_change_apply,
    register_change_dismiss,
)
from schools.services.successors import register_change_move

PERMISSION = "accounts.review_register_changes"
FIELD_LABELS = {
    "status": "Status",
    "close_date": "Close date",
    "la_id": "Local authority",
    "gias_la_code": "LA code",
    "gias_la_name": "LA name",
    "type_code": "Type code",
    "type_name": "Type",
    "type_group": "Type group",
}
_HIDDEN = {"la_id", "type_code"}  # said better by the LA's and the type's names


def _shown(name: str, value) -> str:
    if value is None or value == "":
        return "none"
    if name == "status":
        return str(Status(value).label)
    if name == "close_date":
        return date_format(date.fromisoformat(value), "j M Y")
    return str(value)


def change_rows(change: RegisterChange) -> list[dict]:
    """What GIAS says, field by field, as people read it (a successor choice has none)."""
    return [
        {"label": FIELD_LABELS.get(name, name), "old": _shown(name, old), "new": _shown(name, new)}
        for name, (old, new) in (
            (name, values)
            for name, values in change.fields.items()
            if name not in _HIDDEN and name != "successors"
        )
    ]


class RegisterChangesView(CoordinatorRequiredMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "schools/register_changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = list(register_changes_pending())
        context.update(
            section="schools",
            pending=[(change, change_rows(change)) for change in pending],
            decided=register_changes_decided(),
            runs=gias_runs_recent(),
        )
        return context


class _DecideView(CoordinatorRequiredMixin, View):
    """POST only: apply or dismiss one pending change, then back to the page."""

    permission_required = PERMISSION
    http_method_names = ["post"]
    decide = None
    done = ""

    def post(self, request, pk):
        change = get_object_or_404(RegisterChange.objects.select_related("establishment"), pk=pk)
        try:
            type(self).decide(change=change, actor=request.user)
        except RegisterChangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done.format(name=change.establishment.name))
        return redirect("schools:register-changes")


class RegisterChangeApplyView(_DecideView):
    decide = register_change_apply
    done = "{name}: the register now says what GIAS says."


class RegisterChangeDismissView(_DecideView):
    decide = register_change_dismiss
    done = "{name}: kept as it is. GIAS's change will not be listed again unless it changes."


class RegisterChangeMoveView(CoordinatorRequiredMixin, View):
    """POST only: close the establishment and move its programme to the chosen successor."""

    permission_required = PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        change = get_object_or_404(RegisterChange.objects.select_related("establishment"), pk=pk)
        try:
            urn = int(request.POST.get("successor", ""))
            outcome = register_change_move(change=change, successor_urn=urn, actor=request.user)
        except ValueError:
            messages.error(request, "Choose one of its successors.")
        except RegisterChangeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{change.establishment.name}: {outcome}")
        return redirect("schools:register-changes")
