"""Forms of the cohorts pages. They check input; the services enforce the programme's rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cohorts.models import MAX_COHORT_CAPACITY, Cohort
from cohorts.services.places import Attendee
from workshops.models import Professional


class AttendeeForm(forms.Form):
    """Who attends both workshop days for the school."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.CharField(
        label=_("Role"),
        max_length=150,
        help_text=_("For example senior mental health lead, SENCo or deputy head."),
    )
    email = forms.EmailField(
        label=_("Email address"), help_text=_("We send the joining details here.")
    )
    phone = forms.CharField(label=_("Phone number (optional)"), max_length=30, required=False)
    access_needs = forms.CharField(
        label=_("Access needs (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Anything that would help the attendee take part, such as step-free access or a "
            "dietary need. Only the programme team and facilitators see it, and only to "
            "arrange the days."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")

    @classmethod
    def initial_from(cls, place) -> dict:
        return {
            "name": place.attendee_name,
            "role": place.attendee_role,
            "email": place.attendee_email,
            "phone": place.attendee_phone,
            "access_needs": place.access_needs,
        }

    def attendee(self) -> Attendee:
        data = self.cleaned_data
        return Attendee(
            name=data["name"].strip(),
            role=data["role"].strip(),
            email=data["email"],
            phone=data["phone"].strip(),
            access_needs=data["access_needs"].strip(),
        )


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        dates = " and ".join(
            date_format(d, "j F Y") for d in (obj.day_1_date, obj.day_2_date) if d is not None
        )
        return f"{obj.name}: {dates} ({obj.places_left} places left)"


class MoveForm(forms.Form):
    """Choose another cohort with places left."""

    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        label=_("Move to"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the cohort to move to.")},
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class CohortForm(forms.ModelForm):
    """A cohort's details; saved through cohort_create / cohort_update / cohort_set_capacity."""

    joining_link = forms.URLField(
        label=_("Joining link (online cohorts)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )

    class Meta:
        model = Cohort
        fields = (
            "name",
            "phase",
            "local_authority",
            "mhst_area",
            "capacity",
            "format",
            "venue_name",
            "venue_address",
            "joining_link",
            "facilitators",
        )
        widgets = {"venue_address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, phases, local_authorities, mhst_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases
        self.fields["local_authority"].queryset = local_authorities
        self.fields["mhst_area"].queryset = mhst_areas
        self.fields["facilitators"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].max_value = MAX_COHORT_CAPACITY
        if self.instance.pk:
            # Moving a cohort to another phase would re-plan it; make a new one instead.
            self.fields["phase"].disabled = True

    def clean(self):
        data = super().clean()
        if not data.get("local_authority") and not data.get("mhst_area"):
            self.add_error("local_authority", _("Choose a local authority, an MHST area or both."))
        return data


class WorkshopForm(forms.Form):
    """One workshop day. Blank venue and link mean "the cohort's"."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue_name = forms.CharField(label=_("Venue, if not the cohort's"), required=False)
    venue_address = forms.CharField(
        label=_("Venue address, if not the cohort's"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    joining_link = forms.URLField(
        label=_("Joining link, if not the cohort's"), required=False, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("A workshop must end after it starts."))
        return data


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = Professional
        fields = ("name", "organisation", "organisation_type", "email")
