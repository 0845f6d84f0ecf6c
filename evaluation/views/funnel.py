"""The programme funnel a funder asks for, on a page and as CSV and XLSX
(``evaluation.selectors.funnel``): every figure comes suppressed from the selector."""

from django.views.generic import TemplateView, View

from core.spreadsheets import xlsx_response
from evaluation import conf
from evaluation.exports import csv_response, funnel_rows
from evaluation.selectors.funnel import programme_funnel
from evaluation.suppression import shown
from evaluation.views.reports import ReportMixin, _chart, change_chart


class FunnelView(ReportMixin, TemplateView):
    template_name = "evaluation/reports/funnel.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funnel = programme_funnel(scope=self.scope)
        total = funnel["total"]
        context.update(
            funnel=funnel,
            own_cohorts=not self.scope.has_areas,  # a facilitator: the cohorts they run
            min_cell=conf.min_cell(),
            stage_rows=[
                *(
                    (label, shown(value))
                    for label, value in zip(funnel["stages"], total.stages, strict=True)
                ),
                *(
                    (f"Responded: {label}", cell)
                    for label, cell in zip(funnel["time_points"], total.responded, strict=True)
                ),
            ],
            funnel_chart=_chart(
                [*funnel["stages"], *(f"Responded: {t}" for t in funnel["time_points"])],
                [
                    {
                        "label": "Schools",
                        "values": [*total.stages, *(cell.value for cell in total.responded)],
                    }
                ],
                horizontal=True,
            ),
            change_chart_info={"time_a": funnel["time_a"], "time_b": funnel["time_b"]},
            change_chart=change_chart(
                {"outcomes": total.change, "time_a": funnel["time_a"], "time_b": funnel["time_b"]}
            ),
        )
        return context


class FunnelExportView(ReportMixin, View):
    """The funnel as CSV, or as the one sheet of an XLSX file."""

    export_format = "csv"

    def get(self, request, *args, **kwargs):
        rows = funnel_rows(programme_funnel(scope=self.scope))
        if self.export_format == "xlsx":
            return xlsx_response({"Programme funnel": rows}, "programme-funnel")
        return csv_response(rows, "programme-funnel")
