"""URLs of the cohorts app: coordinators' cohort pages and schools' self-service booking."""

from django.urls import path

from cohorts.views import public

app_name = "cohorts"

# A school's signed link: /cohorts/book/<token>/ and the pages it leads to.
book = "book/<str:token>/"

urlpatterns = [
    path(book, public.BookingHomeView.as_view(), name="book"),
    path(f"{book}cohort/<int:cohort_id>/", public.BookCohortView.as_view(), name="book-cohort"),
    path(f"{book}confirmation/", public.ConfirmationView.as_view(), name="book-confirmation"),
    path(f"{book}workshops.ics", public.CalendarView.as_view(), name="book-calendar"),
    path(f"{book}attendee/", public.ChangeAttendeeView.as_view(), name="book-attendee"),
    path(f"{book}move/", public.MovePlaceView.as_view(), name="book-move"),
    path(f"{book}cancel/", public.CancelPlaceView.as_view(), name="book-cancel"),
    path(f"{book}offer/", public.AnswerOfferView.as_view(), name="book-offer"),
    path(f"{book}new-link/", public.RequestNewLinkView.as_view(), name="book-new-link"),
]
