from django.urls import include, path  # noqa: F401  (views are added by the survey and list pages)

app_name = "registry"

urlpatterns: list = [
    path("import/", include("registry.roster.urls")),
]
