"""Who may do what in the visits app, in one place. Order of checks everywhere: the capability (403),
then the region scope (404 outside it), then writing (403 for read-only roles)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from qidong_care.accounts.roles import READ_ONLY_ROLES, Capability
from registry.models import Region, RegionLevel
from registry.scope import region_ids_by_level, sees_whole_county

from .models import Activity, Referral, Visit

NOT_FOUND = "没有找到该记录，或不在您的负责区域内。"


def require(user, capability: str, message: str = "您的角色无权访问此页面。") -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


def require_writer(user, capability: str) -> None:
    """Bureau and inspector read; only the town staff and directors act."""
    require(user, capability)
    if user.role in READ_ONLY_ROLES:
        raise PermissionDenied("您的角色只能查看，不能修改。")


def reads_referrals(user) -> bool:
    """Referrals name findings of violence, neglect and injury (restricted data): only roles that handle
    referrals and may see restricted data read them, in lists and banners too (not the inspector)."""
    return user.can(Capability.MANAGE_REFERRALS) and user.can(Capability.VIEW_RESTRICTED)


def can_act_on_referrals(user) -> bool:
    return user.can(Capability.MANAGE_REFERRALS) and user.role not in READ_ONLY_ROLES


def get_visit_for_user(request: HttpRequest, pk: int) -> Visit:
    require(request.user, Capability.VIEW_CHILDREN)
    visit = Visit.objects.visible_to(request.user).select_related("child", "village", "town", "recorded_by")
    try:
        return visit.get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404(NOT_FOUND)


def get_referral_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Referral:
    """Referrals carry findings of violence and guardianship: roles that may act on referrals read them
    (the bureau county-wide); the inspector, without restricted data, does not."""
    require(request.user, Capability.MANAGE_REFERRALS)
    referrals = Referral.objects.visible_to(request.user).select_related("child", "village", "town", "visit")
    try:
        referral = referrals.get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404(NOT_FOUND)
    if write and not can_act_on_referrals(request.user):
        raise PermissionDenied("您的角色只能查看转介，不能办理。")
    return referral


def managed_towns(user) -> list[Region]:
    """Towns whose activities the user records: town staff's own towns (directors and read-only roles none)."""
    if not user.can(Capability.RECORD_VISITS) or user.role in READ_ONLY_ROLES or sees_whole_county(user):
        return []
    ids = region_ids_by_level(user)[RegionLevel.TOWN]
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


def get_activity_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Activity:
    require(request.user, Capability.VIEW_CHILDREN)
    try:
        activity = Activity.objects.visible_to(request.user).select_related("town", "village").get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404(NOT_FOUND)
    if write and activity.town_id not in {t.pk for t in managed_towns(request.user)}:
        raise PermissionDenied("只有本镇（街道）的民政干部可以修改关爱活动。")
    return activity
