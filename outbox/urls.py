"""URLs of the coordinators' outbox pages."""

from django.urls import path

from outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.OutboxListView.as_view(), name="email-list"),
    path("<int:pk>/", views.OutboxDetailView.as_view(), name="email-detail"),
    path("<int:pk>/preview/", views.OutboxPreviewView.as_view(), name="email-preview"),
    path("<int:pk>/retry/", views.OutboxActionView.as_view(action="retry"), name="email-retry"),
    path(
        "<int:pk>/send-now/",
        views.OutboxActionView.as_view(action="send-now"),
        name="email-send-now",
    ),
    path("<int:pk>/cancel/", views.OutboxActionView.as_view(action="cancel"), name="email-cancel"),
]
