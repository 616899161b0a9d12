"""Region scope: which children a user may see, in one place (DESIGN.md, conventions).

County-wide roles (bureau, inspector) see the whole county; everyone else sees the towns and
villages they hold. Roles that may not read archives at all (administrator, security, audit) see none.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from qidong_care.accounts.roles import COUNTY_WIDE_ROLES, Capability

from .models import Child, Region, RegionLevel

NOTHING = Q(pk__in=[])


def region_ids_by_level(user) -> dict[str, set[int]]:
    """The user's regions grouped by level, cached on the user object for the request."""
    cached = getattr(user, "_region_ids_by_level", None)
    if cached is None:
        cached = {level: set() for level in RegionLevel.values}
        for region_id, level in user.regions.values_list("id", "level"):
            cached[level].add(region_id)
        user._region_ids_by_level = cached
    return cached


def sees_whole_county(user) -> bool:
    return user.role in COUNTY_WIDE_ROLES or bool(region_ids_by_level(user)[RegionLevel.COUNTY])


def scope_key(user) -> str:
    """The same key for every user who sees the same regions (for figures cached per scope)."""
    if sees_whole_county(user):
        return "county"
    ids = region_ids_by_level(user)
    towns = ",".join(map(str, sorted(ids[RegionLevel.TOWN])))
    villages = ",".join(map(str, sorted(ids[RegionLevel.VILLAGE])))
    return f"t{towns}v{villages}"


def scope_filter(user, *, town_field: str = "town_id", village_field: str = "village_id") -> Q:
    """A Q for the rows in the user's scope, for any model that carries town and village columns."""
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.VIEW_CHILDREN):
        return NOTHING
    if sees_whole_county(user):
        return Q()
    ids = region_ids_by_level(user)
    condition = NOTHING
    if ids[RegionLevel.TOWN]:
        condition |= Q(**{f"{town_field}__in": sorted(ids[RegionLevel.TOWN])})
    if ids[RegionLevel.VILLAGE]:
        condition |= Q(**{f"{village_field}__in": sorted(ids[RegionLevel.VILLAGE])})
    return condition


def visible_regions(user):
    """Regions a user may pick in filters and forms: their own, with the villages of their towns."""
    if sees_whole_county(user):
        return Region.objects.all()
    ids = region_ids_by_level(user)
    return Region.objects.filter(
        Q(pk__in=ids[RegionLevel.TOWN] | ids[RegionLevel.VILLAGE]) | Q(parent_id__in=ids[RegionLevel.TOWN])
    )


def in_scope(user, *, town_id: int, village_id: int) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.can(Capability.VIEW_CHILDREN):
        return False
    if sees_whole_county(user):
        return True
    ids = region_ids_by_level(user)
    return town_id in ids[RegionLevel.TOWN] or village_id in ids[RegionLevel.VILLAGE]


def get_child_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Child:
    """The child `pk` if the user may see it: 404 outside their regions, 403 when writing read-only."""
    user = request.user
    try:
        child = Child.objects.visible_to(user).select_related("village", "town").get(pk=pk)
    except (Child.DoesNotExist, ValueError):
        raise Http404("没有找到这名儿童，或不在您的负责区域内。") from None
    if write and not user.can(Capability.EDIT_CHILDREN):
        raise PermissionDenied("您的角色只能查看，不能修改儿童档案。")
    return child
