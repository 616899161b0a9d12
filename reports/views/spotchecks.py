"""The daily spot checks (每天抽查, 通知 三.2): the inspectors' list and marks; the towns' problems."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qidong_care.accounts.roles import Capability
from registry.choices import AdultRole
from registry.models import ChildAdult
from registry.scope import scope_filter

from ..access import require, towns_of
from ..forms import SpotCheckMarkForm, SpotCheckResolveForm
from ..models import SpotCheck, SpotCheckResult
from ..services.spotchecks import spot_check_mark, spot_check_resolve

CHILD_SHOWN = ("name", "id_number_masked", "gender", "birth_date", "household_address", "schooling", "verdict")
CHILD_SHOWN += ("roster_status", "living_arrangement", "village", "town", "has_missing", "has_errors")

# What the list shows, nothing more: the archive's encrypted fields are never loaded (or decrypted) here.
SPOT_FIELDS = (
    "updated_on",
    "drawn_on",
    "town__name",
    "village__name",
    "update_count",
    "result",
    "problems",
    "note",
    "checked_at",
    "checked_by__first_name",
    "checked_by__last_name",
    "checked_by__username",
    "resolution_note",
    "resolved_at",
    "resolved_by__first_name",
    "resolved_by__last_name",
    "resolved_by__username",
)


def _items(user):
    """Spot checks in the user's scope, with what an inspector looks at, in a fixed number of queries."""
    care = ChildAdult.objects.filter(role__in=[AdultRole.GUARDIAN, AdultRole.CARER]).select_related("adult")
    care = care.only("child_id", "role", "relation", "adult__name", "adult__id_number_masked", "adult__phone_masked")
    return (
        SpotCheck.objects.filter(scope_filter(user))
        .select_related("child", "town", "village", "checked_by", "resolved_by")
        .only(*[f"child__{name}" for name in CHILD_SHOWN], *SPOT_FIELDS)
        .prefetch_related(Prefetch("child__links", queryset=care.order_by("-role"), to_attr="care_links"))
    )


def _get_item(user, pk: int) -> SpotCheck:
    item = _items(user).filter(pk=pk).first()
    if item is None:
        raise Http404("没有找到该抽查项目，或不在您的负责区域内。")
    return item


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def spotcheck_list(request):
    user = request.user
    require(user, Capability.SPOT_CHECK, "只有未成年人保护中心督查员可以抽查。")
    days = list(SpotCheck.objects.order_by("-updated_on").values_list("updated_on", flat=True).distinct()[:30])
    day = request.GET.get("day") or (days[0].isoformat() if days else "")
    items = _items(user).filter(updated_on=day) if day else SpotCheck.objects.none()
    town = request.GET.get("town", "")
    if town.isdigit():
        items = items.filter(town_id=int(town))
    result = request.GET.get("result")
    if result in ("pending", SpotCheckResult.PASSED, SpotCheckResult.PROBLEM):
        items = items.filter(result="" if result == "pending" else result)
    drawn = SpotCheck.objects.filter(scope_filter(user), updated_on=day) if day else SpotCheck.objects.none()
    counts = {row["result"]: row["n"] for row in drawn.order_by().values("result").annotate(n=Count("*"))}
    summary = {"pending": counts.get("", 0), "passed": counts.get("pass", 0), "problem": counts.get("problem", 0)}
    page = Paginator(items.order_by("town__code", "village__code", "child_id"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "days": days,
        "day": day,
        "town": town,
        "result": result or "",
        "towns": towns_of(user),
        "summary": summary,
        "form": SpotCheckMarkForm(),
        "query_string": _without_page(request),
    }
    return render(request, "reports/spotcheck_list.html", context)


def _item_response(request, item: SpotCheck, form=None):
    context = {"item": item, "form": form or SpotCheckMarkForm(), "next_url": request.POST.get("next", "")}
    context["can_mark"] = request.user.can(Capability.SPOT_CHECK)
    context["can_resolve"] = request.user.can(Capability.EDIT_CHILDREN)
    return render(request, "reports/_spotcheck_item.html", context)


@require_POST
def spotcheck_mark(request, pk: int):
    require(request.user, Capability.SPOT_CHECK, "只有未成年人保护中心督查员可以抽查。")
    item = _get_item(request.user, pk)
    form = SpotCheckMarkForm(request.POST)
    if form.is_valid():
        try:
            spot_check_mark(user=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
    if request.htmx:
        return _item_response(request, _get_item(request.user, pk), form if form.errors else None)
    if form.errors:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, f"已记录抽查结果：{item.child.name}。")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = f"{reverse('reports:spotcheck_list')}?day={item.updated_on}"
    return redirect(back)


def spotcheck_problems(request):
    """The town's to-do: problems found by the centre, open first, until the town resolves them."""
    user = request.user
    require(user, Capability.VIEW_CHILDREN, "您的角色不能查看抽查问题。")
    show = request.GET.get("show", "open")
    items = _items(user).filter(result=SpotCheckResult.PROBLEM)
    if show == "open":
        items = items.filter(resolved_at__isnull=True)
    town = request.GET.get("town", "")
    if town.isdigit():
        items = items.filter(town_id=int(town))
    page = Paginator(items.order_by("resolved_at", "-updated_on", "child_id"), 30).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "town": town, "can_resolve": user.can(Capability.EDIT_CHILDREN)}
    return render(request, "reports/spotcheck_problems.html", context)


@require_POST
def spotcheck_resolve(request, pk: int):
    require(request.user, Capability.VIEW_CHILDREN, "您的角色不能查看抽查问题。")
    item = _get_item(request.user, pk)
    require(request.user, Capability.EDIT_CHILDREN, "您的角色只能查看，不能处理抽查问题。")
    form = SpotCheckResolveForm(request.POST)
    if form.is_valid():
        try:
            spot_check_resolve(user=request.user, item=item, note=form.cleaned_data["resolution_note"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if form.errors:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, "已记录整改情况。")
    return redirect("reports:spotcheck_problems")
