"""Roles and what each may do (least privilege; 等保 2.0 三权分立: administration, security, audit apart).

One role per user, so nobody holds two of the separated duties. Capabilities are checked with
`can(user, Capability.X)`; region scope is separate (registry.scope).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("市民政局干部")
    INSPECTOR = "inspector", _("未成年人保护中心督查员")
    TOWN_STAFF = "town_staff", _("区镇民政干部")
    DIRECTOR = "director", _("村（居）儿童主任")
    ADMIN = "admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


class Capability(models.TextChoices):
    VIEW_CHILDREN = "view_children", _("查看儿童档案")
    EDIT_CHILDREN = "edit_children", _("录入和修改儿童档案")
    REVEAL_PERSONAL_DATA = "reveal_personal_data", _("查看完整身份证号码和电话")
    VIEW_RESTRICTED = "view_restricted", _("查看健康、残疾和家暴相关信息")
    IMPORT_ROSTER = "import_roster", _("导入花名册")
    EXPORT_ROSTER = "export_roster", _("导出花名册")
    MANAGE_AGREEMENTS = "manage_agreements", _("管理委托照护协议")
    RECORD_VISITS = "record_visits", _("记录走访")
    MANAGE_REFERRALS = "manage_referrals", _("处置转介")
    VIEW_REPORTS = "view_reports", _("查看报表")
    MANAGE_CAMPAIGNS = "manage_campaigns", _("管理专项活动")
    SPOT_CHECK = "spot_check", _("抽查")
    MANAGE_USERS = "manage_users", _("管理用户和区划")
    MANAGE_SECURITY = "manage_security", _("管理账号安全（解锁、权限）")
    VIEW_AUDIT = "view_audit", _("查看审计日志")
    VIEW_JOBS = "view_jobs", _("查看后台任务")


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.BUREAU: frozenset(
        {
            C.VIEW_CHILDREN,
            C.REVEAL_PERSONAL_DATA,
            C.VIEW_RESTRICTED,
            C.EXPORT_ROSTER,
            C.VIEW_REPORTS,
            C.MANAGE_CAMPAIGNS,
            C.MANAGE_REFERRALS,
        }
    ),
    # 通知 三.2: the minor-protection centre reads and spot-checks; it does not edit the archive.
    Role.INSPECTOR: frozenset({C.VIEW_CHILDREN, C.VIEW_REPORTS, C.SPOT_CHECK}),
    Role.TOWN_STAFF: frozenset(
        {
            C.VIEW_CHILDREN,
            C.EDIT_CHILDREN,
            C.REVEAL_PERSONAL_DATA,
            C.VIEW_RESTRICTED,
            C.IMPORT_ROSTER,
            C.EXPORT_ROSTER,
            C.MANAGE_AGREEMENTS,
            C.RECORD_VISITS,
            C.MANAGE_REFERRALS,
            C.VIEW_REPORTS,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            C.VIEW_CHILDREN,
            C.EDIT_CHILDREN,
            C.REVEAL_PERSONAL_DATA,
            C.VIEW_RESTRICTED,
            C.MANAGE_AGREEMENTS,
            C.RECORD_VISITS,
            C.MANAGE_REFERRALS,
        }
    ),
    # The administrator runs the system and imports rosters but does not read children's archives.
    Role.ADMIN: frozenset({C.MANAGE_USERS, C.IMPORT_ROSTER, C.VIEW_JOBS}),
    Role.SECURITY_ADMIN: frozenset({C.MANAGE_SECURITY}),
    Role.AUDITOR: frozenset({C.VIEW_AUDIT}),
}

# Roles that look at the whole county whatever regions they are given.
COUNTY_WIDE_ROLES = frozenset({Role.BUREAU, Role.INSPECTOR})
READ_ONLY_ROLES = frozenset({Role.BUREAU, Role.INSPECTOR})


def can(user, capability: str) -> bool:
    """True when `user` (possibly anonymous) holds `capability` through their role."""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))
