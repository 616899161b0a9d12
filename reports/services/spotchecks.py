"""The daily spot check (每天抽查, 通知 三.2): a reproducible sample per town of the children whose
archive was updated the day before, marked pass / problem by the minor-protection centre; problems
go back to the town as to-dos until it resolves them."""

import hashlib
import random
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from qidong_care.accounts.roles import Capability, Role
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from qidong_care.notifications.models import Notification
from qidong_care.notifications.services import notify_region
from registry.choices import ExitReason
from registry.models import ArchiveUpdate

from ..conf import spot_check_per_town
from ..models import SpotCheck, SpotCheckProblem, SpotCheckResult

UPDATE_WINDOW_DAYS = 30


def _seed(day: date, town_code: str) -> int:
    """The same day and town always give the same sample (reproducible, yet not guessable by hand)."""
    return int.from_bytes(hashlib.sha256(f"spot-check:{day.isoformat()}:{town_code}".encode()).digest()[:8], "big")


def sample_of(candidates: list[int], *, day: date, town_code: str, size: int) -> list[int]:
    ordered = sorted(set(candidates))
    return sorted(random.Random(_seed(day, town_code)).sample(ordered, min(size, len(ordered))))


def _candidates(day: date) -> dict[int, dict]:
    """town id → {"code", "children": [ids], "village": {child id: village id}} of `day`'s updates."""
    towns: dict[int, dict] = defaultdict(lambda: {"children": [], "village": {}})
    # The age-out job's own rows are not work to check: leave out children it retired.
    updates = ArchiveUpdate.objects.filter(on=day).exclude(child__exit_reason=ExitReason.OVER_AGE)
    rows = updates.values_list("town_id", "town__code", "child_id", "child__village_id")
    for town_id, code, child_id, village_id in rows.order_by("town_id", "child_id"):
        towns[town_id]["code"] = code
        towns[town_id]["children"].append(child_id)
        towns[town_id]["village"][child_id] = village_id
    return towns


def _update_counts(child_ids: list[int], day: date) -> dict[int, int]:
    window = ArchiveUpdate.objects.filter(
        child_id__in=child_ids, on__gt=day - timedelta(days=UPDATE_WINDOW_DAYS), on__lte=day
    )
    return dict(window.order_by().values("child_id").annotate(n=Count("*")).values_list("child_id", "n"))


def spot_checks_draw(*, on: date) -> dict:
    """Draw the sample of the day before `on`. Idempotent: a town already drawn for that day is left
    as it is, and the unique (day, child) constraint keeps two runs at once from duplicating rows."""
    day = on - timedelta(days=1)
    already = set(SpotCheck.objects.filter(updated_on=day).values_list("town_id", flat=True).distinct())
    size = spot_check_per_town()
    picked: list[SpotCheck] = []
    for town_id, data in _candidates(day).items():
        if town_id in already:
            continue
        for child_id in sample_of(data["children"], day=day, town_code=data["code"], size=size):
            item = SpotCheck(updated_on=day, drawn_on=on, town_id=town_id, child_id=child_id)
            item.village_id = data["village"][child_id]
            picked.append(item)
    counts = _update_counts([item.child_id for item in picked], day)
    for item in picked:
        item.update_count = counts.get(item.child_id, 0)
    SpotCheck.objects.bulk_create(picked, ignore_conflicts=True)
    total = SpotCheck.objects.filter(updated_on=day).count()
    return {"day": day.isoformat(), "drawn": total, "towns": len(already | {item.town_id for item in picked})}


def _validate_mark(result: str, problems: list[str], note: str) -> list[str]:
    if result not in (SpotCheckResult.PASSED, SpotCheckResult.PROBLEM):
        raise ValidationError({"result": "请选择抽查结果：通过或发现问题。"})
    if result == SpotCheckResult.PASSED:
        return []
    unknown = [code for code in problems if code not in SpotCheckProblem.values]
    if unknown or not problems:
        raise ValidationError({"problems": "请选择发现问题的方面（可多选）。"})
    if not note.strip():
        raise ValidationError({"note": "请说明发现的问题，便于镇（街道）整改。"})
    return [code for code in SpotCheckProblem.values if code in problems]


def _notify_problem(item: SpotCheck) -> None:
    """通知 三.2: the problem goes back to the town (and the village's children's director)."""
    labels = "、".join(item.problem_labels)
    notify_region(
        town_id=item.town_id,
        village_id=item.village_id,
        kind=Notification.Kind.SPOT_CHECK,
        title=f"抽查发现问题：{item.village.name} 1 名儿童档案（{labels}）",
        body=f"{item.updated_on:%Y-%m-%d} 更新的档案经抽查发现问题：{labels}。说明：{item.note}",
        key=f"spot-check-{item.pk}-problem",
        url=reverse("reports:spotcheck_problems"),
        roles=(Role.TOWN_STAFF, Role.DIRECTOR),
    )


@transaction.atomic
def spot_check_mark(*, user, item: SpotCheck, result: str, problems: list[str], note: str) -> SpotCheck:
    """An inspector's verdict on one sampled child; a problem notifies the town once."""
    if not user.can(Capability.SPOT_CHECK):
        raise PermissionDenied("只有未成年人保护中心督查员可以抽查。")
    if item.resolved_at is not None:
        raise ValidationError("镇（街道）已整改该问题，不能再修改抽查结果。")
    problems = _validate_mark(result, problems, note)
    item.result, item.problems, item.note = result, problems, note.strip()
    item.checked_by, item.checked_at = user, timezone.now()
    item.save(update_fields=["result", "problems", "note", "checked_by", "checked_at"])
    audit_record(kind=AuditEvent.Kind.UPDATE, user=user, obj=item, detail={"spot_check": result, "problems": problems})
    if result == SpotCheckResult.PROBLEM:
        _notify_problem(item)
    return item


@transaction.atomic
def spot_check_resolve(*, user, item: SpotCheck, note: str) -> SpotCheck:
    """The town says what it corrected; the to-do closes."""
    if not user.can(Capability.EDIT_CHILDREN):
        raise PermissionDenied("您的角色只能查看，不能处理抽查问题。")
    if not item.is_open_problem:
        raise ValidationError("该抽查项目没有待整改的问题。")
    if not note.strip():
        raise ValidationError({"resolution_note": "请填写整改说明。"})
    item.resolution_note, item.resolved_by, item.resolved_at = note.strip(), user, timezone.now()
    item.save(update_fields=["resolution_note", "resolved_by", "resolved_at"])
    audit_record(kind=AuditEvent.Kind.UPDATE, user=user, obj=item, detail={"spot_check": "resolved"})
    return item
