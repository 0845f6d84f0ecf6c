"""The pages of worker-built exports: ask for one, follow it, download it, start it again.

Only the person who asked sees a job (anyone else: 404), and only while they still hold the
export's permissions; the file is handed out only to the same areas as it was built for.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import CoordinatorRequiredMixin
from core.spreadsheets import private_download
from linkprog import conf
from linkprog.exports.kinds import KINDS, ExportError
from linkprog.exports.services import (
    export_job_queue,
    export_job_restart,
    export_rows,
    scope_key,
)
from linkprog.models import ExportJob, ExportKind, ExportStatus


def _params(query) -> dict[str, list[str]]:
    return {name: query.getlist(name) for name in sorted(query) if any(query.getlist(name))}


class KindMixin(CoordinatorRequiredMixin):
    """The export kind named in the URL; its own permissions."""

    def kind(self):
        kind = KINDS.get(self.kwargs["kind"])
        if kind is None:
            raise Http404("No such export.")
        return kind

    def get_permission_required(self):
        return self.kind().permissions


class NewExportView(KindMixin, TemplateView):
    """An export too large to build while the user waits: how large, and a button that hands
    it to a worker. The report page's filters come along in the query string."""

    template_name = "linkprog/exports/new.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.kind()
        params = _params(self.request.GET)
        context.update(
            label=ExportKind(kind.key).label,
            query_string=self.request.GET.urlencode(),
            back_url=reverse(kind.back_url_name),
            back_label=kind.back_label,
            keep_hours=int(conf.keep_for().total_seconds() // 3600),
        )
        try:
            context["rows"] = export_rows(kind=kind.key, params=params, actor=self.request.user)
        except ExportError as error:
            context["error"] = error.message
        return context

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if "error" in context else 200)

    def post(self, request, *args, **kwargs):
        try:
            job = export_job_queue(
                kind=self.kind().key, params=_params(request.GET), actor=request.user
            )
        except ExportError as error:
            context = self.get_context_data(**kwargs)
            context["error"] = error.message
            return self.render_to_response(context, status=400)
        return redirect("exports:job", pk=job.pk)


class JobMixin(CoordinatorRequiredMixin):
    permission_required = "accounts.view_dashboard"

    def get_job(self) -> ExportJob:
        job = get_object_or_404(
            ExportJob.objects.select_related("created_by"),
            pk=self.kwargs["pk"],
            created_by=self.request.user,
        )
        if not self.request.user.has_perms(KINDS[job.kind].permissions):
            raise Http404("No such export.")
        return job


class ExportListView(CoordinatorRequiredMixin, TemplateView):
    """The user's own worker-built exports, newest first (the last ``LISTED``)."""

    LISTED = 20
    template_name = "linkprog/exports/list.html"

    def get_context_data(self, **kwargs):
        jobs = ExportJob.objects.filter(created_by=self.request.user)[: self.LISTED]
        return super().get_context_data(jobs=jobs, **kwargs)


class ExportJobView(JobMixin, TemplateView):
    """One export: its progress while a worker builds it, then its download (or what
    stopped it, and a button to start it again)."""

    template_name = "linkprog/exports/job.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(
            job=job,
            kind=KINDS[job.kind],
            same_areas=job.scope_key == scope_key(self.scope),
            **kwargs,
        )


class ExportProgressView(JobMixin, View):
    """The page's progress, as JSON, for static/js/export-progress.js."""

    def get(self, request, pk):
        job = self.get_job()
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "finished": job.finished,
                "rows": job.rows,
                "progress": job.progress,
                "percent": job.percent,
            }
        )


class ExportDownloadView(JobMixin, View):
    """The file, to the person who asked for it, with the same areas; sent from disk."""

    def get(self, request, pk):
        job = self.get_job()
        if job.status != ExportStatus.DONE:
            return redirect("exports:job", pk=job.pk)
        if job.scope_key != scope_key(self.scope):
            messages.error(
                request,
                "Your areas have changed since this file was built: start it again to build it "
                "for the areas you have now.",
            )
            return redirect("exports:job", pk=job.pk)
        try:
            file = (conf.export_dir() / job.file_name).open("rb")
        except FileNotFoundError:
            raise Http404("The file has been deleted.") from None
        kind = KINDS[job.kind]
        response = FileResponse(file, content_type=kind.content_type)
        return private_download(response, kind.file_name)


class ExportRestartView(JobMixin, View):
    """Start a failed or deleted export again."""

    def post(self, request, pk):
        job = self.get_job()
        try:
            export_job_restart(job=job, actor=request.user)
        except ExportError as error:
            messages.error(request, error.message)
        return redirect("exports:job", pk=job.pk)
