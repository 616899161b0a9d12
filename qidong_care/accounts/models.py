from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_CAPABILITIES, Capability, Role


class User(AbstractUser):
    """A staff member. One role (separation of duties), one or more regions (scope)."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    regions = models.ManyToManyField("registry.Region", verbose_name=_("负责区域"), blank=True, related_name="users")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("首次登录须修改密码"), default=True, help_text=_("初始密码由管理员设置，用户首次登录后必须修改。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self) -> str:
        """Chinese order: surname first, no space (张汇龙)."""
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        return self.get_full_name() or self.username

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username

    def can(self, capability: str) -> bool:
        return self.is_active and capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def capabilities(self) -> frozenset[str]:
        return ROLE_CAPABILITIES.get(self.role, frozenset()) if self.is_active else frozenset()

    @property
    def is_read_only(self) -> bool:
        return not self.can(Capability.EDIT_CHILDREN)


class LoginSession(models.Model):
    """Which session belongs to which user, so logout elsewhere and disabling a user end them all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"
