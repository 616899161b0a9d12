from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ManyToManyWidget

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from qidong_care.core.admin_access import CapabilityAdmin
from registry.admin import ImportExportAccess
from registry.models import Region

from .forms import StaffChangeForm, StaffCreationForm
from .models import User

# Changes to these fields are permission changes (等保 2.0 安全审计: 权限变更).
WATCHED_FIELDS = {"role", "is_active", "must_change_password"}


class UserResource(resources.ModelResource):
    """Staff accounts by username, with their role and regions (by code). No passwords: an imported
    new user gets none and must be given an initial password, changed at first login."""

    regions = fields.Field(
        attribute="regions", column_name="regions", widget=ManyToManyWidget(Region, field="code", separator=",")
    )

    class Meta:
        model = User
        fields = ("username", "last_name", "first_name", "email", "phone", "role", "is_active", "regions")
        export_order = fields
        import_id_fields = ("username",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.set_unusable_password()
            instance.must_change_password = True
            instance.is_staff = False

    def after_import_row(self, row, row_result, **kwargs):
        """Role, activity and region changes are audited, as when made one by one (等保 2.0)."""
        if kwargs.get("dry_run") or row_result.import_type not in ("new", "update"):
            return
        user = User.objects.get(username=row["username"])
        audit_record(
            kind=AuditEvent.Kind.PERMISSION,
            obj=user,
            detail={
                "changed": ["imported"],
                "role": user.role,
                "active": user.is_active,
                "regions": sorted(user.regions.values_list("code", flat=True)),
            },
        )


@admin.register(User)
class UserAdmin(ImportExportAccess, ImportExportModelAdmin, CapabilityAdmin, DjangoUserAdmin):
    """Administrators create users with an initial password (changed at first login), give each one
    role and its regions, and disable rather than delete. Role and region changes are audited.

    The form offers no superuser, staff, group or per-user permission field: a role carries the
    capabilities (roles.py). Password resets belong to the security administrator
    (accounts:lockouts), so the administrator cannot take over the auditor's or anyone's account."""

    form = StaffChangeForm
    add_form_template = "admin/accounts/user/add_form.html"
    add_form = StaffCreationForm
    resource_classes = [UserResource]
    list_display = ("username", "last_name", "first_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "regions__level")
    search_fields = ("username", "first_name", "last_name")
    filter_horizontal = ("regions",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email", "phone")}),
        (_("角色与区域"), {"fields": ("role", "regions", "is_active", "must_change_password")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "last_name", "first_name", "role", "regions", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own role or disables themselves (separation of duties).
            fields += ("role", "is_active", "must_change_password")
        return fields

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied("重置密码由安全管理员在“账号安全”页面办理。")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True
            obj.is_staff = False
            obj.is_superuser = False
        super().save_model(request, obj, form, change)
        watched = WATCHED_FIELDS & set(form.changed_data)
        if watched or not change:
            audit_record(
                kind=AuditEvent.Kind.PERMISSION,
                obj=obj,
                detail={
                    "changed": sorted(watched) if change else ["created"],
                    "role": obj.role,
                    "active": obj.is_active,
                },
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "regions" in form.changed_data:
            audit_record(
                kind=AuditEvent.Kind.PERMISSION,
                obj=form.instance,
                detail={"changed": ["regions"], "regions": [r.code for r in form.instance.regions.all()]},
            )
