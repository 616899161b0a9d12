from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    """What must be done by a deadline (通知 二.1, 二.3, 三.2: 8月7日摸排完成, 8月8日录入, 8月14日通报)."""

    SCREENING = "screening", _("摸排完成")
    ENTRY = "entry", _("新增儿童信息录入完成")
    CIRCULAR = "circular", _("通报")
    OTHER = "other", _("其他")


class Campaign(models.Model):
    """A screening and care campaign (精准排查和关爱服务活动): summer, winter holidays… (DOMAIN.md)."""

    name = models.CharField(_("活动名称"), max_length=100, unique=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专项活动")
        verbose_name_plural = _("专项活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("类型"), max_length=20, choices=DeadlineKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    due_on = models.DateField(_("截止日期"), db_index=True)

    class Meta:
        verbose_name = _("截止时间")
        verbose_name_plural = _("截止时间")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.due_on:%Y-%m-%d}）"
