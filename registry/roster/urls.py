"""Included by registry/urls.py under "import/" in the registry namespace (no app_name here), so the
names are registry:import_start, registry:roster_export, ..."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("export/", views.roster_export_view, name="roster_export"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/report.xlsx", views.import_report, name="import_report"),
]
