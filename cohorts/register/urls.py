"""URLs of the coordinators' establishment pages."""

from django.urls import path

from cohorts.register import changes, views

app_name = "schools"
urlpatterns = [
    path("", views.EstablishmentListView.as_view(), name="establishment-list"),
    path(
        "export.csv",
        views.EstablishmentExportView.as_view(export_format="csv"),
        name="establishment-export-csv",
    ),
    path(
        "export.xlsx",
        views.EstablishmentExportView.as_view(export_format="xlsx"),
        name="establishment-export-xlsx",
    ),
    path("contacts/import/", views.ContactImportView.as_view(), name="contact-import"),
    path(
        "contacts/import/template.csv",
        views.ContactImportTemplateView.as_view(),
        name="contact-import-template",
    ),
    path("changes/", changes.RegisterChangesView.as_view(), name="register-changes"),
    path(
        "changes/<int:pk>/apply/",
        changes.RegisterChangeApplyView.as_view(),
        name="register-change-apply",
    ),
    path(
        "changes/<int:pk>/move/",
        changes.RegisterChangeMoveView.as_view(),
        name="register-change-move",
    ),
    path(
        "changes/<int:pk>/dismiss/",
        changes.RegisterChangeDismissView.as_view(),
        name="register-change-dismiss",
    ),
    path("<int:urn>/", views.EstablishmentDetailView.as_view(), name="establishment-detail"),
    path(
        "<int:urn>/contact/",
        views.EstablishmentContactView.as_view(),
        name="establishment-contact",
    ),
]
