"""Reads behind the dashboards: the county picture, trends from snapshots, a town's villages and
its to-do list. Each is a fixed number of grouped queries, whatever the number of children."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from registry.models import ArchiveUpdate, Child, Region, RegionLevel
from registry.scope import region_ids_by_level, scope_filter, sees_whole_county, visible_regions
from registry.selectors import StatusCounts, status_counts_by

from . import links, live, sources
from .figures import ratio, total_of, week_rows
from .models import SpotCheck, SpotCheckResult, WeeklyReport, WeeklyReportRow
from .weeks import Week

TREND_WEEKS = 12


@dataclass
class WeekView:
    """The figures of one week for a page: a stored snapshot, or the current week so far (live)."""

    week: Week
    rows: list[WeeklyReportRow]
    total: WeeklyReportRow
    report: WeeklyReport | None
    computed_at: datetime | None = None  # live figures: when they were computed (reports.live)

    @property
    def live(self) -> bool:
        return self.report is None

    @property
    def zero_update_rows(self) -> list[WeeklyReportRow]:
        return [row for row in self.rows if row.zero_update]


def stored_week(report: WeeklyReport) -> WeekView:
    rows = list(report.rows.order_by("town_code"))
    return WeekView(Week.parse(report.week), rows, total_of(rows), report)


def live_week() -> WeekView:
    """The current week so far, from the cache the beat job fills (reports.live)."""
    week = Week.containing(timezone.localdate())
    figures = live.cached(live.live_week_key(week), lambda: week_rows(week, until=None))
    rows = figures.value
    return WeekView(week, rows, total_of(rows), None, figures.computed_at)


def refresh_live_week() -> WeekView:
    week = Week.containing(timezone.localdate())
    figures = live.refresh(live.live_week_key(week), lambda: week_rows(week, until=None))
    return WeekView(week, figures.value, total_of(figures.value), None, figures.computed_at)


def with_links(rows: list[WeeklyReportRow]) -> list[WeeklyReportRow]:
    for row in rows:
        row.links = links.town_links(row.town_id)
    return rows


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def town_chart(view: WeekView) -> dict:
    """Towns side by side (bars): on the roster, updated this week, agreement and visit coverage (%)."""
    rows = view.rows
    return {
        "title": view.week.label + ("（实时）" if view.live else ""),
        "towns": [row.town_name for row in rows],
        "active": [row.active for row in rows],
        "updates": [row.updates for row in rows],
        "agreement": [_percent(row.agreement_coverage) for row in rows],
        "visits": [_percent(row.visit_coverage) for row in rows],
    }


def county_trend(limit: int = TREND_WEEKS) -> dict:
    """County totals over the last stored weeks (lines), oldest first."""
    reports = list(WeeklyReport.objects.order_by("-week_start")[:limit])
    sums = (
        WeeklyReportRow.objects.filter(report__in=reports)
        .order_by()
        .values("report_id")
        .annotate(
            active=Sum("active"),
            updates=Sum("updates"),
            zero=Count("pk", filter=Q(zero_update=True)),
            agreement_signed=Sum("agreement_signed"),
            agreement_needing=Sum("agreement_needing"),
            visit_visited=Sum("visit_visited"),
            visit_active=Sum("visit_active"),
        )
    )
    by_report = {row["report_id"]: row for row in sums}
    reports.reverse()
    series: dict[str, list] = {"weeks": [], "active": [], "updates": [], "zero": [], "agreement": [], "visits": []}
    for report in reports:
        row = by_report.get(report.pk, {})
        series["weeks"].append(report.week)
        series["active"].append(row.get("active") or 0)
        series["updates"].append(row.get("updates") or 0)
        series["zero"].append(row.get("zero") or 0)
        agreement = ratio(row.get("agreement_signed") or 0, row.get("agreement_needing") or 0)
        series["agreement"].append(_percent(agreement))
        series["visits"].append(_percent(ratio(row.get("visit_visited") or 0, row.get("visit_active") or 0)))
    return series


def town_trend(town: Region, limit: int = TREND_WEEKS) -> list[WeeklyReportRow]:
    rows = WeeklyReportRow.objects.filter(town=town).select_related("report").order_by("-report__week_start")
    return list(rows[:limit])[::-1]


@dataclass
class VillageRow:
    village: Region
    counts: StatusCounts
    updates: int
    links: dict

    @property
    def has_children(self) -> bool:
        return any(vars(self.counts).values())


def village_status_key(user, town: Region) -> str:
    """Everyone who sees the whole town shares the town's figures."""
    whole = sees_whole_county(user) or town.pk in region_ids_by_level(user)[RegionLevel.TOWN]
    return f"reports:village-status:{town.pk}:{'town' if whole else live.scope_key(user)}"


def village_status(user, town: Region) -> live.Live:
    """Children by village and status in the user's part of the town (cached, reports.live)."""
    children = Child.objects.visible_to(user).filter(town=town)
    return live.cached(village_status_key(user, town), lambda: dict(status_counts_by(children, "village_id")))


