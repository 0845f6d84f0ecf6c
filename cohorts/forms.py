"""Forms of the cohorts pages. They check input; the services enforce the programme's rules."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from cohorts.services.places import Attendee


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
