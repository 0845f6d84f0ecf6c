"""Reads of the evaluation app. ``reports``: the coordinators' reports and the dashboard's
survey response rates, every figure already suppressed."""

from evaluation.selectors.reports import (  # noqa: F401 - the app's public reads
    ReportGroup,
    anonymised_responses,
    answer_distributions,
    free_text_answers,
    paired_changes,
    reportable_cohorts,
    response_rates,
    response_rates_summary,
    submitted_responses,
)
