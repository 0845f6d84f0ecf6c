"""The facilitation pages. ``ACTIONS``: the views the pages' buttons lead to, so a button is
shown only to users the view lets in (``accounts.mixins.user_may_open``)."""

from facilitation.views.engagements import (
    EngagementCreateView,
    EngagementMoveView,
    EngagementUpdateView,
)
from facilitation.views.meetings import (
    MeetingAttendanceView,
    MeetingCancelView,
    MeetingCreateView,
    MeetingEditView,
    MeetingInvitesView,
    MeetingNotesView,
    MeetingReviewView,
)
from facilitation.views.people import (
    StakeholderAddView,
    StakeholderEditView,
    StakeholderImportView,
)
from facilitation.views.plans import PlanAddView
from facilitation.views.ratings import RoundOpenView

ACTIONS = {
    "open": EngagementCreateView,
    "edit": EngagementUpdateView,
    "move": EngagementMoveView,
    "add_stakeholder": StakeholderAddView,
    "edit_stakeholder": StakeholderEditView,
    "import": StakeholderImportView,
    "schedule": MeetingCreateView,
    "edit_meeting": MeetingEditView,
    "cancel_meeting": MeetingCancelView,
    "invites": MeetingInvitesView,
    "notes": MeetingNotesView,
    "attendance": MeetingAttendanceView,
    "plan": PlanAddView,
    "review": MeetingReviewView,
    "rate": RoundOpenView,
}
