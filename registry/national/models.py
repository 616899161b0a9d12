"""What reconciliation with the national system keeps: column mappings, runs, their report lines,
and the identities confirmed across the two systems."""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qidong_care.core.fields import EncryptedTextField

from ..models.children import Child
from ..models.regions import Region


class ColumnMapping(models.Model):
    """Which column of a national-system export holds which field of the form: set up once, reused."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    # field key (registry.national.form) → the header text in the file
    columns = models.JSONField(_("列对应关系"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("使用次数"), default=0)

    class Meta:
        verbose_name = _("全国系统导出列对应关系")
        verbose_name_plural = _("全国系统导出列对应关系")
        ordering = ["-last_used_at", "name"]

    def __str__(self) -> str:
        return self.name


class ReconciliationRun(models.Model):
    """One comparison of a national-system export with the archive, kept so progress shows over time."""

    # None: the whole county (an administrator's run); else the one town it covers.
    town = models.ForeignKey(
        Region, verbose_name=_("范围"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("比对人")
    )
    started_at = models.DateTimeField(_("比对时间"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    mapping_name = models.CharField(_("列对应关系"), max_length=60, blank=True)
    row_count = models.PositiveIntegerField(_("文件行数"), default=0)
    matched_count = models.PositiveIntegerField(_("两边都有"), default=0)
    ignored_count = models.PositiveIntegerField(_("不在比对范围的行"), default=0)
    # str(town id) → {line kind: count} at the time of the run ("" for rows whose town is unknown).
    town_counts = models.JSONField(_("各镇数量"), default=dict)
    # Row-level remarks: rows repeated in the file, rows whose town could not be read, and so on.
    notes = models.JSONField(_("说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("全国系统比对")
        verbose_name_plural = _("全国系统比对")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["town", "started_at"], name="national_run_town")]

    def __str__(self) -> str:
        scope = self.town.name if self.town_id else "全市"
        return f"{scope} {self.started_at:%Y-%m-%d %H:%M} 比对"


class LineKind(models.TextChoices):
    MISSING_HERE = "missing_here", _("全国系统已登记、本系统没有")
    MISSING_NATIONALLY = "missing_nationally", _("本系统在册、全国系统未登记（需录入）")
    FIELD_DIFF = "field_diff", _("两边都有、信息不一致")
    NATIONAL_ACTIVE = "national_active", _("全国系统在册、本系统已退出或非留守")
    NATIONAL_EXITED = "national_exited", _("本系统在册、全国系统已退出")
    LIKELY = "likely", _("疑似同一儿童（待确认）")


class Resolution(models.TextChoices):
    OPEN = "", _("待处理")
    CONFIRMED = "confirmed", _("已确认为同一儿童")
    REJECTED = "rejected", _("已确认不是同一儿童")


class ReconciliationLine(models.Model):
    """One finding of a run: a national row, a child here, or both, and how they differ."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("类别"), max_length=20, choices=LineKind.choices)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(_("全国系统文件行号"), null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number_masked = models.CharField(_("公民身份证号码"), max_length=20, blank=True)
    national_child_no = models.CharField(_("儿童编号"), max_length=40, blank=True)
    national_id_hash = models.CharField(max_length=40, blank=True)
    # The national row's normalised values, and [{field, ours, theirs}], as JSON, encrypted at rest.
    national_json = EncryptedTextField(_("全国系统信息"))
    diffs_json = EncryptedTextField(_("不一致的字段"))
    diff_fields = models.JSONField(_("不一致的字段名"), default=list, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=20, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("全国系统比对结果")
        verbose_name_plural = _("全国系统比对结果")
        ordering = ["kind", "town_id", "row_number", "pk"]
        indexes = [models.Index(fields=["run", "town", "kind"], name="national_line_run_town_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"

    @property
    def national(self) -> dict:
        return json.loads(self.national_json) if self.national_json else {}

    @property
    def diffs(self) -> list[dict]:
        return json.loads(self.diffs_json) if self.diffs_json else []

    @property
    def is_open(self) -> bool:
        return self.resolution == Resolution.OPEN


class NationalMatch(models.Model):
    """A person's decision that a national record is (or is not) this child, used by every later run."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="national_matches")
    same = models.BooleanField(_("是同一儿童"), default=True)
    national_child_no = models.CharField(_("儿童编号"), max_length=40, blank=True, db_index=True)
    national_id_hash = models.CharField(max_length=40, blank=True, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    village = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("确认人")
    )
    decided_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("全国系统身份对应")
        verbose_name_plural = _("全国系统身份对应")
        indexes = [models.Index(fields=["name", "birth_date", "village"], name="national_match_person")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(national_child_no="", national_id_hash="", birth_date=None),
                name="national_match_has_a_key",
            )
        ]

    def __str__(self) -> str:
        verdict = "是" if self.same else "不是"
        return f"全国系统记录{self.national_child_no or self.name}{verdict}儿童{self.child_id}"
