"""Who may open which registry page. Scope (404 outside one's regions) is `get_child_for_user`;
this adds the capability checks (403): archives are closed to the administrator, the security
administrator and the auditor (least privilege), and writing is closed to read-only roles."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from qidong_care.accounts.roles import Capability

DENIED = {
    Capability.VIEW_CHILDREN: "您的角色不能查看儿童档案。",
    Capability.EDIT_CHILDREN: "您的角色只能查看，不能录入或修改儿童档案。",
    Capability.REVEAL_PERSONAL_DATA: "您的角色不能查看完整的身份证号码和电话。",
}


def require_capability(capability: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.can(capability):
                raise PermissionDenied(DENIED.get(capability, "您没有权限执行此操作。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def query_string_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
