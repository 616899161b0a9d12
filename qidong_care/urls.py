from django.contrib import admin
from django.urls import include, path

from qidong_care.core import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("qidong_care.accounts.urls")),
    path("admin/", admin.site.urls),
    path("children/", include("registry.urls")),
    path("agreements/", include("agreements.urls")),
    path("notifications/", include("qidong_care.notifications.urls")),
    path("jobs/", include("qidong_care.core.urls")),
    path("audit/", include("qidong_care.audit.urls")),
    path("visits/", include("visits.urls")),
    path("reports/", include("reports.urls")),
]
