from django.urls import include, path

app_name = "registry"

urlpatterns: list = [
    path("national/", include("registry.national.urls")),
]
