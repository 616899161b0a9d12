"""Who sees which reconciliation runs and lines, and the to-do count a town's dashboard shows.

Administrators and town staff run reconciliations (Capability.IMPORT_ROSTER), town staff for their own
towns only; county-wide readers (the bureau, the inspector: Capability.VIEW_REPORTS) read every run;
town staff read the runs that cover their towns, and only their towns' lines in a county-wide run.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from qidong_care.accounts.roles import Capability

from ..models import Region, RegionLevel
from ..scope import region_ids_by_level, sees_whole_county
from .models import ReconciliationLine, ReconciliationRun, Resolution


def can_run(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(Capability.IMPORT_ROSTER))


def can_read(user) -> bool:
    return can_run(user) or bool(getattr(user, "is_authenticated", False) and user.can(Capability.VIEW_REPORTS))


def town_ids_of(user) -> set[int] | None:
    """The towns whose reconciliation the user may see: None for the whole county."""
    if sees_whole_county(user):
        return None
    ids = region_ids_by_level(user)
    towns = set(ids[RegionLevel.TOWN])
    if ids[RegionLevel.VILLAGE]:
        towns |= set(Region.objects.filter(pk__in=ids[RegionLevel.VILLAGE]).values_list("parent_id", flat=True))
    return towns


def runs_visible_to(user) -> QuerySet[ReconciliationRun]:
    if not can_read(user):
        return ReconciliationRun.objects.none()
    towns = town_ids_of(user)
    runs = ReconciliationRun.objects.select_related("town", "started_by")
    if towns is None:
        return runs
    return runs.filter(Q(town_id__in=towns) | Q(town__isnull=True))


def lines_visible_to(user, run: ReconciliationRun) -> QuerySet[ReconciliationLine]:
    towns = town_ids_of(user)
    lines = run.lines.all()
    return lines if towns is None else lines.filter(town_id__in=towns)


def get_run_for_user(request, pk: int) -> ReconciliationRun:
    """403 for a role that may not read runs, 404 for a run outside the user's towns."""
    if not can_read(request.user):
        raise PermissionDenied("您的角色不能查看全国系统比对。")
    try:
        return runs_visible_to(request.user).get(pk=pk)
    except ReconciliationRun.DoesNotExist:
        raise Http404("没有找到这次比对，或不在您的负责区域内。") from None


def get_line_for_user(request, pk: int, *, write: bool = False) -> ReconciliationLine:
    """A line the user may see: 403 without the capability (confirming needs to edit archives), 404 outside."""
    user = request.user
    if not (can_read(user) and user.can(Capability.VIEW_CHILDREN)):
        raise PermissionDenied("您的角色不能核对儿童档案。")
    if write and not (can_run(user) and user.can(Capability.EDIT_CHILDREN)):
        raise PermissionDenied("您的角色只能查看，不能确认对应关系。")
    towns = town_ids_of(user)
    lines = ReconciliationLine.objects.select_related("run", "child__town", "child__village", "town", "village")
    if towns is not None:
        lines = lines.filter(town_id__in=towns)
    try:
        return lines.get(pk=pk)
    except (ReconciliationLine.DoesNotExist, ValueError):
        raise Http404("没有找到这条比对结果，或不在您的负责区域内。") from None


def latest_run_by_town(towns: set[int] | None) -> dict[int, int]:
    """For each town, the latest run that covers it: its own run, or a later county-wide one."""
    county = ReconciliationRun.objects.filter(town__isnull=True).order_by("-started_at", "-pk").first()
    own = ReconciliationRun.objects.filter(town_id=OuterRef("pk")).order_by("-started_at", "-pk")
    regions = Region.objects.filter(level=RegionLevel.TOWN)
    if towns is not None:
        regions = regions.filter(pk__in=towns)
    regions = regions.annotate(run_id=Subquery(own.values("pk")[:1]), run_at=Subquery(own.values("started_at")[:1]))
    latest = {}
    for town in regions:
        if county is not None and (town.run_at is None or county.started_at > town.run_at):
            latest[town.pk] = county.pk
        elif town.run_id is not None:
            latest[town.pk] = town.run_id
    return latest


def reconcile_todo_by_town(user) -> dict[int, int]:
    """Open lines per town in the latest run covering each of the user's towns (the town's to-do list)."""
    if not can_read(user):
        return {}
    latest = latest_run_by_town(town_ids_of(user))
    if not latest:
        return {}
    pairs = reduce(or_, (Q(run_id=run_id, town_id=town_id) for town_id, run_id in latest.items()))
    rows = (
        ReconciliationLine.objects.filter(pairs, resolution=Resolution.OPEN)
        .order_by()
        .values("town_id")
        .annotate(n=Count("*"))
    )
    return {row["town_id"]: row["n"] for row in rows}


def reconcile_todo_count(user) -> int:
    """How many reconciliation findings still wait in the user's towns (0 for roles that cannot read runs)."""
    return sum(reconcile_todo_by_town(user).values())
