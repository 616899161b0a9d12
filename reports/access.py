"""Who may open which supervision page: capabilities give 403, region scope gives 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qidong_care.accounts.roles import Capability
from registry.models import Region
from registry.scope import region_ids_by_level, sees_whole_county


def require(user, capability: str, message: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


def require_reports(user) -> None:
    require(user, Capability.VIEW_REPORTS, "您的角色不能查看报表。")


def require_county_reports(user) -> None:
    """The county-wide weekly report (every town side by side): the bureau and the centre."""
    require_reports(user)
    if not sees_whole_county(user):
        raise PermissionDenied("全市周报仅供市民政局和未成年人保护中心查看；本镇情况请看看板。")


def towns_of(user):
    """The towns a user answers for: every town for county-wide users, else the towns they hold."""
    towns = Region.objects.towns()
    if sees_whole_county(user):
        return towns.active().order_by("code")
    return towns.filter(pk__in=region_ids_by_level(user)["town"]).order_by("code")


def get_town_for_user(user, pk: int) -> Region:
    """A town the user answers for (retired towns stay readable county-wide); 404 otherwise."""
    towns = Region.objects.towns() if sees_whole_county(user) else towns_of(user)
    town = towns.filter(pk=pk).first()
    if town is None:
        raise Http404("没有找到这个镇（街道、园区），或不在您的负责区域内。")
    return town
