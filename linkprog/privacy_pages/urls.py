"""URLs of the privacy pages."""

from django.urls import path

from linkprog.privacy_pages import views

app_name = "privacy"
urlpatterns = [
    path("retention/", views.RetentionPreviewView.as_view(), name="retention"),
    path("subject-access/", views.SubjectSearchView.as_view(), name="subject"),
    path("subject-access/export/", views.SubjectExportView.as_view(), name="subject-export"),
    path("subject-access/erase/", views.SubjectEraseView.as_view(), name="subject-erase"),
]
