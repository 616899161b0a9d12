from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("县（市）")
    TOWN = "town", _("镇（街道、园区）")
    VILLAGE = "village", _("村（社区）")


class RegionQuerySet(models.QuerySet):
    def towns(self):
        return self.filter(level=RegionLevel.TOWN)

    def villages(self):
        return self.filter(level=RegionLevel.VILLAGE)

    def active(self):
        return self.filter(active=True)


class Region(models.Model):
    """A division of the county: 启东市 → 镇（街道、园区）→ 村（社区）. Retired, never deleted."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active = models.BooleanField(_("启用"), default=True, help_text=_("撤销的区划停用而不删除，历史记录保留。"))
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def town_id_for_scope(self) -> int | None:
        """The town this region is, or lies in (None for the county)."""
        if self.level == RegionLevel.TOWN:
            return self.pk
        if self.level == RegionLevel.VILLAGE:
            return self.parent_id
        return None
