"""Forms of the invitation wave pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import RECORDED_CHANNELS, Wave, WaveAudience
from cohorts.selectors import phases_in_scope, wave_area_choices
from schools.models import TypeGroup


class WaveForm(forms.ModelForm):
    """A new wave's definition. The choices are clipped to the user's scope; the service
    (``cohorts.services.waves.wave_create``) enforces the same, for any other caller."""

    type_groups = forms.TypedMultipleChoiceField(
        label=_("Type groups"),
        choices=TypeGroup.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for every type."),
    )

    class Meta:
        model = Wave
        fields = (
            "name",
            "phase",
            "audience",
            "local_authorities",
            "mhst_areas",
            "type_groups",
            "mhst_only",
            "rate_per_minute",
        )
        widgets = {
            "audience": forms.RadioSelect,
            "local_authorities": forms.CheckboxSelectMultiple,
            "mhst_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases_in_scope(scope=scope)
        las, areas = wave_area_choices(scope=scope)
        self.fields["local_authorities"].queryset = las
        self.fields["mhst_areas"].queryset = areas
        self.fields["rate_per_minute"].required = False  # empty: as fast as the workers can
        self.fields["audience"].required = False  # unanswered: every school, as before
        if not scope.national:
            self.fields["local_authorities"].help_text = _(
                "Your whole local authorities. Choose these or MHST areas."
            )
            self.fields["mhst_areas"].help_text = _(
                "MHST areas assigned to you. An area that only touches your local authority "
                "is not offered: it may reach schools in others. To invite the schools of your "
                "LA that are in MHST areas, choose the LA and tick 'MHST areas only'."
            )

    def clean_audience(self):
        return self.cleaned_data["audience"] or WaveAudience.AREAS

    def clean_rate_per_minute(self):
        return self.cleaned_data["rate_per_minute"] or 0


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to start now."),
    )


class InvitationRecordForm(forms.Form):
    """An invitation a coordinator made by phone, on paper or in person, for one school."""

    urn = forms.IntegerField(
        label=_("School URN"),
        min_value=1,
        help_text=_("The unique reference number of the school or college you invited."),
    )
    channel = forms.ChoiceField(
        label=_("How"),
        choices=[(c.value, c.label) for c in RECORDED_CHANNELS],
    )
