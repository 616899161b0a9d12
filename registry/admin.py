from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qidong_care.core.admin_access import CapabilityAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    """Add, rename and retire regions (统计用区划代码 can differ from the county's own list).
    Retiring sets `active` off; a region is never deleted, and its history stays."""

    list_display = ("code", "name", "level", "parent", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
