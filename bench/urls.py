"""The site's URLs plus the bench-only admin (bench/admin.py); used by the benchmark alone."""

from django.urls import path

from qidong_care.urls import urlpatterns as site_urlpatterns

from .admin import bench_site

urlpatterns = [path("bench-admin/", bench_site.urls), *site_urlpatterns]
