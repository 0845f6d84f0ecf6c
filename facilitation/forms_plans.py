"""Forms of the goal board and the owners' page. They check input; services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_one_line
from facilitation.models import CascadeArea, Goal, GoalStatus, Progress

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriorityForm(forms.Form):
    title = forms.CharField(label=_("Priority"), max_length=200, validators=[validate_one_line])
    cascade_area = forms.ChoiceField(label=_("CASCADE area"), choices=CascadeArea.choices)
    agreed_at = forms.ModelChoiceField(
        label=_("Agreed at"), queryset=None, required=False, empty_label=_("Not recorded")
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_at"].queryset = meetings
        self.fields["agreed_at"].label_from_instance = lambda meeting: meeting.title


class _Owned(forms.Form):
    """A goal towards a priority, or an action towards a goal (``to``), with its owner."""

    to = forms.ModelChoiceField(label=_("Towards"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_one_line])
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_date = forms.DateField(label=_("Due"), widget=_DATE)

    def __init__(self, *args, stakeholders, towards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = stakeholders
        self.fields["to"].queryset = towards


class GoalForm(_Owned):
    pass


class ActionForm(_Owned):
    pass


class OwnerUpdateForm(forms.Form):
    """An owner's update of one goal (status, progress, due date) or action (status, date)."""

    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    progress = forms.TypedChoiceField(label=_("Progress"), choices=Progress.choices, coerce=int)
    due_date = forms.DateField(label=_("Due"), widget=_DATE)

    def __init__(self, *args, item, **kwargs):
        initial = {"status": item.status, "due_date": item.due_date}
        if isinstance(item, Goal):
            initial["progress"] = item.progress
        super().__init__(*args, initial=initial, **kwargs)
        if not isinstance(item, Goal):
            del self.fields["progress"]
