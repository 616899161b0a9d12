"""What an import hands on after writing: the changed children (fetched in chunks, so a province's
roster never sits in memory as model instances) and the likely-duplicate flags, set in bulk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count

from ..models import Child
from .snapshots import chunks

BIG_IMPORT = 5000  # keys above which duplicates are found in one pass over the archive


@dataclass(slots=True)
class WrittenChild:
    """What later steps need of a written child (its instance is not kept)."""

    pk: int
    town_id: int
    key: tuple  # (name, birth date, village id): the likely-duplicate key


class ChangedChildren(Sequence):
    """The children an import created or changed, as Child instances read from the database in
    chunks when iterated (inside the import's transaction, so they are the written state)."""

    def __init__(self, pks: list[int]):
        self.pks = list(pks)

    def __len__(self) -> int:
        return len(self.pks)

    def __iter__(self) -> Iterator[Child]:
        for chunk in chunks(self.pks):
            yield from Child.objects.filter(pk__in=chunk).order_by("pk")

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ChangedChildren(self.pks[index])
        return Child.objects.get(pk=self.pks[index])


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
