"""Filters of the coordinators' cohort list (django-filter), choices narrowed to the scope."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import CohortStatus
from cohorts.selectors import local_authorities_in_scope, mhst_areas_in_scope, phases_in_scope


class CohortFilter(django_filters.FilterSet):
    """Phase, area (an LA or an MHST area), status, and workshop 1 between two dates."""

    phase = django_filters.ModelChoiceFilter(queryset=None, label=_("Phase"))
    local_authority = django_filters.ModelChoiceFilter(queryset=None, label=_("Local authority"))
    mhst_area = django_filters.ModelChoiceFilter(queryset=None, label=_("MHST area"))
    status = django_filters.ChoiceFilter(choices=CohortStatus.choices, label=_("Status"))
    starts_from = django_filters.DateFilter(
        field_name="day_1_date",
        lookup_expr="gte",
        label=_("Workshop 1 from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_to = django_filters.DateFilter(
        field_name="day_1_date",
        lookup_expr="lte",
        label=_("Workshop 1 to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(method="search", label=_("Name contains"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["phase"].queryset = phases_in_scope(scope=scope)
        self.filters["local_authority"].queryset = local_authorities_in_scope(scope=scope)
        self.filters["mhst_area"].queryset = mhst_areas_in_scope(scope=scope)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value))
