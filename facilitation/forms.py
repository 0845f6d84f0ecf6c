"""Forms of the facilitation pages. They check input; the services enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import users_with_role
from core.validators import validate_one_line
from facilitation.models import MeetingKind, Sector, StakeholderRole

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EngagementForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, validators=[validate_one_line])
    local_authority = forms.ModelChoiceField(
        label=_("Local authority"), queryset=None, required=False
    )
    mhst_area = forms.ModelChoiceField(label=_("or MHST area"), queryset=None, required=False)
    icb = forms.ModelChoiceField(label=_("or integrated care board"), queryset=None, required=False)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"), queryset=None, required=False
    )
    joining_link = forms.URLField(
        label=_("Usual joining link for the meetings"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, local_authorities, mhst_areas, icbs, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
        self.fields["mhst_area"].queryset = mhst_areas
        self.fields["icb"].queryset = icbs
        self.fields["facilitators"].queryset = users_with_role(Role.FACILITATOR)
        self.editing = editing
        if editing:  # an engagement's area stays
            for name in ("local_authority", "mhst_area", "icb"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not self.editing:
            chosen = [n for n in ("local_authority", "mhst_area", "icb") if data.get(n)]
            if len(chosen) != 1:
                raise forms.ValidationError(
                    _("Choose one area: a local authority, an MHST area or an ICB.")
                )
        return data


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, validators=[validate_one_line])
    role = forms.ChoiceField(label=_("Role"), choices=StakeholderRole.choices)
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, validators=[validate_one_line]
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    email = forms.EmailField(label=_("Email address"))
    is_lead = forms.BooleanField(label=_("Lead contact for the area"), required=False)


class StakeholderImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, role, organisation, sector, email, and optionally lead contact "
            "(yes or blank). If any row is wrong, nothing is added."
        ),
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting"), choices=MeetingKind.choices)
    date = forms.DateField(label=_("Date"), widget=_DATE)
    start_time = forms.TimeField(label=_("Starts"), widget=_TIME)
    end_time = forms.TimeField(label=_("Ends"), widget=_TIME)
    joining_link = forms.URLField(
        label=_("Joining link, if not the engagement's"), required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("A meeting must end after it starts."))
        return data


class InviteListForm(forms.Form):
    """Who is invited to a meeting: everyone on the engagement, or those ticked."""

    everyone = forms.TypedChoiceField(
        label=_("Who is invited"),
        choices=[
            ("yes", _("Everyone on the engagement, and anyone added later")),
            ("no", _("Only the people ticked below")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        required=False,
        empty_value=True,  # not said: everyone, as before lists were chosen
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invite"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [
            (s.pk, f"{s.name}, {s.organisation} ({s.get_sector_display()})") for s in stakeholders
        ]

    def clean(self):
        data = super().clean()
        if data.get("everyone") is False and not data.get("invitees"):
            self.add_error(
                "invitees", _("Tick at least one person, or invite everyone on the engagement.")
            )
        return data


class MeetingScheduleForm(MeetingForm, InviteListForm):
    """A new meeting: its details, then who is invited."""

    field_order = [*MeetingForm.base_fields, *InviteListForm.base_fields]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Each save is kept: earlier versions stay in the history below."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, validators=[validate_one_line])
