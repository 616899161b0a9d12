from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("towns/<int:pk>/", views.town_dashboard, name="town_dashboard"),
    path("weekly/", views.weekly_list, name="weekly_list"),
    path("weekly/<str:week>/", views.weekly_detail, name="weekly_detail"),
    path("weekly/<str:week>/export.xlsx", views.weekly_export, name="weekly_export"),
    path("weekly/<str:week>/circular.pdf", views.weekly_circular, name="weekly_circular"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("spot-checks/", views.spotcheck_list, name="spotcheck_list"),
    path("spot-checks/problems/", views.spotcheck_problems, name="spotcheck_problems"),
    path("spot-checks/<int:pk>/mark/", views.spotcheck_mark, name="spotcheck_mark"),
    path("spot-checks/<int:pk>/resolve/", views.spotcheck_resolve, name="spotcheck_resolve"),
]
