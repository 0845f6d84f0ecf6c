"""Filters of the coordinators' establishment list (django-filter)."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.selectors import PROGRAMME_STATUSES, programme_status_conditions
from schools.models import TypeGroup
from schools.selectors import icbs_for, local_authorities_for, mhst_areas_for

ELIGIBILITY = (("eligible", _("Eligible")), ("ineligible", _("Not eligible")))
CONTACT = (("with", _("Has a contact email")), ("without", _("No contact email")))

#: A postcode district ("E1", "NW10", "EC3A"), optionally with its sector digit ("E1 6").
_DISTRICT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?: ([0-9]))?$")

#: The list's sortable columns: the ``sort`` value (``-`` before it for descending) and the
#: field it orders by.
SORTS = {
    "urn": "urn",
    "name": "name",
    "type": "type_name",
    "la": "la__name",
    "mhst_area": "mhst_area__name",
    "postcode": "postcode",
}
DEFAULT_SORT = "name"


def sort_headers(query, columns) -> list[dict]:
    """The list's column headers, for sortable headers that keep the filters: each has
    ``label``, and if sortable ``url`` (the current query, first page, sorted by it: the
    other way round if it is the order already) and ``aria_sort`` ("ascending",
    "descending" or None). ``query``: the request's GET; ``columns``: (label, sort key or
    None) pairs."""
    current = query.get("sort") or DEFAULT_SORT
    key, descending = current.lstrip("-"), current.startswith("-")
    if key not in SORTS:
        key, descending = DEFAULT_SORT, False
    headers = []
    for label, sort in columns:
        header = {"label": label, "url": None, "aria_sort": None}
        if sort is not None:
            is_current = sort == key
            link = query.copy()
            link.pop("page", None)
            link["sort"] = f"-{sort}" if is_current and not descending else sort
            header["url"] = f"?{link.urlencode()}"
            if is_current:
                header["aria_sort"] = "descending" if descending else "ascending"
        headers.append(header)
    return headers


def _postcode_variants(term: str) -> set[str]:
    compact = term.replace(" ", "").upper()
    variants = {term.upper()}
    if 5 <= len(compact) <= 7:
        variants.add(f"{compact[:-3]} {compact[-3:]}")
    return variants


def _postcode_condition(term: str) -> Q:
    """A whole postcode in any spacing, or a district ("E1" is "E1 ...", never "E10 ...")
    or a sector ("E1 6")."""
    condition = Q(postcode__in=_postcode_variants(term))
    district = _DISTRICT.match(" ".join(term.upper().split()))
    if district:
        outward, sector = district.groups()
        condition |= Q(postcode__startswith=f"{outward} {sector or ''}")
    return condition


class SortFilter(django_filters.OrderingFilter):
    """``sort=la`` or ``sort=-la`` (django-filter's OrderingFilter), then by name and URN, so
    rows that share a value keep one order and pages never overlap."""

    TIEBREAK = ("name", "urn")

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if not value:
            return qs
        ordering = list(qs.query.order_by)
        chosen = {field.lstrip("-") for field in ordering}
        return qs.order_by(*ordering, *(f for f in self.TIEBREAK if f not in chosen))


class EstablishmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Name, URN or postcode"),
        help_text=_('A whole postcode, or a district such as "E1".'),
    )
    la = django_filters.ModelChoiceFilter(
        label=_("Local authority"), queryset=None, empty_label=_("Any")
    )
    mhst_area = django_filters.ModelChoiceFilter(
        label=_("MHST area"), queryset=None, empty_label=_("Any")
    )
    icb = django_filters.ModelChoiceFilter(
        label=_("Integrated care board"),
        field_name="la__icbs",
        queryset=None,
        empty_label=_("Any"),
        help_text=_("Its local authorities' schools (a county can lie in two or three ICBs)."),
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

    contact = django_filters.ChoiceFilter(
        label=_("Contact email"), choices=CONTACT, method="filter_contact", empty_label=_("Any")
    )
    sort = SortFilter(label=_("Sort by"), fields={field: key for key, field in SORTS.items()})

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
        self.filters["icb"].queryset = icbs_for(scope)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name__icontains=value) | _postcode_condition(value)
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

    def filter_contact(self, queryset, name, value):
        if value == "with":
            return queryset.exclude(contact_email="")
        if value == "without":
            return queryset.filter(contact_email="")
        return queryset
