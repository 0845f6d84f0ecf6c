"""The coordinators' evaluation reports and their exports.

Every view narrows the cohorts to the user's scope (``reportable_cohorts``) and the report's
filters; the selectors return figures already suppressed. Free text needs the
``view_free_text`` capability (national roles).
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from accounts.mixins import CoordinatorRequiredMixin
from core.conf import export_inline_rows
from core.spreadsheets import csv_zip_response, xlsx_response
from evaluation import conf
from evaluation.exports import (
    csv_response,
)
from evaluation.exports_facilitation import CHANGE_TABLE, RATES_TABLE
from evaluation.filters import FACILITATION, ReportFilter
from evaluation.report_export import report_cascade, report_rows, report_tables
from evaluation.selectors import (
    ReportGroup,
    anonymised_responses,
    anonymised_responses_count,
    answer_distributions,
    free_text_answers,
    paired_changes,
    reportable_cohorts,
    response_rates,
)

VIEW = "accounts.view_evaluation"
CSV_TABLES = {
    "rates": "Response rates",
    "change": "Paired change",
    "distribution": "Answers",
    "cascade-rates": RATES_TABLE,
    "cascade-change": CHANGE_TABLE,
}
FREE_TEXT = "accounts.view_free_text"
#: The page lists each cohort's response rates only up to this many cohorts (a national
#: report would be one row per cohort in the country); the CSV and XLSX list them all.
COHORT_ROWS_MAX = 150


class ReportMixin(CoordinatorRequiredMixin):
    permission_required = VIEW

    def report_filter(self) -> ReportFilter:
        if not hasattr(self, "_filter"):
            self._filter = ReportFilter(
                self.request.GET or None, queryset=reportable_cohorts(scope=self.scope)
            )
        return self._filter

    def report_group(self) -> tuple[ReportGroup | None, dict]:
        """The group and options the filters ask for; no group when the filters are invalid
        (a cohort or area outside the user's scope among them)."""
        return self.report_filter().report_group()

    def report_cascade(self, options: dict) -> dict | None:
        """The facilitation engagements' CASCADE ratings in the user's scope and the area
        filters, unless the delivery model asked for is the cohorts'."""
        return report_cascade(self.report_filter(), options, scope=self.scope)

    @property
    def can_read_free_text(self) -> bool:
        return self.request.user.has_perm(FREE_TEXT)


def _chart(labels, series, *, horizontal=False) -> dict:
    return {"labels": labels, "series": series, "horizontal": horizontal}


def change_chart(change: dict) -> dict:
    """The mean change of each outcome as a bar, its 95% confidence interval drawn through
    it (``static/js/charts.js``); a hidden figure is a gap, as in the table."""
    rows = change["outcomes"]
    return _chart(
        [row.label for row in rows],
        [
            {
                "label": f"Mean change, {change['time_a']} to {change['time_b']}",
                "values": [row.mean_change.value for row in rows],
                "intervals": [
                    None
                    if row.ci_low.value is None or row.ci_high.value is None
                    else [row.ci_low.value, row.ci_high.value]
                    for row in rows
                ],
            }
        ],
    )


class ReportView(ReportMixin, TemplateView):
    template_name = "evaluation/reports/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group, options = self.report_group()
        self.report_filter().limit_cohort_options()
        context.update(filter=self.report_filter(), min_cell=conf.min_cell())
        query = self.request.GET.copy()
        context["query_string"] = query.urlencode()
        if group is None:
            return context
        cascade = self.report_cascade(options)
        context.update(
            report_ok=True,
            show_cohorts=options.get("delivery_model") != FACILITATION,
            cascade=cascade,
            cascade_chart=cascade
            and cascade["engagements"]
            and change_chart({**cascade, "outcomes": cascade["changes"]}),
        )
        if not context["show_cohorts"]:
            return context
        rates = response_rates(group, cohort_rows_max=COHORT_ROWS_MAX)
        change = paired_changes(group, time_a=options["time_a"], time_b=options["time_b"])
        context.update(
            cohort_rows_max=COHORT_ROWS_MAX,
            rates=rates,
            change=change,
            distributions=answer_distributions(group),
            free_text=free_text_answers(group) if self.can_read_free_text else None,
            rates_chart=_chart(
                [label for _, label in rates["time_points"]],
                [{"label": "Response rate (%)", "values": [c.rate.value for c in rates["total"]]}],
            ),
            change_chart=change_chart(change),
        )
        return context


class AggregatesExportView(ReportMixin, View):
    """The figures of the report page (``table``: rates, change or distribution) as CSV, or
    all three as sheets of one XLSX file; hidden figures as on the page."""

    export_format = "csv"

    def get(self, request, *args, table: str = "rates", **kwargs):
        group, _ = self.report_group()
        if (
            self.export_format == "xlsx"
            and group is not None
            and report_rows(group) > export_inline_rows("xlsx")
        ):
            # Every cohort's rates in the country: a worker builds it (linkprog.exports).
            url = reverse("exports:new", args=["report-xlsx"])
            return redirect(f"{url}?{request.GET.urlencode()}")
        if self.export_format == "xlsx":
            tables = report_tables(self.report_filter(), scope=self.scope)
            return xlsx_response(tables, "evaluation-report")
        tables = report_tables(self.report_filter(), scope=self.scope, only=CSV_TABLES[table])
        rows = tables.get(CSV_TABLES[table]) or next(iter(tables.values()))
        return csv_response(rows, f"evaluation-{table}")


class ResponsesExportView(ReportMixin, View):
    """Anonymised responses, one row each (``anonymised_responses``), with their data
    dictionary. Row-level data needs its own capability: facilitators, who know each
    attendee, get the aggregates only.

    More than ``export_inline_rows()`` rows (fewer for XLSX) go to a worker: the view
    sends the user to the page that asks for one (``exports:new``), with the same filters.

    XLSX: a "Responses" sheet and a "Data dictionary" sheet. CSV: a ZIP holding
    responses.csv and data_dictionary.csv, one download rather than two links, because the
    dictionary describes the question columns of that very file (they follow the filters),
    and the respondent keys are made for one export, so a file from another download would
    not match."""

    permission_required = (VIEW, "accounts.export_responses")
    export_format = "csv"

    def get(self, request, *args, **kwargs):
        group, _ = self.report_group()
        if group is None:
            invalid = [["The filters are not valid: nothing to export."]]
            rows, dictionary = invalid, invalid
        elif anonymised_responses_count(group) > export_inline_rows(self.export_format):
            # Too large for a page request: a worker builds it (linkprog.exports).
            url = reverse("exports:new", args=[f"responses-{self.export_format}"])
            return redirect(f"{url}?{request.GET.urlencode()}")
        else:
            export = anonymised_responses(group, include_free_text=self.can_read_free_text)
            rows, dictionary = export.rows, export.dictionary
        if self.export_format == "xlsx":
            return xlsx_response(
                {"Responses": rows, "Data dictionary": dictionary}, "evaluation-responses"
            )
        return csv_zip_response(
            {"responses.csv": rows, "data_dictionary.csv": dictionary}, "evaluation-responses"
        )
