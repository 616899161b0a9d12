"""Towns and villages as clerks write them (ROSTER.md: official or short village names).

A village is found within its town by its official name (临江村委会, 幸福一村居委会) or a short form
(临江村, 临江, 幸福一村社区, 幸福一村); a short form that fits two villages of the town is ambiguous.
One query loads the county's regions; lookups are dictionary reads.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..models import Region, RegionLevel
from .normalize import CellError

NEW_MARK = "(新)"  # NFKC of "（新）": 庙港村委会（新）
VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区")
TOWN_PREFIXES = ("江苏省南通市启东市", "江苏省启东市", "南通市启东市", "启东市")


def place_key(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split())


def _stem(name: str) -> tuple[str, str, str]:
    """(stem, suffix, new-mark) of an official village name: 临江村委会 → ("临江", "村委会", "")."""
    mark = ""
    if name.endswith(NEW_MARK):
        name, mark = name[: -len(NEW_MARK)], NEW_MARK
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix, mark
    return name, "", mark


def village_forms(official: str) -> dict[str, int]:
    """Every way a clerk may write this village, ranked: 0 the official name, 1 the usual short form
    (临江村委会 → 临江村, 幸福一村居委会 → 幸福一村社区), 2 other forms (临江, 幸福一村)."""
    name = place_key(official)
    stem, suffix, mark = _stem(name)
    if suffix in ("村委会", "村民委员会"):
        endings = {"村": 1, "村委会": 1, "村民委员会": 1, "": 2}
    elif suffix:
        endings = {"社区": 1, "居委会": 1, "社区居委会": 1, "居民委员会": 1, "": 2}
    else:
        endings = {"": 1}
    forms: dict[str, int] = {}
    for ending, rank in endings.items():
        if stem + ending:
            forms.setdefault(stem + ending, rank)
            if mark:  # "庙港村（新）", and plain "庙港村" when nothing else fits
                forms.setdefault(stem + ending + mark, rank)
    forms[name] = 0
    return forms


def town_forms(official: str) -> set[str]:
    name = place_key(official)
    forms = {name}
    for suffix in ("镇", "街道"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            forms.add(name[: -len(suffix)])
    return forms


@dataclass
class RegionIndex:
    """The county's towns and villages, and which of them a user may import into."""

    towns: dict[str, list[Region]] = field(default_factory=dict)  # written form → towns
    # town id → written form → [(rank, village)], best rank first
    villages: dict[int, dict[str, list[tuple[int, Region]]]] = field(default_factory=dict)
    official: dict[int, dict[str, Region]] = field(default_factory=dict)  # town id → official name → village
    by_id: dict[int, Region] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RegionIndex:
        index = cls()
        regions = list(Region.objects.filter(active=True, level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE]))
        for region in regions:
            index.by_id[region.pk] = region
            if region.level == RegionLevel.TOWN:
                for form in town_forms(region.name):
                    index.towns.setdefault(form, []).append(region)
        for region in regions:
            if region.level == RegionLevel.VILLAGE and region.parent_id in index.by_id:
                forms = index.villages.setdefault(region.parent_id, {})
                for form, rank in village_forms(region.name).items():
                    forms.setdefault(form, []).append((rank, region))
                index.official.setdefault(region.parent_id, {})[place_key(region.name)] = region
        return index

    def town(self, raw: object) -> Region:
        written = place_key(raw)
        for prefix in TOWN_PREFIXES:
            if written.startswith(prefix) and len(written) > len(prefix):
                written = written[len(prefix) :]
                break
        found = self.towns.get(written, [])
        if len(found) != 1:
            raise CellError("unknown_region", f"镇（街道、园区）“{written}”不是启东市的镇、街道或园区")
        return found[0]

    def village(self, town: Region, raw: object) -> Region:
        written = place_key(raw)
        exact = self.official.get(town.pk, {}).get(written)
        if exact is not None:
            return exact
        candidates = self.villages.get(town.pk, {}).get(written, [])
        best = min((rank for rank, _ in candidates), default=None)
        found = [region for rank, region in candidates if rank == best]
        if len(found) > 1:
            names = "、".join(sorted(region.name for region in found))
            raise CellError(
                "unknown_region", f"村（社区）“{written}”在{town.name}对应多个村（社区）：{names}，请填写全称"
            )
        if not found:
            raise CellError("unknown_region", f"{town.name}没有村（社区）“{written}”")
        return found[0]


@dataclass(frozen=True)
class ImportScope:
    """Where a user may import: everywhere (None), or these towns and villages (通知: 属地管理)."""

    town_ids: frozenset[int] | None = None
    village_ids: frozenset[int] = frozenset()
    label: str = ""

    @property
    def is_everywhere(self) -> bool:
        return self.town_ids is None

    def allows(self, village: Region) -> bool:
        return self.allows_ids(town_id=village.parent_id, village_id=village.pk)

    def allows_ids(self, *, town_id: int, village_id: int) -> bool:
        if self.town_ids is None:
            return True
        return town_id in self.town_ids or village_id in self.village_ids


def import_scope(user) -> ImportScope:
    """Administrators (and county-wide users, or the command line without a user) import anywhere;
    town staff only into their towns: rows elsewhere are rejected as unknown_region."""
    from ..scope import region_ids_by_level, sees_whole_county

    if user is None or user.is_superuser or sees_whole_county(user):
        return ImportScope()
    ids = region_ids_by_level(user)
    names = Region.objects.filter(pk__in=ids[RegionLevel.TOWN] | ids[RegionLevel.VILLAGE]).order_by("code")
    return ImportScope(
        town_ids=frozenset(ids[RegionLevel.TOWN]),
        village_ids=frozenset(ids[RegionLevel.VILLAGE]),
        label="、".join(region.name for region in names),
    )
