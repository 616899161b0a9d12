"""What an import compares a file against, loaded in bulk: children by keyed hash, their links, and
adults, as plain rows of the columns that matter (no model instances, no timestamps), in chunks.
Full instances are fetched (and locked) only for the rows an import then changes (writing.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from sys import intern

from django.db import connection
from django.db.models import QuerySet

from ..choices import ExitReason
from ..models import Adult, Child, ChildAdult

CHUNK = 2000
ADULT_COLUMNS = ("name", "id_number", "phone", "health", "status", "work_place", "departed_on")


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def among(queryset: QuerySet, field: str, values: list) -> QuerySet:
    """`queryset` filtered to rows whose `field` is one of `values`. On PostgreSQL one array
    parameter (= ANY) instead of thousands: Django prepares every IN parameter separately."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": values})
    model = queryset.model
    column = model._meta.get_field(field).column
    quote = connection.ops.quote_name
    return queryset.extra(where=[f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s)"], params=[list(values)])


@dataclass(slots=True, eq=False)
class ChildRow:
    pk: int
    village_id: int
    town_id: int
    exit_reason: str
    exit_date: date | None
    values: tuple  # the file's child columns, in the import's order (RowValidator.child_keys)

    @property
    def is_exited(self) -> bool:
        return bool(self.exit_reason)

    @property
    def exit_label(self) -> str:
        return str(ExitReason(self.exit_reason).label) if self.exit_reason in ExitReason.values else self.exit_reason


@dataclass(slots=True, eq=False)
class AdultRow:
    """An adult as stored (the same attribute names as Adult, so the rules can read either)."""

    pk: int | None
    name: str = ""
    id_number: str = ""
    id_number_hash: str = ""
    phone: str = ""
    phone_hash: str = ""
    health: str = ""
    status: str = ""
    work_place: str = ""
    departed_on: date | None = None


@dataclass(slots=True)
class LinkRow:
    pk: int
    adult_id: int
    relation: str


def _interned(values) -> tuple:
    """Stored texts as the same objects as the file's equal texts (validate.py interns them too):
    an unchanged roster then costs its snapshot almost no memory."""
    return tuple(intern(value) if type(value) is str else value for value in values)


def load_children(hashes: list[str], keys: tuple[str, ...]) -> dict[str, ChildRow]:
    found: dict[str, ChildRow] = {}
    columns = ("pk", "id_number_hash", "village_id", "town_id", "exit_reason", "exit_date", *keys)
    for chunk in chunks(sorted(hashes)):
        for row in among(Child.objects, "id_number_hash", chunk).values_list(*columns):
            found[row[1]] = ChildRow(row[0], row[2], row[3], row[4], row[5], _interned(row[6:]))
    return found


def load_links(child_ids: list[int]) -> dict[int, dict[str, LinkRow]]:
    links: dict[int, dict[str, LinkRow]] = defaultdict(dict)
    for chunk in chunks(sorted(child_ids)):
        rows = among(ChildAdult.objects, "child", chunk).values_list("pk", "child_id", "role", "adult_id", "relation")
        for pk, child_id, role, adult_id, relation in rows:
            links[child_id][role] = LinkRow(pk, adult_id, relation)
    return links


def load_adults(*, pks: set[int], hashes: set[str]) -> dict[int, AdultRow]:
    """Adults by primary key, and those whose ID number has one of `hashes`."""
    columns = ("pk", "id_number_hash", "phone_hash", *ADULT_COLUMNS)
    found: dict[int, AdultRow] = {}

    def fetch(field: str, values: list) -> None:
        for pk, id_hash, phone_hash, *stored in among(Adult.objects, field, values).values_list(*columns):
            row = AdultRow(pk, id_number_hash=intern(id_hash), phone_hash=intern(phone_hash))
            for name, value in zip(ADULT_COLUMNS, _interned(stored), strict=True):
                setattr(row, name, value)
            found[pk] = row

    for chunk in chunks(sorted(pks)):
        fetch("id", chunk)
    missing = sorted(hashes - {row.id_number_hash for row in found.values()})
    for chunk in chunks(missing):
        fetch("id_number_hash", chunk)
    return found
