from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.my_month, name="my_month"),
    path("child/<int:child_pk>/", views.child_visits, name="child_visits"),
    path("child/<int:child_pk>/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/grid/", views.month_grid, name="month_grid"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/status/", views.referral_transition_view, name="referral_transition"),
    path("referrals/<int:pk>/parents/", views.referral_parents_view, name="referral_parents"),
    path("referrals/<int:pk>/report.pdf", views.referral_report_pdf, name="referral_report_pdf"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/children/", views.activity_child_search, name="activity_child_search"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
]
