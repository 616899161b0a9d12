"""What an import hands on after writing: the changed children (small records, so a province's roster
never sits in memory as model instances, nor is read back) and the likely-duplicate flags, set in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from ..models import Child
from .snapshots import chunks

BIG_IMPORT = 5000  # keys above which duplicates are found in one pass over the archive


@dataclass(slots=True, eq=False)
class WrittenChild:
    """What later steps need of a child the import wrote or matched (its instance is not kept): the
    likely-duplicate key, and the attributes the agreement signing (pk, village, roster status) and
    the archive-change handlers (settings.ARCHIVE_CHANGE_HANDLERS: the facts escalation reads) use.
    A few dozen bytes a child, where a Child instance read back costs a query and decryption."""

    pk: int | None
    town_id: int
    village_id: int
    name: str
    birth_date: date | None
    roster_status: str
    living_arrangement: str
    schooling: str
    family_economy: str
    key: tuple = ()  # (name, birth date, village id): the likely-duplicate key
    # A child the import created: its only agreement is the one the import signed from its adults as
    # they now are, so no agreement of its can be out of date (agreements_on_archive_change skips it).
    just_created: bool = False

    @classmethod
    def of(cls, child, *, key: tuple = ()) -> WrittenChild:
        """From a Child, or any row with the same attribute names (inserts.new_row)."""
        return cls(
            child.pk,
            child.town_id,
            child.village_id,
            child.name,
            child.birth_date,
            child.roster_status,
            child.living_arrangement,
            child.schooling,
            child.family_economy,
            key,
        )


def _duplicate_groups(keys: set[tuple]) -> list[list[int]]:
    """Ids of the children sharing each of `keys` (name, birth date, village) with another child."""
    if len(keys) > BIG_IMPORT:
        # One pass over the archive's (name, birth_date, village) index beats thousands of look-ups.
        rows = (
            Child.objects.order_by().values("name", "birth_date", "village_id").annotate(n=Count("*")).filter(n__gt=1)
        )
        keys = {key for row in rows if (key := (row["name"], row["birth_date"], row["village_id"])) in keys}
    groups: dict[tuple, list[int]] = {}
    for chunk in chunks(sorted({name for name, _, _ in keys})):
        for pk, name, born, village_id in Child.objects.filter(name__in=chunk).values_list(
            "pk", "name", "birth_date", "village_id"
        ):
            if (name, born, village_id) in keys:
                groups.setdefault((name, born, village_id), []).append(pk)
    return [pks for pks in groups.values() if len(pks) > 1]


def flag_likely_duplicates(children: list[WrittenChild]) -> int:
    """Flag both sides of every pair with the same name, birth date and village but another ID
    number (flagged to staff, never merged), against the whole archive. Returns how many."""
    keys = {child.key for child in children}
    flagged = sorted(pk for pks in _duplicate_groups(keys) for pk in pks) if keys else []
    for chunk in chunks(flagged):
        Child.objects.filter(pk__in=chunk, likely_duplicate=False).update(likely_duplicate=True)
    return len(flagged)
