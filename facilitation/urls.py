"""URLs of online strategic facilitation: /facilitation/…, coordinators and facilitators."""

from django.urls import path

from facilitation.models import MOVES, Action, Goal
from facilitation.views import engagements, meetings, people, plans, ratings, survey

app_name = "facilitation"

moves = [
    path(
        f"<int:pk>/{name}/",
        engagements.EngagementMoveView.as_view(move=name),
        name=name,
    )
    for name in MOVES
]

urlpatterns = [
    path("", engagements.EngagementListView.as_view(), name="list"),
    path("new/", engagements.EngagementCreateView.as_view(), name="create"),
    path("<int:pk>/", engagements.EngagementDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", engagements.EngagementUpdateView.as_view(), name="edit"),
    *moves,
    path("<int:pk>/stakeholders/new/", people.StakeholderAddView.as_view(), name="stakeholder-add"),
    path(
        "<int:pk>/stakeholders/import/",
        people.StakeholderImportView.as_view(),
        name="stakeholder-import",
    ),
    path(
        "<int:pk>/stakeholders/template.csv",
        people.StakeholderTemplateView.as_view(),
        name="stakeholder-template",
    ),
    path(
        "stakeholders/<int:pk>/edit/", people.StakeholderEditView.as_view(), name="stakeholder-edit"
    ),
    path("<int:pk>/meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting-create"),
    path("<int:pk>/goals/", plans.GoalBoardView.as_view(), name="goals"),
    *[
        path(f"<int:pk>/goals/{what}/", plans.PlanAddView.as_view(what=what), name=f"add-{what}")
        for what in ("priority", "goal", "action")
    ],
    path("goals/", plans.GoalListView.as_view(), name="goal-list"),
    # An owner's own goals and actions, from their signed link (no login).
    path("mine/<str:token>/", plans.OwnerView.as_view(), name="owner"),
    path(
        "mine/<str:token>/goals/<int:pk>/",
        plans.OwnerUpdateView.as_view(model=Goal),
        name="owner-goal",
    ),
    path(
        "mine/<str:token>/actions/<int:pk>/",
        plans.OwnerUpdateView.as_view(model=Action),
        name="owner-action",
    ),
    # The schools survey, and a school's own page from its signed link (no login).
    path("<int:pk>/schools-survey/", survey.SchoolsSurveyView.as_view(), name="schools-survey"),
    path(
        "<int:pk>/schools-survey/start/",
        survey.SchoolsSurveyStartView.as_view(),
        name="schools-survey-start",
    ),
    path(
        "<int:pk>/schools-survey/send/",
        survey.SchoolsSurveyInviteMoreView.as_view(),
        name="schools-survey-send",
    ),
    path(
        "<int:pk>/schools-survey/close/",
        survey.SchoolsSurveyCloseView.as_view(),
        name="schools-survey-close",
    ),
    path(
        "schools-survey/<str:token>/",
        survey.SchoolsSurveyAnswerView.as_view(),
        name="schools-survey-answer",
    ),
    # CASCADE ratings: the rounds of an engagement, and a stakeholder's page from their link.
    path("<int:pk>/ratings/", ratings.RatingsView.as_view(), name="ratings"),
    path(
        "<int:pk>/ratings/<str:point>/open/", ratings.RoundOpenView.as_view(), name="ratings-open"
    ),
    path(
        "<int:pk>/ratings/<str:point>/close/",
        ratings.RoundCloseView.as_view(),
        name="ratings-close",
    ),
    path(
        "<int:pk>/ratings/<str:point>/enter/",
        ratings.LiveEntryView.as_view(),
        name="ratings-enter",
    ),
    path("rate/<str:token>/", ratings.RateView.as_view(), name="rate"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meetings.MeetingCancelView.as_view(), name="meeting-cancel"),
    path(
        "meetings/<int:pk>/invites/", meetings.MeetingInvitesView.as_view(), name="meeting-invites"
    ),
    path("meetings/<int:pk>/notes/", meetings.MeetingNotesView.as_view(), name="meeting-notes"),
    path(
        "meetings/<int:pk>/attendance/",
        meetings.MeetingAttendanceView.as_view(),
        name="meeting-attendance",
    ),
    path("meetings/<int:pk>/review/", meetings.MeetingReviewView.as_view(), name="meeting-review"),
    path(
        "meetings/<int:pk>/meeting.ics",
        meetings.MeetingCalendarView.as_view(),
        name="meeting-calendar",
    ),
]
