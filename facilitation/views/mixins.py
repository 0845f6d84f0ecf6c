"""What every facilitation page shares: the capabilities it needs and the engagement (or
meeting) of the URL, found within the user's scope, else 404."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.mixins import CoordinatorRequiredMixin
from facilitation.selectors import engagements_in_scope, meetings_in_scope, stakeholders_in_scope

#: Opening and running engagements: coordinators. Facilitators see their own, write the
#: notes and record attendance.
MANAGE = "accounts.manage_cohorts"
RUN = "accounts.run_cohorts"


class ScopedEngagementMixin(CoordinatorRequiredMixin):
    permission_required = MANAGE

    def get_engagement(self):
        return get_object_or_404(engagements_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def get_meeting(self):
        return get_object_or_404(meetings_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    def get_stakeholder(self):
        return get_object_or_404(stakeholders_in_scope(scope=self.scope), pk=self.kwargs["pk"])

    @staticmethod
    def engagement_url(engagement) -> str:
        return reverse("facilitation:detail", kwargs={"pk": engagement.pk})

    @staticmethod
    def meeting_url(meeting) -> str:
        return reverse("facilitation:meeting", kwargs={"pk": meeting.pk})
