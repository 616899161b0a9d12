"""Included by registry/urls.py under "national/": names are registry:reconcile_* (no app_name here)."""

from django.urls import path

from . import mapping_views, views

urlpatterns = [
    path("", views.reconcile_list, name="reconcile_list"),
    path("new/", views.reconcile_run, name="reconcile_run"),
    path("<int:pk>/", views.reconcile_report, name="reconcile_report"),
    path("<int:pk>/export/", views.reconcile_export, name="reconcile_export"),
    path("lines/<int:pk>/", views.reconcile_line, name="reconcile_line"),
    path("lines/<int:pk>/confirm/", views.reconcile_confirm, name="reconcile_confirm"),
    path("lines/<int:pk>/reject/", views.reconcile_reject, name="reconcile_reject"),
    path("mappings/", mapping_views.mapping_list, name="reconcile_mapping_list"),
    path("mappings/new/", mapping_views.mapping_edit, name="reconcile_mapping_new"),
    path("mappings/<int:pk>/", mapping_views.mapping_edit, name="reconcile_mapping_edit"),
]
