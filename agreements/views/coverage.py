"""Coverage pages (通知 二.2: 签订全覆盖): figures per town (county-wide users) or per village, each
number linking to the children behind it; that list, filterable and exportable."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from registry.choices import AdultRole
from registry.models import Child, ChildAdult, Region, RegionLevel
from registry.scope import sees_whole_county, visible_regions

from ..exports import export_xlsx
from ..forms import ListFilterForm
from ..selectors import AgreementCoverage, AgreementState, agreement_coverage_by, children_in_state
from ..services.lifecycle import today
from .access import may_manage, require

PAGE_SIZE = 50
ROW_FIELDS = (
    "pk",
    "name",
    "id_number_masked",
    "birth_date",
    "town__name",
    "village__name",
    "carer_name",
    "agreement_state",
    "agreement__status",
    "agreement__signed_on",
    "agreement__valid_until",
    "agreement__resign_reason",
)


def _list_url(**params) -> str:
    return f"{reverse('agreements:list')}?{urlencode({k: v for k, v in params.items() if v})}"


def _links(**region) -> dict[str, str]:
    return {
        "needing": _list_url(**region, status="all"),
        "signed_valid": _list_url(**region, status=AgreementState.VALID),
        "to_resign": _list_url(**region, status=AgreementState.TO_RESIGN),
        "unsigned": _list_url(**region, status=AgreementState.UNSIGNED),
        "missing": _list_url(**region, status="missing"),
    }


def _rows(figures: dict, regions, *, level: str) -> list[dict]:
    rows = []
    for region in regions:
        param = {"town": region.pk} if level == RegionLevel.TOWN else {"town": region.parent_id, "village": region.pk}
        figure = figures.get(region.pk, AgreementCoverage())
        rows.append({"region": region, "figures": figure, "links": _links(**param)})
    return rows


@require_GET
def coverage(request):
    user = request.user
    require(user, Capability.VIEW_CHILDREN, "您的角色不能查看委托照护协议签订情况。")
    on = today()
    children, town = Child.objects.visible_to(user), None
    county_wide = sees_whole_county(user)
    if county_wide and request.GET.get("town"):
        town = get_object_or_404(Region.objects.towns(), pk=request.GET["town"] if request.GET["town"].isdigit() else 0)
        children = children.filter(town=town)
    if county_wide and town is None:
        level, figures = RegionLevel.TOWN, agreement_coverage_by(children, "town_id", on=on)
        regions = Region.objects.towns().filter(active=True) | Region.objects.filter(pk__in=list(figures))
    else:
        level, figures = RegionLevel.VILLAGE, agreement_coverage_by(children, "village_id", on=on)
        regions = Region.objects.filter(pk__in=list(figures))
    regions = regions.select_related("parent").order_by("code").distinct()
    total = sum(figures.values(), AgreementCoverage())
    rows = _rows(figures, regions, level=level)
    context = {
        "on": on,
        "town": town,
        "level": level,
        "rows": rows,
        "several_towns": len({row["region"].parent_id for row in rows}) > 1,
        "total": total,
        "total_links": _links(town=town.pk if town else None),
        "can_print": may_manage(user),
    }
    return render(request, "agreements/coverage.html", context)


def _filtered(request):
    """The children the list's filters select, with their agreement state, in the user's scope."""
    user = request.user
    form = ListFilterForm(request.GET or None, regions=visible_regions(user))
    children = Child.objects.visible_to(user)
    status = "missing"
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        if data.get("town"):
            children = children.filter(town=data["town"])
        if data.get("village"):
            children = children.filter(village=data["village"])
        status = data.get("status") or "missing"
    carer = ChildAdult.objects.filter(child=OuterRef("pk"), role=AdultRole.CARER).values("adult__name")[:1]
    guardian = ChildAdult.objects.filter(child=OuterRef("pk"), role=AdultRole.GUARDIAN).values("adult__name")[:1]
    selected = children_in_state(children, "" if status == "all" else status, on=today())
    selected = selected.annotate(carer_name=Coalesce(Subquery(carer), Subquery(guardian)))
    rows = selected.order_by("town__code", "village__code", "name", "pk").values(*ROW_FIELDS)
    return form, status, rows


@require_GET
def children_list(request):
    require(request.user, Capability.VIEW_CHILDREN, "您的角色不能查看委托照护协议签订情况。")
    form, status, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "status_label": dict(ListFilterForm.STATES).get(status, ""),
        "page": page,
        "query_string": query.urlencode(),
        "can_export": request.user.can(Capability.EXPORT_ROSTER),
        "states": AgreementState.LABELS,
    }
    return render(request, "agreements/list.html", context)


@require_GET
def children_export(request):
    require(request.user, Capability.VIEW_CHILDREN, "您的角色不能查看委托照护协议签订情况。")
    require(request.user, Capability.EXPORT_ROSTER, "您的角色不能导出名单。")
    form, status, rows = _filtered(request)
    rows = list(rows)
    label = dict(ListFilterForm.STATES).get(status, "")
    on = today()
    content = export_xlsx(rows, title=f"委托照护协议签订情况：{label}（{on:%Y-%m-%d}）")
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        object_type="agreements.list",
        object_label=f"委托照护协议名单：{label}",
        detail={"filters": request.GET.dict(), "rows": len(rows)},
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"委托照护协议-{label}-{on:%Y%m%d}.xlsx")
    return response
