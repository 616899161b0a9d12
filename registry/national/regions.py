"""Reading the national export's 所属乡镇(街道) and 所属村(居) as our towns and villages, with the
roster import's index (registry.roster.places: official names and the short forms clerks write).

Unlike the roster import, an unknown or ambiguous place is left unresolved rather than refused."""

from __future__ import annotations

from ..roster.normalize import CellError
from ..roster.places import RegionIndex as RosterRegionIndex


class RegionIndex:
    def __init__(self, index: RosterRegionIndex):
        self.index = index

    @classmethod
    def load(cls) -> RegionIndex:
        return cls(RosterRegionIndex.load())

    def town(self, text: str) -> int | None:
        try:
            return self.index.town(text).pk
        except CellError:
            return None

    def village(self, text: str, *, town_id: int | None) -> tuple[int | None, int | None]:
        """(village id, its town id): within the town when known, else when one town has it."""
        towns = [town_id] if town_id is not None else list(self.index.villages)
        found = []
        for candidate in towns:
            try:
                found.append(self.index.village(self.index.by_id[candidate], text))
            except CellError:
                continue
        if len(found) == 1:
            return found[0].pk, found[0].parent_id
        return None, town_id
