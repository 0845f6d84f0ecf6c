"""Filters of the coordinators' establishment list (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.selectors import PROGRAMME_STATUSES, programme_status_conditions
from schools.models import TypeGroup
from schools.selectors import local_authorities_for, mhst_areas_for

ELIGIBILITY = (("eligible", _("Eligible")), ("ineligible", _("Not eligible")))


def _postcode_variants(term: str) -> set[str]:
    compact = term.replace(" ", "").upper()
    variants = {term.upper()}
    if 5 <= len(compact) <= 7:
        variants.add(f"{compact[:-3]} {compact[-3:]}")
    return variants


class EstablishmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, URN or postcode"))
    la = django_filters.ModelChoiceFilter(
        label=_("Local authority"), queryset=None, empty_label=_("Any")
    )
    mhst_area = django_filters.ModelChoiceFilter(
        label=_("MHST area"), queryset=None, empty_label=_("Any")
    )
    type_group = django_filters.ChoiceFilter(
        label=_("Type group"), choices=TypeGroup.choices, empty_label=_("Any")
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Eligibility"),
        choices=ELIGIBILITY,
        method="filter_eligibility",
        empty_label=_("Any"),
    )

    programme_status = django_filters.ChoiceFilter(
        label=_("Programme status"),
        choices=PROGRAMME_STATUSES,
        method="filter_programme_status",
        empty_label=_("Any"),
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the areas inside the user's scope are offered.
        self.filters["la"].queryset = local_authorities_for(scope)
        self.filters["mhst_area"].queryset = mhst_areas_for(scope)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | Q(postcode__in=_postcode_variants(value))
        if value.isdigit():
            condition |= Q(urn=int(value))
        return queryset.filter(condition)

    def filter_programme_status(self, queryset, name, value):
        return queryset.filter(programme_status_conditions()[value]) if value else queryset

    def filter_eligibility(self, queryset, name, value):
        if value == "eligible":
            return queryset.eligible()
        if value == "ineligible":
            return queryset.ineligible()
        return queryset
