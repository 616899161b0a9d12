"""Writes of the reconciliation: a run with its lines, the national 儿童编号 stored on children, and a
person's decision on a likely match (remembered for every later run)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..choices import RosterStatus
from ..history_user import attributed
from ..models import Child, Region, RegionLevel
from .models import LineKind, NationalMatch, ReconciliationLine, ReconciliationRun, Resolution
from .reconcile import children_with_links, pair_diffs, pair_kind, reconcile, set_diffs
from .rows import NationalRow
from .selectors import can_run, town_ids_of


def run_scope(user, town: Region | None) -> set[int] | None:
    """The towns a run by `user` covers: town staff their own town only (通知 二.3 is the towns' work)."""
    if not can_run(user):
        raise PermissionDenied("您的角色不能进行全国系统比对。")
    allowed = town_ids_of(user)
    if town is None:
        if allowed is not None:
            raise ValidationError({"town": "请选择您负责的镇（街道、园区）。"})
        return None
    if town.level != RegionLevel.TOWN or (allowed is not None and town.pk not in allowed):
        raise ValidationError({"town": "只能比对您负责的镇（街道、园区）。"})
    return {town.pk}


def child_national_no_store(*, user, child_id: int, number: str) -> None:
    """Keep the national 儿童编号 on the child (with history and a version bump, so an open form
    cannot silently blank it). Not a 动态更新: nothing about the child changed."""
    child = Child.objects.select_for_update().get(pk=child_id)
    if child.national_child_no == number:
        return
    child.national_child_no = number
    child.version += 1
    child._change_reason = "全国系统比对：记录全国系统儿童编号"
    child.save(update_fields=["national_child_no", "version", "updated_at"])


@attributed
@transaction.atomic
def reconciliation_run(
    *, user, town: Region | None, rows: list[NationalRow], file_name: str = "", mapping_name: str = ""
) -> ReconciliationRun:
    """Compare a national export's rows with the archive and keep the report (通知 二.3)."""
    town_ids = run_scope(user, town)
    outcome = reconcile(rows, town_ids=town_ids)
    run = ReconciliationRun.objects.create(
        town=town,
        started_by=user,
        file_name=file_name[:200],
        mapping_name=mapping_name[:60],
        row_count=len(rows),
        matched_count=outcome.matched,
        ignored_count=outcome.ignored,
        town_counts=outcome.town_counts(),
        notes=outcome.notes,
    )
    for line in outcome.lines:
        line.run = run
    ReconciliationLine.objects.bulk_create(outcome.lines, batch_size=500)
    for child_id, number in outcome.numbers_to_store.items():
        child_national_no_store(user=user, child_id=child_id, number=number)
    audit_record(
        kind=AuditEvent.Kind.IMPORT,
        user=user,
        obj=run,
        detail={"what": "全国儿童福利信息系统导出", "file": file_name, "rows": len(rows), "lines": len(outcome.lines)},
    )
    return run


def _check_open_likely(line: ReconciliationLine) -> None:
    if line.kind != LineKind.LIKELY or not line.is_open:
        raise ValidationError("这条记录已处理，无需重复确认。")


def _check_may_decide(user) -> None:
    if not (can_run(user) and user.can(Capability.EDIT_CHILDREN)):
        raise PermissionDenied("您的角色不能确认对应关系。")


def _row_of(line: ReconciliationLine) -> NationalRow:
    row = NationalRow(row_number=line.row_number or 0, values=line.national)
    row.town_id, row.village_id = line.town_id, line.village_id
    return row


def _remember(*, user, line: ReconciliationLine, same: bool) -> NationalMatch:
    return NationalMatch.objects.create(
        child_id=line.child_id,
        same=same,
        national_child_no=line.national_child_no,
        national_id_hash=line.national_id_hash,
        name=line.name,
        birth_date=_row_of(line).birth_date,
        village_id=line.village_id,
        decided_by=user,
    )


def _resolve(line: ReconciliationLine, *, user, resolution: str) -> None:
    line.resolution, line.resolved_by, line.resolved_at = resolution, user, timezone.now()
    line.save(update_fields=["resolution", "resolved_by", "resolved_at"])


def _follow_up(line: ReconciliationLine, kind: str, **fields) -> ReconciliationLine:
    """A new open line in the same run, for what a decision leaves to do."""
    follow = ReconciliationLine(run_id=line.run_id, kind=kind, town_id=line.town_id, village_id=line.village_id)
    for name in ("row_number", "name", "id_number_masked", "national_child_no", "national_id_hash", "national_json"):
        setattr(follow, name, getattr(line, name))
    for name, value in fields.items():
        setattr(follow, name, value)
    follow.save()
    return follow


@attributed
@transaction.atomic
def likely_match_confirm(*, user, line: ReconciliationLine) -> ReconciliationLine:
    """The national row is this child: remember it, store its 儿童编号, and list what still differs."""
    _check_may_decide(user)
    line = ReconciliationLine.objects.select_for_update().get(pk=line.pk)
    _check_open_likely(line)
    _remember(user=user, line=line, same=True)
    if line.national_child_no:
        child = Child.objects.get(pk=line.child_id)
        if not child.national_child_no:
            child_national_no_store(user=user, child_id=child.pk, number=line.national_child_no)
    _resolve(line, user=user, resolution=Resolution.CONFIRMED)
    child = children_with_links([line.child_id])[line.child_id]
    row = _row_of(line)
    diffs = pair_diffs(child, row)
    kind = pair_kind(child, row, diffs)
    if kind is not None:
        follow = _follow_up(line, kind, child_id=child.pk, town_id=child.town_id, village_id=child.village_id)
        set_diffs(follow, diffs)
        follow.save(update_fields=["diffs_json", "diff_fields"])
    return line


@attributed
@transaction.atomic
def likely_match_reject(*, user, line: ReconciliationLine) -> ReconciliationLine:
    """Not the same child: remembered; the row is then missing here, and an active child missing there."""
    _check_may_decide(user)
    line = ReconciliationLine.objects.select_for_update().get(pk=line.pk)
    _check_open_likely(line)
    _remember(user=user, line=line, same=False)
    _resolve(line, user=user, resolution=Resolution.REJECTED)
    if _row_of(line).is_active:
        _follow_up(line, LineKind.MISSING_HERE)
    child = Child.objects.select_related("town").get(pk=line.child_id)
    if child.roster_status == RosterStatus.ACTIVE:
        ReconciliationLine.objects.create(
            run_id=line.run_id,
            kind=LineKind.MISSING_NATIONALLY,
            child=child,
            town_id=child.town_id,
            village_id=child.village_id,
            name=child.name,
            id_number_masked=child.id_number_masked,
            national_child_no=child.national_child_no,
        )
    return line
