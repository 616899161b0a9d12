"""Visit coverage per town, village and director, and a village's month grid (通知 二.4: 一月一访)."""

import calendar
from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qidong_care.accounts.roles import Capability
from registry.models import Region
from registry.scope import scope_filter, sees_whole_county

from ..access import require
from ..selectors import month_grid as grid_rows
from ..selectors import total, visit_coverage_by, visit_coverage_by_director
from .common import parse_month, region_filter

MONTHS = list(range(1, 13))


def month_end(month_start: date, today: date) -> date:
    """The last day counted: today in the current month, else the month's last day."""
    last = month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])
    return min(last, today)


@require_GET
def coverage(request):
    user = request.user
    require(user, Capability.VIEW_CHILDREN)
    today = timezone.localdate()
    month_start = parse_month(request.GET.get("month"), default=today)
    if month_start > today:
        month_start = today.replace(day=1)
    on = month_end(month_start, today)
    regions = region_filter(request)
    by_town = sees_whole_county(user) and regions.town is None
    key = "town_id" if by_town else "village_id"
    figures = visit_coverage_by(key, month_start=month_start, on=on, scope=scope_filter(user) & regions.q)
    names = {r.pk: r for r in Region.objects.filter(pk__in=list(figures)).order_by("code")}
    rows = [(names[pk], figures[pk]) for pk in sorted(figures, key=lambda pk: names[pk].code) if pk in names]
    directors = [] if by_town else visit_coverage_by_director(village_coverage=figures, village_ids=set(figures))
    context = {
        "month_start": month_start,
        "on": on,
        "months": [today.replace(day=1)] + _previous_months(today, 11),
        "regions": regions,
        "by_town": by_town,
        "rows": rows,
        "total": total(figures),
        "directors": directors,
    }
    return render(request, "visits/coverage.html", context)


def _previous_months(today: date, count: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.append(date(year, month, 1))
    return months


@require_GET
def month_grid(request):
    """Children of one village × the months of a year, ✓ where the director visited."""
    user = request.user
    require(user, Capability.VIEW_CHILDREN)
    today = timezone.localdate()
    regions = region_filter(request)
    raw_village = request.GET.get("village")
    if raw_village and regions.village is None:
        raise Http404("没有找到该村（社区），或不在您的负责区域内。")
    village = regions.village or (regions.villages[0] if len(regions.villages) <= 2 and regions.villages else None)
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2020), today.year)
    rows = grid_rows(user, village=village, year=year) if village is not None else []
    visited_per_month = [sum(1 for row in rows if row.months[m - 1] == "director") for m in MONTHS]
    context = {
        "regions": regions,
        "village": village,
        "year": year,
        "years": list(range(today.year, 2022, -1)),
        "rows": rows,
        "months": MONTHS,
        "visited_per_month": visited_per_month,
        "current_month": today.month if year == today.year else 13,
    }
    return render(request, "visits/month_grid.html", context)
