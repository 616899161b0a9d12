from django.urls import path  # noqa: F401  (views are added by the survey and list pages)

app_name = "registry"

urlpatterns: list = []
