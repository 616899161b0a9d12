from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message (the bell) about something in the user's scope; also e-mailed."""

    class Kind(models.TextChoices):
        HIGH_RISK = "high_risk", _("高风险发现")
        REFERRAL_OVERDUE = "referral_overdue", _("转介逾期")
        DEADLINE = "deadline", _("工作截止提醒")
        VISIT_DUE = "visit_due", _("走访提醒")
        SPOT_CHECK = "spot_check", _("抽查问题")
        AGREEMENT = "agreement", _("协议提醒")
        IMPORT = "import", _("导入结果")
        OTHER = "other", _("其他")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # One notice per user and key: a job that runs twice does not notify twice.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
