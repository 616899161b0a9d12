"""Pages of the security administrator (安全管理员): locked accounts, unlock, password reset."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .roles import Capability
from .services import account_password_reset, account_unlock, locked_accounts


def _require_security_admin(request) -> None:
    if not request.user.can(Capability.MANAGE_SECURITY):
        raise PermissionDenied("只有安全管理员可以管理账号锁定和重置密码。")


def _errors(exc: ValidationError) -> list[str]:
    return [message for messages_ in exc.message_dict.values() for message in messages_]


def lockout_list(request):
    _require_security_admin(request)
    return render(request, "accounts/lockouts.html", {"locked": locked_accounts()})


@require_POST
def lockout_unlock(request):
    _require_security_admin(request)
    username = request.POST.get("username", "")
    try:
        removed = account_unlock(username=username, by=request.user)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("accounts:lockouts")
    if removed:
        messages.success(request, f"已解除账号 {username} 的锁定。")
    else:
        messages.info(request, f"账号 {username} 当前没有登录失败记录，无需解锁。")
    return redirect("accounts:lockouts")


@require_POST
def password_reset(request):
    _require_security_admin(request)
    username = request.POST.get("username", "")
    try:
        user, password = account_password_reset(username=username, by=request.user)
    except ValidationError as exc:
        context = {"locked": locked_accounts(), "reset_username": username, "reset_errors": _errors(exc)}
        return render(request, "accounts/lockouts.html", context, status=400)
    # Shown once, on this response only (never stored in a message or the session; no-store).
    return render(request, "accounts/password_reset_done.html", {"target": user, "password": password})
