"""The Django admin is opened by capability (roles.py), not by Django's per-model permissions,
so that the administrator manages users and regions and never sees children's archives."""

from django.contrib import admin

from qidong_care.accounts.roles import Capability


class QidongAdminSite(admin.AdminSite):
    site_header = "启东市农村留守儿童关爱服务系统 · 系统管理"
    site_title = "系统管理"
    index_title = "系统管理"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.can(Capability.MANAGE_USERS))


class CapabilityAdmin(admin.ModelAdmin):
    """A model admin open to holders of `capability`; nothing is ever deleted through it."""

    capability: str = Capability.MANAGE_USERS

    def _allowed(self, request) -> bool:
        return request.user.is_active and (request.user.is_superuser or request.user.can(self.capability))

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
