"""Care activities (通知 二.5): list with per-town totals, create and edit, the children picker."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from qidong_care.accounts.roles import Capability
from registry.choices import RosterStatus
from registry.models import Child, Region

from ..access import get_activity_for_user, managed_towns, require
from ..choices import ActivityType
from ..forms import ActivityForm, apply_errors
from ..models import Activity
from ..selectors import ActivityTotals, activity_totals_by_town
from ..services import activity_save
from .common import paginate, query_string, region_filter

SEARCH_LIMIT = 20


def _year(request, today: date) -> int:
    try:
        return min(max(int(request.GET.get("year", today.year)), 2020), today.year)
    except ValueError:
        return today.year


@require_GET
def activity_list(request):
    user = request.user
    require(user, Capability.VIEW_CHILDREN)
    today = timezone.localdate()
    year = _year(request, today)
    regions = region_filter(request)
    activities = Activity.objects.visible_to(user).filter(regions.q, date__year=year)
    kind = request.GET.get("type", "")
    if kind in ActivityType.values:
        activities = activities.filter(type=kind)
    totals = activity_totals_by_town(activities)
    towns = {r.pk: r for r in Region.objects.filter(pk__in=list(totals)).order_by("code")}
    listing = activities.select_related("town", "village").annotate(n_children=Count("attendances"))
    listing = listing.order_by("-date", "-id")
    context = {
        "page": paginate(request, listing, 30),
        "query_string": query_string(request),
        "regions": regions,
        "year": year,
        "years": list(range(today.year, 2022, -1)),
        "type": kind,
        "types": ActivityType.choices,
        "totals": [(towns[pk], totals[pk]) for pk in sorted(totals, key=lambda pk: towns[pk].code)],
        "grand_total": sum(totals.values(), ActivityTotals()),
        "can_create": bool(managed_towns(user)),
    }
    return render(request, "visits/activity_list.html", context)


@require_GET
def activity_detail(request, pk: int):
    activity = get_activity_for_user(request, pk)
    children = Child.objects.filter(pk__in=activity.attendances.values("child_id")).select_related("village")
    context = {
        "activity": activity,
        "children": children.only("id", "name", "gender", "village__name").order_by("village__code", "name"),
        "can_edit": activity.town_id in {t.pk for t in managed_towns(request.user)},
    }
    return render(request, "visits/activity_detail.html", context)


def _town_for_new(request) -> Region:
    towns = managed_towns(request.user)
    if not towns:
        raise PermissionDenied("只有镇（街道）民政干部可以录入关爱活动。")
    raw = request.POST.get("town") or request.GET.get("town")
    return next((t for t in towns if str(t.pk) == raw), towns[0])


@require_http_methods(["GET", "POST"])
def activity_create(request):
    require(request.user, Capability.VIEW_CHILDREN)
    return _activity_form(request, activity=None, town=_town_for_new(request))


@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = get_activity_for_user(request, pk, write=True)
    return _activity_form(request, activity=activity, town=activity.town)


def _activity_form(request, *, activity: Activity | None, town: Region):
    user = request.user
    status = 200
    if request.method == "POST":
        form = ActivityForm(request.POST, instance=activity, town=town, user=user)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ActivityForm.Meta.fields}
            try:
                saved = activity_save(
                    user=user,
                    activity=activity,
                    town=town,
                    data=data,
                    children=list(form.cleaned_data["children"]),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已保存关爱活动“{saved.title}”。")
                return redirect("visits:activity_detail", saved.pk)
        status = 400
    else:
        form = ActivityForm(
            instance=activity, town=town, user=user, initial={} if activity else {"date": timezone.localdate()}
        )
    context = {
        "form": form,
        "activity": activity,
        "town": town,
        "towns": managed_towns(user),
        "selected": form.selected_children(),
    }
    return render(request, "visits/activity_form.html", context, status=status)


@require_GET
def activity_child_search(request):
    """htmx: children of the town matching a name, to add to an activity (within the user's scope)."""
    user = request.user
    require(user, Capability.VIEW_CHILDREN)
    town = _town_for_new(request)
    query = request.GET.get("q", "").strip()[:20]
    children = []
    if query:
        children = list(
            Child.objects.visible_to(user)
            .filter(town=town, name__contains=query)
            .exclude(roster_status=RosterStatus.EXITED)
            .select_related("village")
            .only("id", "name", "birth_date", "village__name")
            .order_by("name")[:SEARCH_LIMIT]
        )
    return render(request, "visits/includes/child_search_results.html", {"children": children, "q": query})
