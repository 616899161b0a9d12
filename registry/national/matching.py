"""Identity across the two systems: which child here a national row is.

In order: the ID number (by its keyed hash), then the national 儿童编号 stored on the child, then a
person's earlier decision (NationalMatch), and last a likely match — same name, birth date and
village — that a person must confirm. Every look-up is one query for the whole file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from qidong_care.core.crypto import blind_index

from ..models import Child
from .models import NationalMatch
from .rows import NationalRow


def row_id_hash(row: NationalRow) -> str:
    return blind_index(row.id_number) if row.id_number else ""


def row_person_key(row: NationalRow) -> tuple[str, object, int | None] | None:
    birth = row.birth_date
    if not row.get("name") or birth is None or row.village_id is None:
        return None
    return (row.get("name"), birth, row.village_id)


@dataclass
class Identity:
    """What the file's rows resolve to, looked up in bulk."""

    by_hash: dict[str, int] = field(default_factory=dict)
    by_child_no: dict[str, int] = field(default_factory=dict)
    # Decisions: key → {child id: same?}; keys are ("no", 儿童编号), ("id", hash), ("person", name, birth, village)
    decisions: dict[tuple, dict[int, bool]] = field(default_factory=lambda: defaultdict(dict))
    # (name, birth date, village id) → child ids in the run's scope
    people: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(list))

    def match(self, row: NationalRow) -> tuple[int | None, str]:
        """(child id, how) for a certain match; (None, "") when there is none."""
        id_hash = row_id_hash(row)
        if id_hash and id_hash in self.by_hash:
            return self.by_hash[id_hash], "id_number"
        child_no = row.get("child_no")
        if child_no and child_no in self.by_child_no:
            return self.by_child_no[child_no], "child_no"
        for key in self.row_keys(row):
            confirmed = [child_id for child_id, same in self.decisions.get(key, {}).items() if same]
            if confirmed:
                return confirmed[0], "confirmed"
        return None, ""

    def rejected(self, row: NationalRow) -> set[int]:
        return {
            child_id for key in self.row_keys(row) for child_id, same in self.decisions.get(key, {}).items() if not same
        }

    def likely(self, row: NationalRow, *, taken: set[int]) -> int | None:
        """A child here with the same name, birth date and village, not matched and not ruled out."""
        person = row_person_key(row)
        if person is None:
            return None
        ruled_out = taken | self.rejected(row)
        for child_id in self.people.get(person, []):
            if child_id not in ruled_out:
                return child_id
        return None

    @staticmethod
    def row_keys(row: NationalRow) -> list[tuple]:
        keys: list[tuple] = []
        if row.get("child_no"):
            keys.append(("no", row.get("child_no")))
        if row.id_number:
            keys.append(("id", row_id_hash(row)))
        person = row_person_key(row)
        if person is not None:
            keys.append(("person", *person))
        return keys


def _decision_keys(decision: NationalMatch) -> list[tuple]:
    keys: list[tuple] = []
    if decision.national_child_no:
        keys.append(("no", decision.national_child_no))
    if decision.national_id_hash:
        keys.append(("id", decision.national_id_hash))
    if decision.birth_date is not None and decision.village_id is not None:
        keys.append(("person", decision.name, decision.birth_date, decision.village_id))
    return keys


def load_identity(rows: Iterable[NationalRow], *, scope: Q) -> Identity:
    """Look every row up at once. ID numbers and 儿童编号 are looked up county-wide (a child of another
    town is that town's business, not "missing"); likely matches only among children in `scope`."""
    rows = list(rows)
    identity = Identity()
    hashes = {row_id_hash(row) for row in rows} - {""}
    numbers = {row.get("child_no") for row in rows} - {""}
    names = {row.get("name") for row in rows} - {""}
    for pk, id_hash in Child.objects.filter(id_number_hash__in=hashes).values_list("pk", "id_number_hash"):
        identity.by_hash[id_hash] = pk
    for pk, number in (
        Child.objects.filter(national_child_no__in=numbers).order_by("pk").values_list("pk", "national_child_no")
    ):
        identity.by_child_no.setdefault(number, pk)
    decided = NationalMatch.objects.filter(
        Q(national_child_no__in=numbers) | Q(national_id_hash__in=hashes) | Q(name__in=names)
    ).order_by("-decided_at", "-pk")
    for decision in decided:
        for key in _decision_keys(decision):
            identity.decisions[key].setdefault(decision.child_id, decision.same)
    people = Child.objects.filter(scope, name__in=names).order_by("pk")
    for pk, name, birth, village_id in people.values_list("pk", "name", "birth_date", "village_id"):
        identity.people[(name, birth, village_id)].append(pk)
    return identity
