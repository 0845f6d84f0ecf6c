"""The CASCADE rating form: each of the seven areas rated 1 to 5, or "don't know". It turns
the answers into the service's scores; the service keeps the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from facilitation.models import RATING_MAX, RATING_MIN, CascadeArea

DONT_KNOW = "dk"
SCALE = (
    (str(RATING_MIN), _("%(n)s (not at all)") % {"n": RATING_MIN}),
    *[(str(n), str(n)) for n in range(RATING_MIN + 1, RATING_MAX)],
    (str(RATING_MAX), _("%(n)s (very well)") % {"n": RATING_MAX}),
    (DONT_KNOW, _("Don’t know")),
)
#: What the ends of the scale mean, said once above the areas.
SCALE_HELP = _("1: not at all · 5: very well")


class CascadeRatingForm(forms.Form):
    """One required radio group per CASCADE area, named by the area's value."""

    def __init__(self, *args, scores: dict[str, int | None] | None = None, **kwargs):
        if scores is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                area: DONT_KNOW if score is None else str(score) for area, score in scores.items()
            }
        super().__init__(*args, **kwargs)
        for value, label in CascadeArea.choices:
            self.fields[value] = forms.ChoiceField(
                label=label,
                choices=SCALE,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a rating or “don’t know” for “%(area)s”.")
                    % {"area": label},
                    "invalid_choice": _("Choose a rating from 1 to 5 or “don’t know”."),
                },
            )

    def scores(self) -> dict[str, int | None]:
        """The scores for the service: area -> 1..5, or None for "don't know"."""
        return {
            area: None if value == DONT_KNOW else int(value)
            for area, value in self.cleaned_data.items()
        }

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) of each error, for the summary at the top."""
        return [(f"id_{name}_0", error) for name, errors in self.errors.items() for error in errors]


class LiveEntryForm(CascadeRatingForm):
    """A facilitator enters the ratings a stakeholder gave at the meeting."""

    def __init__(self, *args, stakeholders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "stakeholder": forms.ModelChoiceField(
                label=_("Stakeholder"),
                queryset=stakeholders,
                error_messages={"required": _("Choose whose ratings these are.")},
            ),
            **self.fields,
        }

    def scores(self) -> dict[str, int | None]:
        data = dict(self.cleaned_data)
        data.pop("stakeholder", None)
        return {area: None if value == DONT_KNOW else int(value) for area, value in data.items()}
