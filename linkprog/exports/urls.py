"""URLs of the worker-built exports."""

from django.urls import path

from linkprog.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.ExportListView.as_view(), name="list"),
    path("new/<slug:kind>/", views.NewExportView.as_view(), name="new"),
    path("<int:pk>/", views.ExportJobView.as_view(), name="job"),
    path("<int:pk>/progress/", views.ExportProgressView.as_view(), name="progress"),
    path("<int:pk>/download/", views.ExportDownloadView.as_view(), name="download"),
    path("<int:pk>/restart/", views.ExportRestartView.as_view(), name="restart"),
]
