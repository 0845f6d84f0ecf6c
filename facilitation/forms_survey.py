"""Forms of the schools survey: starting it (its closing date) and a school's answers, one
field per question of ``QUESTIONS``. They check input; the services keep the rules."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilitation import conf
from facilitation.models import QUESTIONS
from facilitation.models.survey import FREE_TEXT_MAX

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyStartForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Open until (the last day answers are taken)"),
        widget=_DATE,
        error_messages={"invalid": _("Enter the closing date as a date, e.g. 2026-07-15.")},
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"closes_on": today + timedelta(days=conf.schools_survey_days())}
        )
        super().__init__(*args, **kwargs)


class SchoolsSurveyForm(forms.Form):
    """One field per question: a choice question is one radio group (required), the free
    text a box (optional)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            if question.free_text:
                self.fields[question.key] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=FREE_TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                self.fields[question.key] = forms.ChoiceField(
                    label=question.text,
                    choices=question.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Pick one answer.")},
                )

    def questions(self):
        """(question, bound field) in the survey's order, for the template."""
        return [(question, self[question.key]) for question in QUESTIONS]
