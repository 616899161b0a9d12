"""Survey entry (通知 二.1, 二.3): one page to enter or update a child with father, mother,
guardian and carer; works on a phone. Nothing is half-saved, and a stale form never overwrites."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..choices import AdultRole
from ..forms import SurveyForm, parse_id_or_error
from ..models import Child
from ..rules.idnumber import normalize_id_number
from ..scope import get_child_for_user
from ..selectors import adult_by_id_number
from ..services import EXITED_READ_ONLY, child_save
from .access import require_capability


def _save(request, survey: SurveyForm, pk: int | None) -> Child | None:
    """The saved child, or None with the reasons on the form (every field kept as typed)."""
    if not survey.is_valid():
        return None
    # A fresh copy for the service: the page keeps the archive as it was opened.
    child = get_child_for_user(request, pk, write=True) if pk is not None else None
    try:
        return child_save(
            user=request.user,
            child=child,
            data=survey.child_form.service_data(),
            adults=survey.adults(),
            expected_version=survey.expected_version,
            reason="在线修改" if pk is not None else "在线录入",
        )
    except ValidationError as error:
        survey.add_service_error(error)
        return None


def _render(request, survey: SurveyForm, child: Child | None):
    context = {"survey": survey, "child": child, "roles": AdultRole}
    return render(request, "registry/child_form.html", context)


@require_capability(Capability.VIEW_CHILDREN)
@require_capability(Capability.EDIT_CHILDREN)
def child_create(request):
    survey = SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST":
        child = _save(request, survey, None)
        if child is not None:
            messages.success(request, f"已建档：{child.name}。留守类型：{child.get_verdict_display()}。")
            return redirect("registry:child_detail", pk=child.pk)
    return _render(request, survey, None)


@require_capability(Capability.VIEW_CHILDREN)
def child_edit(request, pk: int):
    child = get_child_for_user(request, pk, write=True)
    if child.is_exited:
        messages.error(request, EXITED_READ_ONLY)
        return redirect("registry:child_detail", pk=child.pk)
    survey = SurveyForm(request.POST or None, user=request.user, child=child)
    if request.method == "POST":
        saved = _save(request, survey, child.pk)
        if saved is not None:
            messages.success(request, f"已保存：{saved.name}。留守类型：{saved.get_verdict_display()}。")
            return redirect("registry:child_detail", pk=saved.pk)
    return _render(request, survey, child)


def _fill(adult, *, restricted: bool) -> dict:
    """What the page fills into the section: phone masked, health only for restricted viewers."""
    fill = {
        "name": adult.name,
        "phone": adult.phone_masked,
        "status": adult.status,
        "work_place": adult.work_place,
        "departed_on": adult.departed_on.isoformat() if adult.departed_on else "",
    }
    if restricted:
        fill["health"] = adult.health
    return fill


@require_GET
@require_capability(Capability.VIEW_CHILDREN)
@require_capability(Capability.EDIT_CHILDREN)
def adult_lookup(request):
    """htmx: an ID number typed in an adult section → "已有档案：姓名，与N名儿童关联" and that adult's
    details filled in, so one adult record serves every sibling (DOMAIN.md, 一人一档)."""
    role = request.GET.get("role", "")
    if role not in AdultRole.values:
        raise Http404("没有这一栏。")
    number = normalize_id_number(request.GET.get(f"{role}-id_number", ""))
    context: dict = {"role": role}
    if number and "*" not in number:
        try:
            number = parse_id_or_error(number)
        except ValidationError as error:
            context["error"] = error.messages[0]
        else:
            adult = adult_by_id_number(number)
            if adult is not None:
                fill = _fill(adult, restricted=request.user.can(Capability.VIEW_RESTRICTED))
                context.update(adult=adult, fill_json=json.dumps(fill, ensure_ascii=False))
                audit_record(kind=AuditEvent.Kind.VIEW, obj=adult, request=request, detail={"via": "按身份证号码查找"})
    return render(request, "registry/_adult_lookup.html", context)
