"""Small helpers the visits pages share: region filters within the user's scope, months, paging."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.utils.http import urlencode

from registry.models import Region, RegionLevel
from registry.scope import visible_regions

PAGE_SIZE = 50


@dataclass
class RegionFilter:
    towns: list[Region]
    villages: list[Region]
    town: Region | None
    village: Region | None

    @property
    def q(self) -> Q:
        """For any model with town_id and village_id columns (children, visits, referrals)."""
        if self.village is not None:
            return Q(village_id=self.village.pk)
        if self.town is not None:
            return Q(town_id=self.town.pk)
        return Q()


def _pick(regions: list[Region], raw: str | None) -> Region | None:
    if not raw or not str(raw).isdigit():
        return None
    return next((r for r in regions if r.pk == int(raw)), None)


def region_filter(request: HttpRequest) -> RegionFilter:
    """Town and village choices within the user's scope; values outside it are ignored. A village
    given alone brings its town; county-wide users pick a town before its villages are listed."""
    regions = visible_regions(request.user).filter(level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE])
    regions = list(regions.order_by("code"))
    towns = [r for r in regions if r.level == RegionLevel.TOWN]
    all_villages = [r for r in regions if r.level == RegionLevel.VILLAGE]
    town = _pick(towns, request.GET.get("town"))
    village = _pick(all_villages, request.GET.get("village"))
    if village is not None and town is not None and village.parent_id != town.pk:
        village = None
    if village is not None and town is None:
        town = next((t for t in towns if t.pk == village.parent_id), None)
    villages = [r for r in all_villages if town is None or r.parent_id == town.pk]
    if town is None and len(towns) > 1:
        villages = []  # several towns: pick a town first
    return RegionFilter(towns=towns, villages=villages, town=town, village=village)


def parse_month(raw: str | None, *, default: date) -> date:
    """ "2026-11" → 2026-11-01; anything else → the month of `default`."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def paginate(request: HttpRequest, items, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_string(request: HttpRequest, *, drop: tuple[str, ...] = ("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])
