"""Forms of the rollout pages: a phase (national admins, ``cohorts.services.phases``) and an
LA's term dates (``cohorts.services.terms``)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_one_line
from schools.models import LocalAuthority, MHSTArea


class PhaseForm(forms.Form):
    """A phase's name, dates and areas. The service checks the rules again for any caller."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        validators=[validate_one_line],
        help_text=_('For example "Year 1, autumn 2019: MHST trailblazers".'),
    )
    # <input type="date"> takes only ISO dates, whatever the locale's format.
    start_date = forms.DateField(
        label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mhst_areas = forms.ModelMultipleChoiceField(
        queryset=MHSTArea.objects.order_by("name"),
        label=_("MHST areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Areas with Mental Health Support Teams came first in the rollout."),
    )
    local_authorities = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.filter(is_current=True).order_by("name"),
        label=_("Local authorities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, phase=None, **kwargs):
        if phase is not None:
            kwargs["initial"] = {
                "name": phase.name,
                "start_date": phase.start_date,
                "end_date": phase.end_date,
                "mhst_areas": list(phase.mhst_areas.all()),
                "local_authorities": list(phase.local_authorities.all()),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if phase is not None:  # an LA no longer current stays choosable on a phase that has it
            self.fields["local_authorities"].queryset = LocalAuthority.objects.filter(
                Q(is_current=True) | Q(pk__in=phase.local_authorities.values("pk"))
            ).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The phase must end on or after the day it starts."))
        if not data.get("mhst_areas") and not data.get("local_authorities"):
            self.add_error(None, _("Choose the MHST areas or local authorities this phase covers."))
        return data


class TermDatesForm(forms.Form):
    """An LA's term dates file; the LAs offered are those the user's scope covers whole."""

    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(), label=_("Local authority")
    )
    file = forms.FileField(
        label=_("Term dates (CSV)"),
        help_text=_(
            "Columns term, first_day and last_day, a row per half term "
            "(e.g. Autumn 1, 2025-09-02, 2025-10-24). It replaces that LA's terms of the "
            "school years it covers."
        ),
        error_messages={"required": _("Choose the CSV file of the LA's term dates.")},
    )

    def __init__(self, *args, local_authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
