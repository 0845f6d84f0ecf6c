"""Forms of the directory pages: venues, local professionals, their CSV import, and adding
professionals to cohorts in bulk. They check input; ``workshops.directory`` enforces the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.forms import PlanAreaForm
from cohorts.models import Cohort
from workshops.directory import Area, LocalProfessionalDetails, VenueDetails
from workshops.directory_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from workshops.models import LocalProfessional, Venue


class DirectoryEntryForm(forms.ModelForm):
    """An entry's details and area, the area among those the coordinator covers."""

    details_class = None

    def __init__(self, *args, local_authorities, mhst_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities
        self.fields["mhst_area"].queryset = mhst_areas
        self.fields["mhst_area"].help_text = _("A local authority, an MHST area or both.")

    def clean(self):
        data = super().clean()
        if not data.get("local_authority") and not data.get("mhst_area"):
            self.add_error("local_authority", _("Choose a local authority, an MHST area or both."))
        return data

    def validate_unique(self):
        """The service refuses a second entry of one name or email in an area, readably."""

    def details(self):
        names = self.details_class.__dataclass_fields__
        return self.details_class(**{name: self.cleaned_data[name] for name in names})

    def area(self) -> Area:
        return Area(
            local_authority=self.cleaned_data["local_authority"],
            mhst_area=self.cleaned_data["mhst_area"],
        )


class VenueForm(DirectoryEntryForm):
    details_class = VenueDetails

    class Meta:
        model = Venue
        fields = (
            "name",
            "address",
            "postcode",
            "easting",
            "northing",
            "accessibility",
            "capacity",
            "local_authority",
            "mhst_area",
        )
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "easting": _(
                "Optional: the venue's position on the British National Grid, in metres "
                "(six digits, from a postcode finder). With it the planning helper can "
                "suggest this venue for cohorts near it."
            ),
            "northing": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["autocomplete"] = "postal-code"

    def clean(self):
        data = super().clean()
        if (data.get("easting") is None) != (data.get("northing") is None):
            self.add_error("northing", _("Give both the easting and the northing, or neither."))
        return data


class LocalProfessionalForm(DirectoryEntryForm):
    details_class = LocalProfessionalDetails

    class Meta:
        model = LocalProfessional
        fields = (
            "name",
            "role",
            "organisation",
            "sector",
            "email",
            "local_authority",
            "mhst_area",
        )
        help_texts = {"role": _("For example clinical lead, educational psychologist.")}


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Up to %(rows)s rows and %(mb)s MB.")
        % {"rows": f"{MAX_IMPORT_ROWS:,}", "mb": MAX_IMPORT_BYTES // (1024 * 1024)},
    )


class DirectoryAreaForm(PlanAreaForm):
    """Which phase and area to add professionals to cohorts in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["size"]


class ProfessionalsToCohortsForm(forms.Form):
    """Which of the area's professionals go to which of the phase's cohorts there."""

    professionals = forms.ModelMultipleChoiceField(
        queryset=LocalProfessional.objects.none(),
        label=_("Professionals"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one professional.")},
    )
    cohorts = forms.ModelMultipleChoiceField(
        queryset=Cohort.objects.none(),
        label=_("Cohorts"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one cohort.")},
    )

    def __init__(self, *args, professionals, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionals"].queryset = professionals
        self.fields["professionals"].label_from_instance = lambda p: (
            f"{p.name}, {p.role + ', ' if p.role else ''}{p.organisation} "
            f"({p.get_sector_display()})"
        )
        self.fields["cohorts"].queryset = cohorts
        self.fields["cohorts"].label_from_instance = lambda c: (
            f"{c.name} ({c.get_status_display().lower()})"
        )