def village_table(user, town: Region, *, week: Week, today: date) -> list[VillageRow]:
    """The town's villages in the user's scope: children by status, and updates this week so far."""
    status = village_status(user, town).value
    updates = dict(
        ArchiveUpdate.objects.filter(town=town, on__gte=week.start, on__lte=min(week.end, today))
        .filter(scope_filter(user, town_field="town_id", village_field="child__village_id"))
        .order_by()
        .values("child__village_id")
        .annotate(n=Count("child_id", distinct=True))
        .values_list("child__village_id", "n")
    )
    villages = visible_regions(user).villages().filter(parent=town)
    villages = villages.filter(Q(active=True) | Q(pk__in=[key for key in status if key])).order_by("code")
    return [
        VillageRow(
            village=village,
            counts=status.get(village.pk) or StatusCounts(),
            updates=updates.get(village.pk, 0),
            links={
                "active": links.child_list(status="active", village=village.pk),
                "suspected": links.child_list(status="suspected", village=village.pk),
                "missing": links.child_list(status="active", missing=1, village=village.pk),
                "errors": links.child_list(status="active", errors=1, village=village.pk),
            },
        )
        for village in villages
    ]


@dataclass
class Todo:
    label: str
    count: int | None
    url: str
    note: str = ""


def open_problems(user, town: Region | None = None):
    items = SpotCheck.objects.filter(scope_filter(user), result=SpotCheckResult.PROBLEM, resolved_at__isnull=True)
    return items.filter(town=town) if town is not None else items


def todo_key(user, town: Region, today: date) -> str:
    return f"reports:todo:{town.pk}:{live.scope_key(user)}:{today.isoformat()}"


def county_todo_key(today: date) -> str:
    return f"reports:county-todo:{today.isoformat()}"


def _county_todo_figures(today: date) -> tuple[dict, dict, dict]:
    """Agreement and visit coverage and referral counts of every town (cached, reports.live)."""
    return (
        sources.agreement_coverage_by_town(on=today),
        sources.visit_coverage_by_town(month_start=today.replace(day=1), on=today),
        sources.referral_counts_by_town(at=timezone.now()),
    )


def _scoped_todo_figures(user, today: date) -> tuple[int | None, int | None, int | None]:
    visits = sources.visit_todo_counts(user, on=today)
    return sources.agreement_todo_count(user, on=today), visits.get("visits_due"), visits.get("referrals_overdue")


def _other_apps_todo(user, town: Region, today: date) -> tuple[int | None, int | None, int | None]:
    """Agreements to sign, visits due, referrals overdue. Town staff get their own to-do counts;
    county-wide users looking at a town get that town's figures. Both from the cache (reports.live)."""
    if sees_whole_county(user):
        figures = live.cached(county_todo_key(today), lambda: _county_todo_figures(today)).value
        agreement, visit, referral = (by_town.get(town.pk) for by_town in figures)
        return (
            max(agreement.needing - agreement.signed_valid, 0) if agreement else None,
            max(visit.active - visit.visited, 0) if visit else None,
            referral.overdue if referral else None,
        )
    return live.cached(todo_key(user, town, today), lambda: _scoped_todo_figures(user, today)).value


def town_todos(user, town: Region, *, counts: StatusCounts, today: date) -> list[Todo]:
    """The town's to-do list; every count links to the list behind it."""
    agreements, visits_due, referrals_overdue = _other_apps_todo(user, town, today)
    todos = [
        Todo("待核实儿童", counts.suspected, links.child_list(status="suspected", town=town.pk)),
        Todo("信息缺失", counts.active_missing, links.child_list(status="active", missing=1, town=town.pk)),
        Todo("信息错误", counts.active_errors, links.child_list(status="active", errors=1, town=town.pk)),
        Todo("待签（重签）委托照护协议", agreements, links.agreements_missing(town.pk)),
        Todo("本月待走访", visits_due, links.url_or_blank("visits:my_month", town=town.pk)),
        Todo("逾期转介", referrals_overdue, links.referrals_overdue(town.pk)),
    ]
    problems = open_problems(user, town).count()
    todos.append(Todo("抽查问题待整改", problems, links.url_or_blank("reports:spotcheck_problems", town=town.pk)))
    return todos


def sum_counts(rows: list[VillageRow]) -> StatusCounts:
    total = StatusCounts()
    for row in rows:
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(row.counts, name))
    return total


def refresh_live_figures(*, today: date | None = None) -> dict:
    """The beat job's work (reports.refresh_live_figures): the county's live week and to-do figures,
    and each town's village table and its staff's to-do list, recomputed into the cache."""
    today = today or timezone.localdate()
    refresh_live_week()
    live.refresh(county_todo_key(today), lambda: _county_todo_figures(today))
    towns = list(Region.objects.towns().active().order_by("code"))
    for town in towns:
        staff = live.town_staff_view(town)
        children = Child.objects.filter(town=town)
        live.refresh(village_status_key(staff, town), lambda c=children: dict(status_counts_by(c, "village_id")))
        live.refresh(todo_key(staff, town, today), lambda s=staff: _scoped_todo_figures(s, today))
    return {"towns": len(towns)}
