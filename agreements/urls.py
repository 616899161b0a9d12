from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("children/", views.children_list, name="list"),
    path("children/export.xlsx", views.children_export, name="list_export"),
    path("village/<int:village_pk>/print.pdf", views.print_village, name="print_village"),
    path("child/<int:child_pk>/", views.child_agreement, name="child_agreement"),
    path("child/<int:child_pk>/sign/", views.sign, name="sign"),
    path("child/<int:child_pk>/scan/upload/", views.upload_scan, name="upload_scan"),
    path("child/<int:child_pk>/scan/", views.scan, name="scan"),
    path("child/<int:child_pk>/scan/<int:history_id>/", views.scan, name="scan_version"),
    path("child/<int:child_pk>/resign/", views.mark_resign, name="mark_resign"),
    path("child/<int:child_pk>/end/", views.end, name="end"),
    path("child/<int:child_pk>/print.pdf", views.print_child, name="print"),
]
