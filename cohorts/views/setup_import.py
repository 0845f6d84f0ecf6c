"""The national set-up from a CSV file: one row per cohort, preview then import, all or
nothing (``cohorts.services.setup_import``).

Who may: anyone who manages cohorts. The file is checked against the importer's scope, so a
national administrator can set up every cohort in England in one file, and a regional
coordinator only the cohorts of their own areas (any other row is a row error).
"""

import itertools

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.models import Cohort, SetUpImport
from cohorts.services.setup import SET_UP_STATUSES
from cohorts.services.setup_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    SetUpImportError,
    cohorts_set_up_import,
    set_up_file_rows,
    set_up_template_rows,
)
from cohorts.services.setup_queue import INLINE_ROWS, set_up_import_queue
from cohorts.views.mixins import MANAGE
from core.spreadsheets import csv_stream_response


class SetUpImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per cohort, with the columns of the template. Up to %(rows)s rows and "
            "%(mb)s MB."
        )
        % {"rows": f"{MAX_ROWS:,}", "mb": MAX_FILE_BYTES // (1024 * 1024)},
    )


class CohortSetUpImportView(CoordinatorRequiredMixin, FormView):
    """Upload: "Preview" checks every row and saves nothing; "Import" saves all or none."""

    permission_required = MANAGE
    template_name = "cohorts/coordinator/set_up_import.html"
    form_class = SetUpImportForm
    rows_shown = 1000
    extra_context = {"inline_rows": INLINE_ROWS}

    def form_valid(self, form):
        dry_run = self.request.POST.get("import") is None
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error(
                "file", _("The file is larger than 2 MB; split it and upload each part.")
            )
            return self.form_invalid(form)
        data = upload.read()
        try:
            if set_up_file_rows(data) > INLINE_ROWS:
                job = set_up_import_queue(
                    data=data, file_name=upload.name, dry_run=dry_run, actor=self.request.user
                )
                return redirect("cohorts:set-up-import-status", pk=job.pk)
            report = cohorts_set_up_import(
                data=data, scope=self.scope, dry_run=dry_run, actor=self.request.user
            )
        except SetUpImportError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if report.written:
            opened = len(report.result.opened)
            messages.success(
                self.request,
                f"{report.result.saved} cohort{'s' if report.result.saved != 1 else ''} set up; "
                f"{opened} opened for booking.",
            )
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(),
                report=report,
                error_rows=report.error_rows[: self.rows_shown],
            )
        )


class CohortSetUpTemplateView(CoordinatorRequiredMixin, View):
    """The file to fill in: every planned or open cohort in the user's areas, as it stands."""

    permission_required = MANAGE

    def get(self, request):
        cohorts = (
            self.scope.apply(
                Cohort.objects.filter(status__in=SET_UP_STATUSES),
                la="local_authority",
                mhst_area="mhst_area",
            )
            .select_related("delivery")
            .prefetch_related("facilitators", "delivery__workshops")
            .order_by("phase__start_date", "name", "pk")
        )
        rows = set_up_template_rows(cohorts.iterator(chunk_size=2000))
        return csv_stream_response(itertools.chain(rows), "cohort-set-up", bom=True)


class SetUpImportStatusView(CoordinatorRequiredMixin, TemplateView):
    """A large file being checked or saved by a worker: its progress, then its report. Only
    the person who uploaded it sees it (anyone else: 404)."""

    permission_required = MANAGE
    template_name = "cohorts/coordinator/set_up_import_status.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(SetUpImport, pk=self.kwargs["pk"], created_by=self.request.user)
        return super().get_context_data(job=job, **kwargs)


class SetUpImportProgressView(CoordinatorRequiredMixin, View):
    """The page's progress, as JSON, for static/js/import-progress.js."""

    permission_required = MANAGE

    def get(self, request, pk):
        job = get_object_or_404(SetUpImport, pk=pk, created_by=request.user)
        return JsonResponse(
            {"status": job.status, "label": job.get_status_display(), "finished": job.finished}
        )
