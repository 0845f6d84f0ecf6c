"""The form of a coordinator booking a place for a school that rang (or wrote)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.forms import AttendeeForm, PhoneReasonField


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.urn})"


class PhoneBookingForm(AttendeeForm):
    """The school, its attendee's details, and why the coordinator books for it."""

    establishment = SchoolChoiceField(
        queryset=None,
        label=_("School"),
        help_text=_("Schools in this cohort's area that hold no place in the programme."),
        error_messages={"required": _("Choose the school to book for.")},
    )
    reason = PhoneReasonField()

    field_order = ["establishment", "name", "role", "email", "phone", "access_needs", "reason"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = schools
        self.fields["email"].help_text = _(
            "The booking confirmation goes here, as if the school had booked itself."
        )
