"""Forms of the invitation wave pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Wave
from cohorts.selectors import local_authorities_in_scope, mhst_areas_in_scope, phases_in_scope
from schools.models import TypeGroup


class WaveForm(forms.ModelForm):
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
            "local_authorities",
            "mhst_areas",
            "type_groups",
            "mhst_only",
            "rate_per_minute",
        )
        widgets = {
            "local_authorities": forms.CheckboxSelectMultiple,
            "mhst_areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["phase"].queryset = phases_in_scope(scope=scope)
        self.fields["local_authorities"].queryset = local_authorities_in_scope(scope=scope)
        self.fields["mhst_areas"].queryset = mhst_areas_in_scope(scope=scope)

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("local_authorities") or cleaned.get("mhst_areas")
        if not self.scope.national and not chosen:
            # "All of the phase's areas" may reach beyond a regional coordinator's areas.
            raise forms.ValidationError(
                _("Choose the local authorities or MHST areas this wave is for.")
            )
        return cleaned


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to start now."),
    )
