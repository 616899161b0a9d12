"""The dashboards (reports:dashboard): the county picture for the bureau and the centre, a town's
villages and to-do list for town staff."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from registry.scope import sees_whole_county

from .. import selectors
from ..access import get_town_for_user, require_reports, towns_of
from ..models import WeeklyReport
from ..weeks import Week


def dashboard(request):
    user = request.user
    require_reports(user)
    if sees_whole_county(user):
        return county_dashboard(request)
    town = towns_of(user).first()
    if town is None:
        raise PermissionDenied("您没有负责的镇（街道、园区），无法查看看板。")
    return _town_page(request, town)


def county_dashboard(request):
    """通知 三.2: towns side by side, trends over the weeks, and the red list of zero-update towns."""
    label = request.GET.get("week", "")
    if label:
        view = selectors.stored_week(get_object_or_404(WeeklyReport, week=label))
    else:
        view = selectors.live_week()
    selectors.with_links(view.rows)
    context = {
        "view": view,
        "weeks": WeeklyReport.objects.values_list("week", flat=True)[:52],
        "town_chart": selectors.town_chart(view),
        "trend_chart": selectors.county_trend(),
    }
    return render(request, "reports/dashboard_county.html", context)


def town_dashboard(request, pk: int):
    require_reports(request.user)
    return _town_page(request, get_town_for_user(request.user, pk))


def _town_page(request, town):
    user = request.user
    today = timezone.localdate()
    week = Week.containing(today)
    villages = selectors.village_table(user, town, week=week, today=today)
    counts = selectors.sum_counts(villages)
    show_all = request.GET.get("all") == "1"
    shown = villages if show_all else [row for row in villages if row.has_children or row.updates]
    trend = selectors.town_trend(town)
    context = {
        "town": town,
        "towns": towns_of(user) if not sees_whole_county(user) else [],
        "week": week,
        "villages": shown,
        "show_all": show_all,
        "hidden_villages": len(villages) - len(shown),
        "counts": counts,
        "todos": selectors.town_todos(user, town, counts=counts, today=today),
        "trend": trend,
        "trend_chart": {
            "weeks": [row.report.week for row in trend],
            "updates": [row.updates for row in trend],
            "active": [row.active for row in trend],
        },
        "county_view": sees_whole_county(user),
        "computed_at": selectors.village_status(user, town).computed_at,
    }
    return render(request, "reports/dashboard_town.html", context)
