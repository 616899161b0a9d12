import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# 等保 2.0 安全审计: 审计记录留存不少于六个月. The PostgreSQL trigger (migration 0002) uses the same figure.
RETENTION_DAYS = 183


class AuditEvent(models.Model):
    """One line of the append-only audit trail (等保 2.0 安全审计). Never updated or deleted by the
    application; on PostgreSQL a trigger refuses UPDATE, and DELETE of rows younger than 183 days."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        VIEW = "view", _("查看档案")
        REVEAL = "reveal", _("查看完整个人信息")
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        PRINT = "print", _("打印")
        PERMISSION = "permission", _("权限或角色变更")
        DENIED = "denied", _("越权访问")
        UNLOCK = "unlock", _("解除锁定")
        PASSWORD_RESET = "password_reset", _("重置密码")
        BACKUP = "backup", _("备份")
        RESTORE = "restore", _("恢复")
        PURGE = "purge", _("清理过期审计记录")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_label = models.CharField(_("对象说明"), max_length=200, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_kind_display()} {self.object_label}"

    @property
    def detail_text(self) -> str:
        return json.dumps(self.detail, ensure_ascii=False) if self.detail else ""
