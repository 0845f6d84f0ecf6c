"""The answering form, built from one questionnaire version: one field per question.

The form lays the questions out and collects what was typed or chosen; it does not judge the
answers. ``evaluation.services.responses.response_save`` does (the same rules for every way
in), and its messages are put back on the fields with ``add_answer_errors``. So every field
here accepts any text, and the form itself is always valid.

Scale, yes/no and single-choice questions are radio buttons, numbers a number input with
the question's bounds, free text a text area. The template (``evaluation/survey/answer.html``)
draws each section as a fieldset and each radio question as a fieldset of its own, with help
text and errors tied to the inputs by ``aria-describedby``.
"""

from dataclasses import dataclass

from django import forms
from django.utils.text import Truncator

from evaluation.models import LIKERT_MAX, LIKERT_MIN, Question, QuestionKind, Section
from evaluation.services.responses import FREE_TEXT_MAX_LENGTH, YES_NO_CHOICES

#: How many words of a question the error summary quotes.
SUMMARY_WORDS = 12
RADIO_KINDS = (QuestionKind.LIKERT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE)


def likert_choices(question: Question) -> list[tuple[str, str]]:
    """1 to 5, the ends labelled: "1 – Strongly disagree", "2", … "5 – Strongly agree"."""
    choices = []
    for point in range(LIKERT_MIN, LIKERT_MAX + 1):
        label = str(point)
        if point == LIKERT_MIN:
            label = f"{point} – {question.likert_low_label}"
        elif point == LIKERT_MAX:
            label = f"{point} – {question.likert_high_label}"
        choices.append((str(point), label))
    return choices


def _field_for(question: Question) -> forms.Field:
    """A field for ``question`` that takes any text (the service checks it)."""
    if question.kind == QuestionKind.LIKERT:
        widget = forms.RadioSelect(choices=likert_choices(question))
    elif question.kind == QuestionKind.YES_NO:
        widget = forms.RadioSelect(choices=YES_NO_CHOICES)
    elif question.kind == QuestionKind.SINGLE_CHOICE:
        widget = forms.RadioSelect(choices=[(c.value, c.label) for c in question.choices.all()])
    elif question.kind == QuestionKind.NUMBER:
        attrs = {"class": "form-control", "inputmode": "numeric", "step": "1"}
        if question.min_value is not None:
            attrs["min"] = question.min_value
        if question.max_value is not None:
            attrs["max"] = question.max_value
        widget = forms.NumberInput(attrs=attrs)
    else:
        widget = forms.Textarea(
            attrs={"class": "form-control", "rows": 4, "maxlength": FREE_TEXT_MAX_LENGTH}
        )
    if question.kind in RADIO_KINDS:
        widget.attrs["class"] = "form-check-input"
    return forms.CharField(
        label=question.text, required=False, strip=False, widget=widget, help_text=""
    )


@dataclass
class QuestionField:
    """A question with its bound field, and the ids the template ties together."""

    question: Question
    field: forms.BoundField

    @property
    def is_radio(self) -> bool:
        return self.question.kind in RADIO_KINDS

    @property
    def is_inline(self) -> bool:
        """Scale and yes/no answers sit side by side; a list of choices is a column."""
        return self.question.kind in (QuestionKind.LIKERT, QuestionKind.YES_NO)

    @property
    def anchor(self) -> str:
        """The id an error summary links to: the input, or a group's first radio button."""
        if self.is_radio:
            return f"{self.field.auto_id}_0"
        return self.field.auto_id

    @property
    def help_id(self) -> str:
        return f"{self.field.auto_id}_help"

    @property
    def error_id(self) -> str:
        return f"{self.field.auto_id}_error"

    @property
    def describedby(self) -> str:
        """The ids of the help text and the error message, for ``aria-describedby``."""
        ids = []
        if self.question.help_text:
            ids.append(self.help_id)
        if self.field.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def input(self) -> str:
        """A text or number input, described by its help and error, marked when invalid."""
        attrs = {}
        if self.describedby:
            attrs["aria-describedby"] = self.describedby
        if self.field.errors:
            attrs["aria-invalid"] = "true"
            attrs["class"] = "form-control is-invalid"
        return self.field.as_widget(attrs=attrs)


@dataclass
class SectionFields:
    section: Section
    questions: list[QuestionField]


class SurveyForm(forms.Form):
    """``questions`` are the version's questions in order (with their sections and
    choices); ``initial`` the saved answers by question code."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = _field_for(question)

    def answers(self) -> dict[str, str]:
        """What was typed or chosen, by question code (blank when nothing was)."""
        return {q.code: self.cleaned_data.get(q.code) or "" for q in self.questions}

    def add_answer_errors(self, errors: dict[str, str]) -> None:
        """Put the service's messages (question code to message) on their fields."""
        for code, message in errors.items():
            if code in self.fields:
                self.add_error(code, message)

    def sections(self) -> list[SectionFields]:
        """The questions grouped by section, in order, for the template."""
        grouped: list[SectionFields] = []
        for question in self.questions:
            if not grouped or grouped[-1].section.pk != question.section_id:
                grouped.append(SectionFields(section=question.section, questions=[]))
            item = QuestionField(question=question, field=self[question.code])
            grouped[-1].questions.append(item)
        return grouped

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor id, text) of each error for the summary, in the questionnaire's order; the
        text starts with the question's first words, so each link says which it is about."""
        links = []
        for section in self.sections():
            for item in section.questions:
                about = Truncator(item.question.text).words(SUMMARY_WORDS, truncate="…")
                for error in item.field.errors:
                    links.append((item.anchor, f"{about} — {error}"))
        return links
