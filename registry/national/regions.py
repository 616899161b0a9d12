"""Reading the national export's 所属乡镇(街道) and 所属村(居) as our towns and villages.

The national system spells divisions its own way: "汇龙镇" or "汇龙", "临江村委会", "临江村" or "临江".
A short form that fits two villages is left unresolved rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Region, RegionLevel
from .values import clean_name

_TOWN_SUFFIXES = ("街道办事处", "街道", "镇", "乡", "园区", "开发区")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区居委会", "社区", "村", "居")
_COUNTY_PREFIX = re.compile(r"^(江苏省)?(南通市)?(启东市)?")


def _forms(name: str, suffixes: tuple[str, ...]) -> set[str]:
    """The name, and the name without its administrative suffix(es): 幸福一村居委会 → 幸福一村, 幸福一."""
    forms = {name}
    stem = name
    for _ in range(2):
        for suffix in suffixes:
            if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
                stem = stem[: -len(suffix)]
                forms.add(stem)
                break
    return forms


@dataclass
class RegionIndex:
    towns: dict[str, set[int]] = field(default_factory=dict)
    villages: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # form → {(village id, town id)}

    @classmethod
    def load(cls) -> RegionIndex:
        index = cls()
        for region in Region.objects.filter(level__in=[RegionLevel.TOWN, RegionLevel.VILLAGE]).only(
            "id", "name", "level", "parent_id"
        ):
            if region.level == RegionLevel.TOWN:
                for form in _forms(region.name, _TOWN_SUFFIXES):
                    index.towns.setdefault(form, set()).add(region.pk)
            else:
                for form in _forms(region.name, _VILLAGE_SUFFIXES):
                    index.villages.setdefault(form, set()).add((region.pk, region.parent_id))
        return index

    def town(self, text: str) -> int | None:
        name = _COUNTY_PREFIX.sub("", clean_name(text))
        for form in _forms(name, _TOWN_SUFFIXES) if name else ():
            ids = self.towns.get(form, set())
            if len(ids) == 1:
                return next(iter(ids))
        return None

    def village(self, text: str, *, town_id: int | None) -> tuple[int | None, int | None]:
        """(village id, its town id); within the town when known, else when unique in the county."""
        name = clean_name(text)
        for form in _forms(name, _VILLAGE_SUFFIXES) if name else ():
            found = self.villages.get(form, set())
            if town_id is not None:
                found = {pair for pair in found if pair[1] == town_id}
            if len(found) == 1:
                return next(iter(found))
            if found:
                return None, town_id
        return None, town_id
