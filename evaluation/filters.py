"""The filters of the evaluation reports (django-filter over the cohorts a user may see).

Phase, region, local authority, MHST area and cohort narrow the cohorts; audience and the
pair of time points say what to report on them. Every choice offered lies in the user's
scope, so a cohort or area outside it is an invalid choice: the report then shows the error
and no figures.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Phase
from evaluation.models import Audience, TimePoint
from schools.models import LocalAuthority, MHSTArea, Region

DEFAULT_TIME_A = TimePoint.BASELINE
DEFAULT_TIME_B = TimePoint.FOLLOW_UP


class ReportFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        time_a = data.get("time_a") or DEFAULT_TIME_A
        time_b = data.get("time_b") or DEFAULT_TIME_B
        if time_a == time_b:
            self.add_error("time_b", _("Choose two different time points to compare."))
        return data


def _keep(queryset, name, value):
    return queryset


class ReportFilter(django_filters.FilterSet):
    phase = django_filters.ModelChoiceFilter(
        label=_("Phase"), queryset=Phase.objects.none(), empty_label=_("All phases")
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="local_authority__region",
        choices=(),
        empty_label=_("All regions"),
    )
    local_authority = django_filters.ModelChoiceFilter(
        label=_("Local authority"),
        queryset=LocalAuthority.objects.none(),
        empty_label=_("All local authorities"),
    )
    mhst_area = django_filters.ModelChoiceFilter(
        label=_("MHST area"), queryset=MHSTArea.objects.none(), empty_label=_("All MHST areas")
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"), queryset=None, method="filter_cohort", empty_label=_("All cohorts")
    )
    audience = django_filters.ChoiceFilter(
        label=_("Who answered"),
        choices=Audience.choices,
        method=_keep,
        empty_label=_("Staff and professionals"),
    )
    time_a = django_filters.ChoiceFilter(
        label=_("Compare from"), choices=TimePoint.choices, method=_keep, empty_label=None
    )
    time_b = django_filters.ChoiceFilter(
        label=_("to"), choices=TimePoint.choices, method=_keep, empty_label=None
    )

    class Meta:
        form = ReportFilterForm
        fields = ()

    def __init__(self, data=None, *, queryset, **kwargs):
        """``queryset``: the cohorts the user may report on (``reportable_cohorts``)."""
        super().__init__(data, queryset=queryset, **kwargs)
        in_scope = queryset.values("pk")
        self.filters["phase"].queryset = Phase.objects.filter(cohorts__in=in_scope).distinct()
        self.filters["local_authority"].queryset = LocalAuthority.objects.filter(
            cohorts__in=in_scope
        ).distinct()
        self.filters["mhst_area"].queryset = MHSTArea.objects.filter(
            cohorts__in=in_scope
        ).distinct()
        self.filters["cohort"].queryset = queryset.select_related("phase").order_by("name")
        self.filters["time_a"].extra["initial"] = DEFAULT_TIME_A
        self.filters["time_b"].extra["initial"] = DEFAULT_TIME_B
        regions = set(
            LocalAuthority.objects.filter(cohorts__in=in_scope)
            .exclude(region="")
            .values_list("region", flat=True)
        )
        self.filters["region"].extra["choices"] = [
            (value, label) for value, label in Region.choices if value in regions
        ]

    def filter_cohort(self, queryset, name, value):
        return queryset.filter(pk=value.pk) if value else queryset

    def report_options(self) -> dict:
        """Audience and time points chosen (defaults filled in); call after ``is_valid``."""
        data = self.form.cleaned_data
        return {
            "audience": data.get("audience") or "",
            "time_a": data.get("time_a") or DEFAULT_TIME_A,
            "time_b": data.get("time_b") or DEFAULT_TIME_B,
        }
