"""The role-aware navigation bar, built once per request from the user's capabilities."""

from django.urls import NoReverseMatch, reverse

from qidong_care.accounts.roles import Capability as C

# (label, url name, capability needed). Items whose URL is not installed yet are left out.
NAVIGATION = [
    ("首页", "home", None),
    ("儿童档案", "registry:child_list", C.VIEW_CHILDREN),
    ("待核实", "registry:suspected_list", C.EDIT_CHILDREN),
    ("委托照护协议", "agreements:coverage", C.VIEW_CHILDREN),
    ("本月走访", "visits:my_month", C.RECORD_VISITS),
    ("转介", "visits:referral_list", C.MANAGE_REFERRALS),
    ("关爱活动", "visits:activity_list", C.VIEW_CHILDREN),
    ("周报与看板", "reports:dashboard", C.VIEW_REPORTS),
    ("抽查", "reports:spotcheck_list", C.SPOT_CHECK),
    ("花名册导入", "registry:import_start", C.IMPORT_ROSTER),
    ("全国系统比对", "registry:reconcile_list", C.IMPORT_ROSTER),
    ("审计日志", "audit:event_list", C.VIEW_AUDIT),
    ("账号安全", "accounts:lockouts", C.MANAGE_SECURITY),
    ("后台任务", "core:job_list", C.VIEW_JOBS),
    ("系统管理", "admin:index", C.MANAGE_USERS),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, capability in NAVIGATION:
        if capability is not None and not user.can(capability):
            continue
        url = _url(name)
        if url is not None:
            items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
