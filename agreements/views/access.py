"""Who may do what on the agreement pages: the archive's region scope (404 outside it) and the
role's capabilities (403), in one place."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from qidong_care.accounts.roles import Capability
from registry.models import Child, Region, RegionLevel
from registry.scope import get_child_for_user, visible_regions


def require(user, capability: str, message: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


def child_to_read(request: HttpRequest, pk: int) -> Child:
    """A role that reads no archive (administrator, security, audit) is refused (403, audited as
    越权访问) before the record is looked up; then 404 outside the user's scope."""
    require(request.user, Capability.VIEW_CHILDREN, "您的角色不能查看儿童档案。")
    return get_child_for_user(request, pk)


def child_to_manage(request: HttpRequest, pk: int) -> Child:
    """The child whose agreement the user changes or prints: a role that reads archives (403), in scope
    (404) and a role that manages agreements (403: bureau and inspector only read)."""
    require(request.user, Capability.VIEW_CHILDREN, "您的角色不能查看儿童档案。")
    child = get_child_for_user(request, pk, write=True)
    require(request.user, Capability.MANAGE_AGREEMENTS, "您的角色不能办理委托照护协议。")
    return child


def may_manage(user) -> bool:
    return user.can(Capability.MANAGE_AGREEMENTS) and user.can(Capability.EDIT_CHILDREN)


def village_in_scope(request: HttpRequest, pk: int) -> Region:
    try:
        return get_object_or_404(visible_regions(request.user), pk=pk, level=RegionLevel.VILLAGE)
    except (ValueError, TypeError):
        raise Http404 from None
