from django.urls import include, path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("suspected/", views.suspected_list, name="suspected_list"),
    path("new/", views.child_create, name="child_create"),
    path("adult-lookup/", views.adult_lookup, name="adult_lookup"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("<int:pk>/field-check/", views.child_field_check, name="child_field_check"),
    path("<int:pk>/exit/", views.child_exit, name="child_exit"),
    path("<int:pk>/reveal/", views.child_reveal, name="child_reveal"),
    path("import/", include("registry.roster.urls")),
    path("national/", include("registry.national.urls")),
]
