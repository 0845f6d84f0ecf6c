"""Forms of the set-up table: many cohorts' workshop days, venue and facilitators at once
(``cohorts.services.setup``). They check input; the services enforce the programme's rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.forms import PlanAreaForm
from cohorts.services.setup import split_logins, users_by_login
from core.validators import validate_one_line

#: The fields one row's set-up copies to the others (dates differ from cohort to cohort).
COPIED_FIELDS = ("start_time", "end_time", "venue_name", "venue_address", "facilitators")


class SetUpAreaForm(PlanAreaForm):
    """Which phase and area's cohorts the table shows (the planning helper's choices)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["size"]
        self.fields["area"].help_text = ""


def _date_field(label):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _time_field(label):
    return forms.TimeField(
        label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class CohortSetUpForm(forms.Form):
    """One row of the table: one cohort (``cohort``, its id, checked against the page's)."""

    cohort = forms.IntegerField(widget=forms.HiddenInput)
    day_1 = _date_field(_("Workshop 1"))
    day_2 = _date_field(_("Workshop 2"))
    start_time = _time_field(_("Starts"))
    end_time = _time_field(_("Ends"))
    venue_name = forms.CharField(
        label=_("Venue"), max_length=200, required=False, validators=[validate_one_line]
    )
    venue_address = forms.CharField(
        label=_("Venue address"), required=False, validators=[validate_one_line]
    )
    facilitators = forms.CharField(
        label=_("Facilitators (logins)"), required=False, validators=[validate_one_line]
    )
    reason = forms.CharField(
        label=_("Reason, if on a weekend or bank holiday"),
        max_length=100,
        required=False,
        validators=[validate_one_line],
    )
    open = forms.BooleanField(label=_("Open for booking"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "open":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["open"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("A workshop must end after it starts."))
        if data.get("day_1") and data.get("day_2") and data["day_2"] <= data["day_1"]:
            self.add_error("day_2", _("Workshop 2 must be after workshop 1."))
        return data


class BaseSetUpFormSet(forms.BaseFormSet):
    """The table. ``cohorts``: the page's cohorts by id; a row naming another is refused.
    Facilitators' logins are looked up for every row in one query."""

    def __init__(self, *args, cohorts, **kwargs):
        self.cohorts = cohorts
        super().__init__(*args, **kwargs)

    def clean(self):
        rows = [getattr(form, "cleaned_data", {}) for form in self.forms]
        users = users_by_login(
            {login for row in rows for login in split_logins(row.get("facilitators", ""))}
        )
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if form.cleaned_data.get("cohort") not in self.cohorts:
                form.add_error(None, _("This row is not one of this table's cohorts."))
                continue
            wanted = split_logins(form.cleaned_data.get("facilitators", ""))
            unknown = [login for login in wanted if login not in users]
            if unknown:
                form.add_error("facilitators", _("No user has the login %s.") % ", ".join(unknown))
            form.cleaned_data["facilitator_users"] = [users[x] for x in wanted if x in users]


SetUpFormSet = forms.formset_factory(
    CohortSetUpForm, formset=BaseSetUpFormSet, extra=0, max_num=500, validate_max=True
)
