from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Child, Region

from ..choices import ActivityAudience, ActivityTopic, ActivityType


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActivityQuerySet":
        from registry.scope import scope_filter

        return self.filter(scope_filter(user))


class Activity(models.Model):
    """A care activity of a town (通知 二.5: 爱心暑托班, 关爱之家, 心理健康; 二.2: 政策宣讲进村（居）)."""

    town = models.ForeignKey(Region, verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        Region,
        verbose_name=_("村（社区）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("在某个村（居）开展时选择"),
    )
    type = models.CharField(_("活动类型"), max_length=30, choices=ActivityType.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    date = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=100)
    organiser = models.CharField(_("组织单位"), max_length=100)
    audience = models.CharField(_("活动对象"), max_length=20, choices=ActivityAudience.choices)
    topics = models.JSONField(_("宣讲专题"), default=list, blank=True)
    adult_count = models.PositiveIntegerField(_("参加的监护人、照护人人数"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
    children = models.ManyToManyField(
        Child, verbose_name=_("参加的儿童"), through="ActivityAttendance", related_name="activities", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("关爱服务活动")
        verbose_name_plural = _("关爱服务活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["town", "date"], name="activity_town_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def topic_labels(self) -> list[str]:
        return [str(ActivityTopic(code).label) for code in self.topics if code in ActivityTopic.values]


class ActivityAttendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参加活动的儿童")
        verbose_name_plural = _("参加活动的儿童")
        constraints = [models.UniqueConstraint(fields=["activity", "child"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.child_id}"
