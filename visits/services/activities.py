"""Care activities (通知 二.5; 二.2 政策宣讲进村（居）): a town records what it did and whom it reached."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from registry.assessment import today
from registry.models import Child, Region, RegionLevel

from ..choices import ActivityType
from ..models import Activity, ActivityAttendance

ACTIVITY_FIELDS = (
    "type",
    "title",
    "date",
    "place",
    "organiser",
    "audience",
    "topics",
    "adult_count",
    "description",
    "village",
)


def _check(activity: Activity, children: list[Child]) -> None:
    errors: dict[str, str] = {}
    if activity.date > today():
        errors["date"] = "活动日期不能晚于今天（请在活动开展后录入）。"
    if activity.village is not None and activity.village.parent_id != activity.town_id:
        errors["village"] = "所选村（社区）不属于本镇（街道）。"
    if activity.type != ActivityType.POLICY_TALK:
        activity.topics = []
    elif not activity.topics:
        errors["topics"] = "政策宣讲请至少选择一个专题。"
    if any(child.town_id != activity.town_id for child in children):
        errors["children"] = "只能选择本镇（街道）的儿童。"
    if errors:
        raise ValidationError(errors)


def _bump_version(activity: Activity, expected_version: int | None) -> None:
    expected = activity.version if expected_version is None else expected_version
    if not Activity.objects.filter(pk=activity.pk, version=expected).update(version=F("version") + 1):
        raise ValidationError(
            "保存失败：您打开此页面后，该活动已被其他人修改。请刷新后再提交。", code="concurrent_edit"
        )
    activity.version = expected + 1


@transaction.atomic
def activity_save(
    *,
    user,
    activity: Activity | None,
    town: Region,
    data: dict[str, Any],
    children: list[Child],
    expected_version: int | None = None,
) -> Activity:
    """Create or update an activity of `town` with the children who attended (replacing the list)."""
    if town.level != RegionLevel.TOWN:
        raise ValidationError({"town": "请选择镇（街道、园区）。"})
    if activity is None:
        activity = Activity(town=town, created_by=user)
    elif activity.town_id != town.pk:
        raise ValidationError({"town": "活动所属的镇（街道）不能更改。"})
    for name in ACTIVITY_FIELDS:
        if name in data:
            setattr(activity, name, data[name])
    _check(activity, children)
    if activity.pk:
        _bump_version(activity, expected_version)
    activity._change_reason = "录入关爱活动" if activity.pk is None else "修改关爱活动"
    activity.save()
    wanted = {child.pk for child in children}
    current = set(activity.attendances.values_list("child_id", flat=True))
    activity.attendances.filter(child_id__in=current - wanted).delete()
    ActivityAttendance.objects.bulk_create(
        [ActivityAttendance(activity=activity, child_id=pk) for pk in sorted(wanted - current)]
    )
    return activity
