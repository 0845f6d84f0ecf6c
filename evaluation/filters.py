"""The filters of the evaluation reports (django-filter over the cohorts a user may see).

Phase, region, local authority, MHST area and cohort narrow the cohorts; audience and the
pair of time points say what to report on them. The delivery model shows the cohorts'
figures, the facilitation engagements' CASCADE ratings (narrowed by region, local authority
and MHST area: ``evaluation.selectors.facilitation``), or both. Every choice offered lies in
the user's scope, so a cohort or area outside it is an invalid choice: the report then shows
the error and no figures.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cohorts.models import Phase
from evaluation.models import Audience, TimePoint
from evaluation.selectors.groups import ReportGroup
from schools.models import LocalAuthority, MHSTArea, Region

DEFAULT_TIME_A = TimePoint.BASELINE
DEFAULT_TIME_B = TimePoint.FOLLOW_UP
#: The cohort filter lists every cohort in the user's scope up to this many; beyond (a
#: national report), only those of the local authority or MHST area chosen.
COHORT_OPTIONS_MAX = 150
#: The programme's two ways of delivering; the report shows either or both (the default).
COHORTS, FACILITATION = "cohorts", "facilitation"
DELIVERY_MODELS = (
    (COHORTS, _("Workshops (cohorts)")),
    (FACILITATION, _("Online strategic facilitation")),
)


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
    delivery_model = django_filters.ChoiceFilter(
        label=_("Delivery model"), choices=DELIVERY_MODELS, method=_keep, empty_label=_("Both")
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
        if data is not None and not (data.get("time_a") and data.get("time_b")):
            # A link naming only other filters compares the default time points: the form
            # shows them, rather than the first choice of each list beside other figures.
            data = data.copy()
            data["time_a"] = data.get("time_a") or DEFAULT_TIME_A
            data["time_b"] = data.get("time_b") or DEFAULT_TIME_B
        super().__init__(data, queryset=queryset, **kwargs)

        def with_cohorts(model, field: str):
            # EXISTS per option, not a join of every cohort made distinct: the same
            # options, without reading all 12,000 cohorts of a national scope.
            return model.objects.filter(Exists(queryset.filter(**{field: OuterRef("pk")})))

        self.filters["phase"].queryset = with_cohorts(Phase, "phase")
        self.filters["local_authority"].queryset = with_cohorts(LocalAuthority, "local_authority")
        self.filters["mhst_area"].queryset = with_cohorts(MHSTArea, "mhst_area")
        self.filters["cohort"].queryset = queryset.select_related("phase").order_by("name")
        self.filters["time_a"].extra["initial"] = DEFAULT_TIME_A
        self.filters["time_b"].extra["initial"] = DEFAULT_TIME_B
        regions = set(
            with_cohorts(LocalAuthority, "local_authority")
            .exclude(region="")
            .values_list("region", flat=True)
        )
        self.filters["region"].extra["choices"] = [
            (value, label) for value, label in Region.choices if value in regions
        ]

    def limit_cohort_options(self) -> None:
        """List in the cohort filter only the cohorts of the local authority or MHST area
        chosen, when the user's scope holds more than ``COHORT_OPTIONS_MAX`` (so a national
        page is not one option per cohort in the country). Only what is listed changes: any
        cohort in scope is still a valid choice (a link naming one keeps working)."""
        field = self.form.fields["cohort"]
        data = self.data or {}
        shown = field.queryset
        narrowed = False
        for name, column in (
            ("local_authority", "local_authority_id"),
            ("mhst_area", "mhst_area_id"),
        ):
            value = str(data.get(name) or "")
            if value.isdigit():
                shown, narrowed = shown.filter(**{column: int(value)}), True
        if not narrowed:
            if shown.count() <= COHORT_OPTIONS_MAX:
                return
            chosen = str(data.get("cohort") or "")
            shown = shown.filter(pk=int(chosen)) if chosen.isdigit() else shown.none()
            field.help_text = _(
                "Choose a local authority or MHST area and show the report to pick one of "
                "its cohorts."
            )
        field.widget.choices = [("", field.empty_label)] + [
            (cohort.pk, field.label_from_instance(cohort)) for cohort in shown
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
            "delivery_model": data.get("delivery_model") or "",
        }

    def report_group(self) -> tuple[ReportGroup | None, dict]:
        """The group and options the filters ask for; no group when the filters are invalid
        (a cohort or area outside the user's scope among them: ``problems`` says which)."""
        if self.is_bound and not self.is_valid():
            return None, {}
        if not self.is_bound:
            options = {"audience": "", "time_a": DEFAULT_TIME_A, "time_b": DEFAULT_TIME_B}
            return ReportGroup(cohorts=self.queryset), options
        options = self.report_options()
        return ReportGroup(cohorts=self.qs, audience=options["audience"]), options

    def problems(self) -> str:
        """What is wrong with the filters, in one sentence per filter."""
        return " ".join(
            f"{self.filters[name].label if name in self.filters else 'Filters'}: "
            + " ".join(str(message) for message in messages)
            for name, messages in self.errors.items()
        )
