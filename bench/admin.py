"""The usual tool, for comparison only: Django admin's change list over the same Child table.

A bench-only AdminSite (mounted by bench/urls.py, never by the site's own URLs) with a plain
ModelAdmin as one would write it first: the list's columns, filters by status and town, search by
name, 25 rows a page as on our list. The benchmark times its change list beside our child list.
"""

from django.contrib import admin

from registry.models import Child


class BenchAdminSite(admin.AdminSite):
    site_header = "bench"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser


class ChildAdmin(admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "gender", "birth_date", "village", "town", "verdict", "roster_status")
    list_filter = ("roster_status", "town")
    list_select_related = ("village", "town")
    search_fields = ("name",)
    list_per_page = 25


bench_site = BenchAdminSite(name="bench_admin")
bench_site.register(Child, ChildAdmin)
