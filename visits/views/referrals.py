"""Referrals (通知 二.4): the list (overdue first), one referral with its workflow, the written report
to the education department as a PDF."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..access import can_act_on_referrals, get_referral_for_user, require
from ..choices import ReferralBody, ReferralStatus
from ..forms import ParentsNotifiedForm, ReferralTransitionForm, apply_errors
from ..models import Referral
from ..pdf import education_report_pdf
from ..selectors import high_risk_pending
from ..services import referral_notify_parents, referral_transition
from .common import paginate, query_string, region_filter

STATUS_FILTERS = [("open", "未办结"), ("overdue", "已逾期"), *ReferralStatus.choices, ("all", "全部")]


@require_GET
def referral_list(request):
    user = request.user
    require(user, Capability.MANAGE_REFERRALS)
    now = timezone.now()
    regions = region_filter(request)
    status = request.GET.get("status", "open")
    body = request.GET.get("body", "")
    referrals = Referral.objects.visible_to(user).filter(regions.q)
    if status == "open":
        referrals = referrals.open()
    elif status == "overdue":
        referrals = referrals.overdue(now)
    elif status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    if body in ReferralBody.values:
        referrals = referrals.filter(body=body)
    referrals = referrals.select_related("child", "village").only(
        "id",
        "trigger",
        "body",
        "source",
        "status",
        "deadline",
        "opened_at",
        "child__name",
        "village__name",
        "town_id",
        "village_id",
        "child_id",
    )
    context = {
        "page": paginate(request, referrals.overdue_first(now), 30),
        "query_string": query_string(request),
        "regions": regions,
        "status": status,
        "body": body,
        "status_filters": STATUS_FILTERS,
        "bodies": ReferralBody.choices,
        "high_risk": list(high_risk_pending(user).filter(regions.q)[:20]),
        "now": now,
    }
    return render(request, "visits/referral_list.html", context)


def deadline_rule(body: str) -> str:
    """The notice's rule behind the deadline, with the configured figures (通知 二.4)."""
    if body == ReferralBody.POLICE:
        return f"第一时间报告，最迟 {settings.REFERRAL_POLICE_HOURS} 小时"
    if body == ReferralBody.EDUCATION:
        return f"书面报告，{settings.REFERRAL_EDUCATION_WORKING_DAYS} 个工作日内（不含周六、周日）"
    return f"{settings.REFERRAL_ASSISTANCE_WORKING_DAYS} 个工作日内纳入保障范围（不含周六、周日）"


def _detail(request, referral: Referral, *, transition_form=None, parents_form=None, status: int = 200):
    can_act = can_act_on_referrals(request.user) and referral.status != ReferralStatus.CLOSED
    education = referral.body == ReferralBody.EDUCATION
    if can_act and transition_form is None:
        transition_form = ReferralTransitionForm(referral=referral, initial={"reported_at": timezone.localtime()})
    if can_act and education and parents_form is None:
        parents_form = ParentsNotifiedForm(initial={"at": timezone.localtime(), "version": referral.version})
    context = {
        "referral": referral,
        "child": referral.child,
        "overdue": referral.overdue_at(timezone.now()),
        "deadline_rule": deadline_rule(referral.body),
        "can_act": can_act,
        "education": education,
        "transition_form": transition_form,
        "parents_form": parents_form,
        "history": referral.history.select_related("history_user").order_by("-history_date")[:30],
    }
    return render(request, "visits/referral_detail.html", context, status=status)


@require_GET
def referral_detail(request, pk: int):
    return _detail(request, get_referral_for_user(request, pk))


@require_POST
def referral_transition_view(request, pk: int):
    referral = get_referral_for_user(request, pk, write=True)
    form = ReferralTransitionForm(request.POST, referral=referral)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_transition(
                user=request.user,
                referral=referral,
                to_status=data["status"],
                expected_version=data["version"],
                reported_to=data["reported_to"],
                reported_at=data["reported_at"],
                receipt_no=data["receipt_no"],
                progress_note=data["progress_note"],
                outcome=data["outcome"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"转介状态已改为“{referral.get_status_display()}”。")
            return redirect("visits:referral_detail", referral.pk)
    referral.refresh_from_db()
    return _detail(request, referral, transition_form=form, status=400)


@require_POST
def referral_parents_view(request, pk: int):
    referral = get_referral_for_user(request, pk, write=True)
    if referral.body != ReferralBody.EDUCATION:
        raise Http404("该转介不需要通报父母或监护人。")
    form = ParentsNotifiedForm(request.POST)
    if form.is_valid():
        try:
            referral_notify_parents(
                user=request.user,
                referral=referral,
                at=form.cleaned_data["at"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已记录通报父母或监护人的情况。")
            return redirect("visits:referral_detail", referral.pk)
    referral.refresh_from_db()
    return _detail(request, referral, parents_form=form, status=400)


@require_GET
def referral_report_pdf(request, pk: int):
    """通知 二.4: 书面报告教育部门 — printable, audited (PRINT)."""
    referral = get_referral_for_user(request, pk)
    if referral.body != ReferralBody.EDUCATION:
        raise Http404("只有失学辍学的转介有书面报告。")
    pdf = education_report_pdf(referral, user=request.user)
    audit_record(
        kind=AuditEvent.Kind.PRINT, obj=referral.child, detail={"document": "失学辍学书面报告", "referral": referral.pk}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="education-report-{referral.pk}.pdf"'
    return response
