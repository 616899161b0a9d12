"""The director's month (一月一访) and recording a visit on a phone."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from qidong_care.accounts.roles import Capability
from registry.models import Child
from registry.scope import get_child_for_user, scope_filter
from registry.services import ConcurrentEditError

from ..access import NOT_FOUND, get_visit_for_user, reads_referrals, require
from ..forms import VisitForm, apply_errors
from ..models import Referral, Visit, VisitPhoto
from ..selectors import children_this_month, high_risk_pending, month_of, total, visit_coverage_by
from ..services import visit_record
from .common import paginate, query_string, region_filter

DRAFT_HEADER = "X-Visit-Draft"  # sent by static/js/visits_draft.js: answer in JSON, not a redirect


@require_GET
def my_month(request):
    """ "My children this month": the due ones first, overdue referrals on top (通知 二.4: 一月一访)."""
    user = request.user
    require(user, Capability.VIEW_CHILDREN)
    on = timezone.localdate()
    regions = region_filter(request)
    query = request.GET.get("q", "").strip()[:20]
    children = children_this_month(user, on=on, village_id=None, query=query).filter(regions.q)
    coverage = total(
        visit_coverage_by("village_id", month_start=month_of(on), on=on, scope=scope_filter(user) & regions.q)
    )
    referrals = Referral.objects.visible_to(user) if reads_referrals(user) else Referral.objects.none()
    overdue = referrals.overdue(timezone.now()).filter(regions.q).select_related("child", "village")
    high_risk = high_risk_pending(user).filter(regions.q)[:10] if reads_referrals(user) else []
    context = {
        "page": paginate(request, children),
        "query_string": query_string(request),
        "regions": regions,
        "q": query,
        "on": on,
        "coverage": coverage,
        "overdue": list(overdue.order_by("deadline")[:10]),
        "high_risk": list(high_risk),
        "can_record": user.can(Capability.RECORD_VISITS) and not user.is_read_only,
        "saved_child": request.GET.get("saved", ""),
    }
    return render(request, "visits/my_month.html", context)


def _last_visit(child: Child) -> Visit | None:
    return child.visits.order_by("-date", "-id").first()


@require_http_methods(["GET", "POST"])
def visit_create(request, child_pk: int):
    """Record a visit: a few taps for a routine one. The form survives a lost connection
    (static/js/visits_draft.js keeps a draft and re-sends it)."""
    user = request.user
    require(user, Capability.RECORD_VISITS, "您的角色不能记录走访。")
    child = get_child_for_user(request, child_pk, write=True)
    if child.is_exited:
        messages.error(request, "该儿童已退出花名册，不能再记录走访。")
        return redirect("visits:child_visits", child.pk)
    child = Child.objects.prefetch_related("links__adult").select_related("village", "town").get(pk=child.pk)
    last = _last_visit(child)
    draft = request.headers.get(DRAFT_HEADER) == "1"
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, child=child, user=user, last_visit=last)
        if form.is_valid():
            try:
                visit = visit_record(
                    user=user,
                    child=child,
                    data=form.visit_data(),
                    findings=form.cleaned_data["findings"],
                    photos=form.cleaned_data["photos"],
                    archive=form.archive_change(),
                    client_token=form.cleaned_data.get("client_token"),
                    expected_version=form.cleaned_data.get("child_version"),
                )
            except ConcurrentEditError as exc:
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _saved(request, visit, draft=draft)
        status = 400
    else:
        form = VisitForm(child=child, user=user, last_visit=last, initial={"child_version": child.version})
        status = 200
    context = {"form": form, "child": child, "last_visit": last, "draft_key": f"visit-draft:{user.pk}:{child.pk}"}
    return render(request, "visits/visit_form.html", context, status=status)


def _saved(request, visit: Visit, *, draft: bool):
    referrals = visit.referrals.count()
    text = f"已保存{visit.child.name}的走访记录。"
    if referrals:
        text += f"已自动生成 {referrals} 条转介，请及时报告。"
    messages.success(request, text)
    url = f"{reverse('visits:my_month')}?saved={visit.child_id}"
    if draft:
        return JsonResponse({"saved": True, "visit": visit.pk, "redirect": url})
    return redirect(url)


@require_GET
def visit_detail(request, pk: int):
    visit = get_visit_for_user(request, pk)
    context = {
        "visit": visit,
        "child": visit.child,
        "restricted": request.user.can(Capability.VIEW_RESTRICTED),
        "photos": list(visit.photos.all()),
        "referrals": list(visit.referrals.all()) if request.user.can(Capability.MANAGE_REFERRALS) else [],
    }
    return render(request, "visits/visit_detail.html", context)


@require_GET
def child_visits(request, child_pk: int):
    """One child's visits and referrals, newest first."""
    require(request.user, Capability.VIEW_CHILDREN)
    child = get_child_for_user(request, child_pk)
    visits = child.visits.select_related("recorded_by").order_by("-date", "-id")
    referrals = []
    if request.user.can(Capability.MANAGE_REFERRALS):
        referrals = list(child.referrals.overdue_first(timezone.now()))
    context = {
        "child": child,
        "page": paginate(request, visits, 24),
        "referrals": referrals,
        "can_record": request.user.can(Capability.RECORD_VISITS) and not request.user.is_read_only,
        "now": timezone.now(),
    }
    return render(request, "visits/child_visits.html", context)


@require_GET
def photo(request, pk: int):
    """A visit photo, only to those who may see the visit (never through a public media URL)."""
    require(request.user, Capability.VIEW_CHILDREN)
    try:
        stored = VisitPhoto.objects.select_related("visit").get(
            pk=pk, visit__in=Visit.objects.visible_to(request.user).values("pk")
        )
    except VisitPhoto.DoesNotExist:
        raise Http404(NOT_FOUND)
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = "inline"
    return response
