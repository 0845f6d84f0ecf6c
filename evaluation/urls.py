"""The evaluation reports for coordinators."""

from django.urls import path, re_path

from evaluation.views import funnel, reports

app_name = "evaluation"
urlpatterns = [
    path("", reports.ReportView.as_view(), name="report"),
    path("funnel/", funnel.FunnelView.as_view(), name="funnel"),
    path("funnel/funnel.csv", funnel.FunnelExportView.as_view(), name="funnel-csv"),
    path(
        "funnel/funnel.xlsx",
        funnel.FunnelExportView.as_view(export_format="xlsx"),
        name="funnel-xlsx",
    ),
    re_path(
        r"^export/(?P<table>rates|change|distribution|cascade-rates|cascade-change)\.csv$",
        reports.AggregatesExportView.as_view(),
        name="export-aggregates-csv",
    ),
    path(
        "export/report.xlsx",
        reports.AggregatesExportView.as_view(export_format="xlsx"),
        name="export-aggregates-xlsx",
    ),
    path(
        "export/responses-csv.zip",
        reports.ResponsesExportView.as_view(),
        name="export-responses-csv",
    ),
    path(
        "export/responses.xlsx",
        reports.ResponsesExportView.as_view(export_format="xlsx"),
        name="export-responses-xlsx",
    ),
]
