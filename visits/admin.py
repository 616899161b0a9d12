"""Visits, referrals and activities are children's personal data: the system administrator (who does
not read archives, roles.py) cannot open them here; a superuser repairing data sees them read-only."""

from django.contrib import admin

from qidong_care.accounts.roles import Capability
from qidong_care.core.admin_access import CapabilityAdmin

from .models import Activity, Referral, Visit


class ReadOnlyAdmin(CapabilityAdmin):
    capability = Capability.MANAGE_REFERRALS

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("id", "date", "kind", "mode", "risk_level", "town", "village", "recorded_by", "created_at")
    list_filter = ("kind", "mode", "risk_level", "month")
    list_select_related = ("town", "village", "recorded_by")
    fields = ("id", "month", "date", "kind", "mode", "risk_level", "town", "village", "recorded_by", "created_at")
    readonly_fields = fields


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("id", "trigger", "body", "source", "status", "deadline", "town", "village")
    list_filter = ("status", "body", "trigger", "source")
    list_select_related = ("town", "village")
    fields = ("id", "trigger", "body", "source", "status", "opened_at", "deadline", "town", "village")
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("id", "date", "type", "title", "town", "adult_count")
    list_filter = ("type",)
    list_select_related = ("town",)
    fields = ("id", "date", "type", "title", "town", "village", "place", "organiser", "audience", "adult_count")
    readonly_fields = fields
