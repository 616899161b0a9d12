from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Region


class WeeklyReport(models.Model):
    """The bureau's weekly dispatch (每周调度, 通知 三.2) of one ISO week, kept as a snapshot.

    A stored week never changes: computing it again returns this snapshot, unless the management
    command is run with --recompute (administrators only; README of the reports app)."""

    week = models.CharField(_("周"), max_length=8, unique=True, help_text="2026-W48")
    week_start = models.DateField(_("周一"))
    week_end = models.DateField(_("周日"))
    computed_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    trigger = models.CharField(_("生成方式"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("周报快照")
        verbose_name_plural = _("周报快照")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week


class WeeklyReportRow(models.Model):
    """One town's figures in a weekly snapshot (DOMAIN.md, weekly bureau report). The town's code and
    name are copied so that a later renaming does not rewrite a past report."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="rows")
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    town_code = models.CharField(_("区划代码"), max_length=12)
    town_name = models.CharField(_("镇（街道、园区）"), max_length=60)

    active = models.PositiveIntegerField(_("在册留守儿童"), default=0)
    new = models.PositiveIntegerField(_("本周新增"), default=0)
    exits = models.PositiveIntegerField(_("本周退出"), default=0)
    exits_by_reason = models.JSONField(_("退出原因"), default=dict, blank=True)
    updates = models.PositiveIntegerField(_("动态更新"), default=0)
    zero_update = models.BooleanField(_("动态更新为零"), default=False)
    missing_info = models.PositiveIntegerField(_("信息缺失"), default=0)
    errors = models.PositiveIntegerField(_("信息错误"), default=0)
    agreement_needing = models.PositiveIntegerField(_("需签协议"), default=0)
    agreement_signed = models.PositiveIntegerField(_("已签有效协议"), default=0)
    agreement_to_resign = models.PositiveIntegerField(_("需重签"), default=0)
    agreement_coverage = models.FloatField(_("协议覆盖率"), null=True, blank=True)
    visit_active = models.PositiveIntegerField(_("应走访"), default=0)
    visit_visited = models.PositiveIntegerField(_("已走访"), default=0)
    visit_coverage = models.FloatField(_("本月走访覆盖率"), null=True, blank=True)
    referrals_open = models.PositiveIntegerField(_("未办结转介"), default=0)
    referrals_overdue = models.PositiveIntegerField(_("逾期转介"), default=0)
    unverified = models.PositiveIntegerField(_("待核实"), default=0)
    spot_check_problems = models.PositiveIntegerField(_("抽查问题"), default=0)

    class Meta:
        verbose_name = _("周报（镇）")
        verbose_name_plural = _("周报（镇）")
        ordering = ["town_code"]
        constraints = [models.UniqueConstraint(fields=["report", "town"], name="weekly_row_once_per_town")]

    def __str__(self) -> str:
        return f"{self.town_name}"
