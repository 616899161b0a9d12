"""Screening and exit workflows: a field check decides a 待核实 child (通知 二.1); an exit takes
a child off the roster with a reason, and its archive stays readable (DOMAIN.md)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from qidong_care.accounts.roles import Capability

from .. import services
from ..assessment import today
from ..choices import RosterStatus
from ..forms import ExitForm, FieldCheckForm, add_service_error
from ..scope import get_child_for_user
from ..services import EXITED_READ_ONLY
from .access import require_capability


@require_capability(Capability.VIEW_CHILDREN)
def child_field_check(request, pk: int):
    """GET shows the form (also on the 待核实 list); POST confirms with a type, or rejects, with a note."""
    child = get_child_for_user(request, pk, write=True)
    if child.roster_status != RosterStatus.SUSPECTED:
        messages.info(request, "这名儿童不是待核实状态，无需实地核实。")
        return redirect("registry:child_detail", pk=child.pk)
    form = FieldCheckForm(request.POST or None, initial={"version": child.version})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_field_check(
                user=request.user,
                child=child,
                outcome=form.cleaned_data["outcome"],
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"已记录实地核实结论：{child.name}，{child.get_verdict_display()}。")
            return redirect("registry:child_detail", pk=child.pk)
    return render(request, "registry/child_field_check.html", {"child": child, "form": form})


@require_capability(Capability.VIEW_CHILDREN)
def child_exit(request, pk: int):
    """Exit with a reason (超龄退出, 父母返乡, 迁出, 死亡, 其他), a date and a note."""
    child = get_child_for_user(request, pk, write=True)
    if child.is_exited:
        messages.error(request, EXITED_READ_ONLY)
        return redirect("registry:child_detail", pk=child.pk)
    form = ExitForm(request.POST or None, initial={"on": today(), "version": child.version})
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_exit(
                user=request.user,
                child=child,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{child.name}已退出在册名单（{child.get_exit_reason_display()}），档案保留。")
            return redirect("registry:child_detail", pk=child.pk)
    return render(request, "registry/child_exit.html", {"child": child, "form": form})
