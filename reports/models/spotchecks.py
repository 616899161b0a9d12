from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Child, Region


class SpotCheckResult(models.TextChoices):
    PENDING = "", _("待抽查")
    PASSED = "pass", _("通过")
    PROBLEM = "problem", _("发现问题")


class SpotCheckProblem(models.TextChoices):
    """What the centre looks at (通知 三.2: 动态维护数量、儿童基本信息及监护人、委托照护人信息)."""

    BASIC = "basic", _("基本信息")
    GUARDIAN = "guardian", _("监护人信息")
    CARER = "carer", _("委托照护人信息")
    UPDATES = "updates", _("动态更新数量")


class SpotCheck(models.Model):
    """One child of the daily sample (每天抽查, 通知 三.2): drawn from the children whose archive was
    updated on `updated_on`, checked by an inspector, problems fed back to the town until resolved."""

    updated_on = models.DateField(_("更新日期"))
    drawn_on = models.DateField(_("抽取日期"))
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="spot_checks")
    update_count = models.PositiveIntegerField(_("近30天动态更新（天）"), default=0)

    result = models.CharField(_("抽查结果"), max_length=10, choices=SpotCheckResult.choices, blank=True)
    problems = models.JSONField(_("问题类型"), default=list, blank=True)
    note = models.TextField(_("抽查说明"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)

    resolution_note = models.TextField(_("整改说明"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("整改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-updated_on", "town_id", "village_id", "child_id"]
        constraints = [models.UniqueConstraint(fields=["updated_on", "child"], name="spot_check_once_a_day")]
        indexes = [
            models.Index(fields=["updated_on", "town"], name="spot_check_day_town"),
            models.Index(fields=["town", "result", "resolved_at"], name="spot_check_open_problems"),
            models.Index(fields=["result", "checked_at"], name="spot_check_checked"),
        ]

    def __str__(self) -> str:
        return f"{self.updated_on} {self.child_id}"

    @property
    def problem_labels(self) -> list[str]:
        return [str(SpotCheckProblem(code).label) for code in self.problems if code in SpotCheckProblem.values]

    @property
    def is_open_problem(self) -> bool:
        return self.result == SpotCheckResult.PROBLEM and self.resolved_at is None
