"""URLs of the cohorts app: coordinators' cohort pages and schools' self-service booking."""

from django.urls import path

from cohorts.views import (
    coordinator,
    directory,
    places,
    planning,
    public,
    rollout,
    roster,
    sessions,
    setup,
    setup_import,
    waves,
)

app_name = "cohorts"

# A school's signed link: /cohorts/book/<token>/ and the pages it leads to.
book = "book/<str:token>/"

wave_actions = [
    path(f"waves/<int:pk>/{action}/", view.as_view(), name=f"wave-{action}")
    for action, view in (
        ("launch", waves.WaveLaunchView),
        ("pause", waves.WavePauseView),
        ("resume", waves.WaveResumeView),
        ("cancel", waves.WaveCancelView),
        ("retry", waves.WaveRetryView),
    )
]

directory_pages = [
    path(f"directory/{segment}/{action}", view.as_view(kind=kind), name=f"{name}-{suffix}")
    for segment, kind, name in (
        ("venues", "venue", "venue"),
        ("professionals", "professional", "local-professional"),
    )
    for action, view, suffix in (
        ("", directory.DirectoryListView, "list"),
        ("new/", directory.DirectoryEntryFormView, "create"),
        ("<int:pk>/edit/", directory.DirectoryEntryFormView, "edit"),
        ("import/", directory.DirectoryImportView, "import"),
    )
]

urlpatterns = [
    *directory_pages,
    path(
        "directory/professionals/to-cohorts/",
        directory.ProfessionalsToCohortsView.as_view(),
        name="professionals-to-cohorts",
    ),
    path("waves/", waves.WaveListView.as_view(), name="wave-list"),
    path("waves/new/", waves.WaveCreateView.as_view(), name="wave-create"),
    path("waves/<int:pk>/", waves.WaveDetailView.as_view(), name="wave-detail"),
    path("waves/<int:pk>/progress.json", waves.WaveProgressView.as_view(), name="wave-progress"),
    path(
        "waves/<int:pk>/invitations/record/",
        waves.InvitationRecordView.as_view(),
        name="wave-invitation-record",
    ),
    *wave_actions,
    # Coordinators (signed in, scoped to their areas)
    path("", coordinator.CohortListView.as_view(), name="list"),
    path("new/", coordinator.CohortCreateView.as_view(), name="create"),
    path("<int:pk>/", coordinator.CohortDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", coordinator.CohortUpdateView.as_view(), name="edit"),
    path("<int:pk>/workshops/", sessions.WorkshopsEditView.as_view(), name="workshops"),
    path("<int:pk>/open/", coordinator.CohortOpenView.as_view(), name="open"),
    path("<int:pk>/start/", coordinator.CohortStartView.as_view(), name="start"),
    path("<int:pk>/complete/", coordinator.CohortCompleteView.as_view(), name="complete"),
    path("<int:pk>/attendance/<int:day>/", sessions.AttendanceView.as_view(), name="attendance"),
    path(
        "<int:pk>/professionals/new/",
        sessions.ProfessionalAddView.as_view(),
        name="professional-add",
    ),
    path("<int:pk>/roster.csv", roster.RosterCsvView.as_view(), name="roster-csv"),
    path("<int:pk>/cancel/", coordinator.CohortCancelView.as_view(), name="cancel"),
    path("plan/", planning.CohortPlanView.as_view(), name="plan"),
    path("set-up/", setup.CohortSetUpView.as_view(), name="set-up"),
    path("set-up/copy/", setup.CohortSetUpCopyView.as_view(), name="set-up-copy"),
    path("set-up/import/", setup_import.CohortSetUpImportView.as_view(), name="set-up-import"),
    path(
        "set-up/import/<int:pk>/",
        setup_import.SetUpImportStatusView.as_view(),
        name="set-up-import-status",
    ),
    path(
        "set-up/import/<int:pk>/progress.json",
        setup_import.SetUpImportProgressView.as_view(),
        name="set-up-import-progress",
    ),
    path(
        "set-up/import/template.csv",
        setup_import.CohortSetUpTemplateView.as_view(),
        name="set-up-import-template",
    ),
    path("rollout/", rollout.RolloutView.as_view(), name="rollout"),
    path("rollout/phases/new/", rollout.PhaseCreateView.as_view(), name="phase-create"),
    path("rollout/phases/<int:pk>/edit/", rollout.PhaseUpdateView.as_view(), name="phase-edit"),
    path("rollout/term-dates/", rollout.TermDatesView.as_view(), name="term-dates"),
    path(
        "professionals/<int:pk>/edit/",
        sessions.ProfessionalEditView.as_view(),
        name="professional-edit",
    ),
    path(
        "professionals/<int:pk>/remove/",
        sessions.ProfessionalRemoveView.as_view(),
        name="professional-remove",
    ),
    path("<int:pk>/book/", places.PlaceBookByPhoneView.as_view(), name="place-book-phone"),
    path("places/<int:pk>/move/", places.PlaceMoveView.as_view(), name="place-move"),
    path("places/<int:pk>/cancel/", places.PlaceCancelView.as_view(), name="place-cancel"),
    # Schools (no login)
    path(book, public.BookingHomeView.as_view(), name="book"),
    path(f"{book}cohort/<int:cohort_id>/", public.BookCohortView.as_view(), name="book-cohort"),
    path(f"{book}confirmation/", public.ConfirmationView.as_view(), name="book-confirmation"),
    path(f"{book}workshops.ics", public.CalendarView.as_view(), name="book-calendar"),
    path(f"{book}attendee/", public.ChangeAttendeeView.as_view(), name="book-attendee"),
    path(f"{book}move/", public.MovePlaceView.as_view(), name="book-move"),
    path(f"{book}cancel/", public.CancelPlaceView.as_view(), name="book-cancel"),
    path(f"{book}offer/accept/", public.OfferAcceptView.as_view(), name="book-offer-accept"),
    path(f"{book}offer/decline/", public.OfferDeclineView.as_view(), name="book-offer-decline"),
    path(f"{book}new-link/", public.RequestNewLinkView.as_view(), name="book-new-link"),
]
