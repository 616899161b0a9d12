"""The Django admin is opened by capability (roles.py), not by Django's per-model permissions,
so that the administrator manages users and regions and never sees children's archives."""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from qidong_care.accounts.roles import Capability


class QidongAdminSite(admin.AdminSite):
    site_header = "启东市农村留守儿童关爱服务系统 · 系统管理"
    site_title = "系统管理"
    index_title = "系统管理"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or user.can(Capability.MANAGE_USERS))

    def _refuse(self, request):
        """Logged in without the capability: 403 (audited as denied). Anonymous: the one login page,
        so that every login goes through the same lockout and password rules."""
        if request.user.is_authenticated:
            raise PermissionDenied("系统管理后台只对系统管理员开放。")
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    def admin_view(self, view, cacheable=False):
        """Django's admin_view, refusing with 403 instead of showing the admin's own login form."""

        def inner(request, *args, **kwargs):
            if not self.has_permission(request):
                return self._refuse(request)
            return view(request, *args, **kwargs)

        if not cacheable:
            inner = never_cache(inner)
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    def login(self, request, extra_context=None):
        if self.has_permission(request):
            return redirect("admin:index")
        return self._refuse(request)


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
