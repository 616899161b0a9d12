"""What each role sees first: figures in their scope, each linking to the list behind it.

Town staff and children's directors get their to-do (待核实, 信息缺失, 信息错误, agreements to sign or
re-sign, visits due this month, referrals overdue) and their coverage; the bureau and the inspector
the county's figures and the dashboard; whoever handles referrals the red high-risk banner
(通知 二.4: 第一时间报告). A fixed number of aggregate queries, whatever the number of children.
"""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from agreements.selectors import AgreementCoverage, agreement_coverage_for, agreement_todo_count
from qidong_care.accounts.roles import Capability
from registry.models import Child, RegionLevel
from registry.scope import region_ids_by_level, scope_key, sees_whole_county
from registry.selectors import StatusCounts, status_counts
from reports import live
from visits.access import reads_referrals
from visits.selectors import high_risk_pending, referral_todo_counts, visit_month_counts

HIGH_RISK_SHOWN = 10
# A town's or the county's counts (a province: hundreds of thousands of children, seconds to count)
# are kept this long for everyone with the same scope; a village's are counted for each request.
# Referrals and the high-risk banner are always live.
SCOPE_FIGURES_SECONDS = 60


@dataclass
class Figure:
    key: str
    label: str
    value: int | str
    url: str
    note: str = ""
    alert: bool = False  # a to-do left undone: drawn in red


def _link(name: str, **params) -> str:
    """The page `name`, filtered as the figure says (the lists keep their filters in the query string)."""
    query = urlencode(params)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


@dataclass
class ScopeFigures:
    """The counts over every child in a user's scope (the heavy part of the home page)."""

    status: StatusCounts
    visits: dict  # active, visited, due (visits.selectors.visit_month_counts)
    coverage: AgreementCoverage
    agreements_todo: int


def _count_scope(user, *, on: date) -> ScopeFigures:
    children = Child.objects.visible_to(user)
    return ScopeFigures(
        status=status_counts(children),
        visits=visit_month_counts(user, on=on),
        coverage=agreement_coverage_for(children, on=on),
        agreements_todo=agreement_todo_count(user, on=on),
    )


def scope_figures(user, *, on: date) -> tuple[ScopeFigures, datetime | None]:
    """(figures, when they were counted): exact for a village scope (None); for a town or the
    county, from the cache (SCOPE_FIGURES_SECONDS)."""
    if not (sees_whole_county(user) or region_ids_by_level(user)[RegionLevel.TOWN]):
        return _count_scope(user, on=on), None
    key = f"home:scope:{scope_key(user)}:{on.isoformat()}"
    figures = live.cached(key, lambda: _count_scope(user, on=on), seconds=SCOPE_FIGURES_SECONDS)
    return figures.value, figures.computed_at


def scope_counts(figures: ScopeFigures) -> list[Figure]:
    counts = figures.status
    child_list = "registry:child_list"
    return [
        Figure("active", "在册留守儿童", counts.active, _link(child_list, status="active")),
        Figure("suspected", "待核实", counts.suspected, _link(child_list, status="suspected")),
        Figure(
            "missing", "信息缺失", counts.active_missing, _link(child_list, status="active", missing="1"), alert=True
        ),
        Figure("errors", "信息错误", counts.active_errors, _link(child_list, status="active", errors="1"), alert=True),
    ]


def todo_figures(user, *, scope: ScopeFigures, visits: dict) -> list[Figure]:
    """Town staff's and directors' work left (通知 二.2 全覆盖, 二.4 一月一访 and 报告)."""
    figures = []
    if user.can(Capability.MANAGE_AGREEMENTS):
        url = _link("agreements:list", status="missing")
        figures.append(Figure("agreements_todo", "待签（重签）委托照护协议", scope.agreements_todo, url, alert=True))
    if user.can(Capability.RECORD_VISITS):
        figures.append(Figure("visits_due", "本月待走访", visits["due"], _link("visits:my_month"), alert=True))
    if user.can(Capability.MANAGE_REFERRALS):
        url = _link("visits:referral_list", status="overdue")
        figures.append(Figure("referrals_overdue", "逾期未报告的转介", visits["referrals_overdue"], url, alert=True))
    return figures


def coverage_figures(user, *, scope: ScopeFigures, visits: dict) -> list[Figure]:
    """Agreement coverage (issue 5: the number on the town's home page) and this month's visits."""
    coverage = scope.coverage
    visit_page = "visits:coverage" if sees_whole_county(user) else "visits:my_month"
    figures = [
        Figure(
            "agreement_coverage",
            "委托照护协议签订率",
            _percent(coverage.signed_valid, coverage.needing),
            _link("agreements:coverage"),
            note=f"有效 {coverage.signed_valid} / 应签 {coverage.needing}",
        ),
        Figure(
            "visit_coverage",
            "本月走访覆盖率",
            _percent(visits["visited"], visits["active"]),
            _link(visit_page),
            note=f"已走访 {visits['visited']} / 在册 {visits['active']}",
        ),
    ]
    if user.can(Capability.MANAGE_REFERRALS):
        url = _link("visits:referral_list", status="open")
        figures.append(Figure("referrals_open", "未办结的转介", visits["referrals_open"], url))
        if sees_whole_county(user):  # town staff and directors have it among their to-do
            url = _link("visits:referral_list", status="overdue")
            overdue = visits["referrals_overdue"]
            figures.append(Figure("referrals_overdue", "逾期未报告的转介", overdue, url, alert=True))
    return figures


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


def home_context(user) -> dict:
    context: dict = {"sections": [], "regions": list(user.regions.order_by("code"))}
    if not user.can(Capability.VIEW_CHILDREN):
        return context
    scope, counted_at = scope_figures(user, on=timezone.localdate())
    visits = {**scope.visits, **referral_todo_counts(user)}
    active, *to_check = scope_counts(scope)
    coverage = coverage_figures(user, scope=scope, visits=visits)
    if sees_whole_county(user):
        sections = [Section("county", "全市情况", [active, *to_check, *coverage])]
    elif user.is_read_only:
        sections = [Section("scope", "负责区域情况", [active, *to_check, *coverage])]
    else:
        todos = [*to_check, *todo_figures(user, scope=scope, visits=visits)]
        sections = [Section("todos", "待办事项", todos), Section("coverage", "在册与覆盖情况", [active, *coverage])]
    context["sections"] = sections
    context["figures_as_of"] = counted_at
    if user.can(Capability.VIEW_REPORTS):
        context["dashboard_url"] = _link("reports:dashboard")
    if reads_referrals(user):
        context["high_risk"] = list(high_risk_pending(user)[:HIGH_RISK_SHOWN])
    return context
