from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qidong_care.accounts.roles import Capability
from qidong_care.core.admin_access import CapabilityAdmin

from .models import Agreement


@admin.register(Agreement)
class AgreementAdmin(CapabilityAdmin, SimpleHistoryAdmin):
    """Read-only, for whoever may both open the admin and manage agreements (in practice a superuser
    repairing data). The system administrator does not read children's records (roles.py). Staff work
    on the agreement pages, where scope, versions and the audit apply."""

    capability = Capability.MANAGE_AGREEMENTS
    list_display = ("child", "status", "signed_on", "valid_until", "witness_name")
    list_filter = ("status",)
    list_select_related = ("child",)
    raw_id_fields = ("child", "principal", "second_principal", "carer", "witness_region")
    exclude = ("scan",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
