"""URLs of the coordinators' outbox pages."""

from django.urls import path

from linkprog.outbox_pages import views

app_name = "outbox"
urlpatterns = [
    path("", views.OutboxListView.as_view(), name="email-list"),
    path("<int:pk>/", views.OutboxDetailView.as_view(), name="email-detail"),
    path("<int:pk>/preview/", views.OutboxPreviewView.as_view(), name="email-preview"),
    path("<int:pk>/retry/", views.OutboxRetryView.as_view(), name="email-retry"),
    path("<int:pk>/send-now/", views.OutboxSendNowView.as_view(), name="email-send-now"),
    path("<int:pk>/cancel/", views.OutboxCancelView.as_view(), name="email-cancel"),
]
