"""What an import compares a file against, loaded in bulk: children by keyed hash, their links, and
adults, as plain rows of the columns that matter (no model instances, no timestamps), in chunks.
Full instances are fetched (and locked) only for the rows an import then changes (writing.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from sys import intern

from django.db import connection, models

from qidong_care.core import crypto
from qidong_care.core.fields import EncryptedTextField

from ..choices import ExitReason
from ..models import Adult, Child, ChildAdult

CHUNK = 2000
ADULT_COLUMNS = ("name", "id_number", "phone", "health", "status", "work_place", "departed_on")


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _converter(field, *, sealed: bool = False):
    """How a raw column value becomes what the model would give: decrypted (or left `sealed`, the
    ciphertext as stored), a real bool, interned; None when it comes as it is (numbers, dates)."""
    if isinstance(field, EncryptedTextField):
        if sealed:
            return lambda value: value or ""
        return lambda value: intern(crypto.decrypt(value)) if value else ""
    if isinstance(field, models.BooleanField):
        return lambda value: None if value is None else bool(value)
    if isinstance(field, (models.CharField, models.TextField)):
        return intern if not field.null else lambda value: intern(value) if type(value) is str else value
    return None


def _converted(raw: list[tuple], converters: list) -> list[tuple]:
    """Column by column: a C-level map per column that needs it (a Python call per value for
    hundreds of thousands of rows cost more than the query), untouched columns as they came."""
    if not raw:
        return []
    columns = [
        column if convert is None else list(map(convert, column))
        for convert, column in zip(converters, zip(*raw, strict=True), strict=True)
    ]
    return list(zip(*columns, strict=True))


def select(
    model: type[models.Model], names: tuple[str, ...], where: str, values: list, *, sealed: bool = False
) -> list[tuple]:
    """Rows of `names` (field names) whose `where` field is one of `values`, in plain SQL: Django's
    per-row machinery costs more than the query on a province's roster. One array parameter on
    PostgreSQL (= ANY) instead of thousands of IN parameters."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.pk if name == "pk" else meta.get_field(name) for name in names]
    columns = ", ".join(quote(field.column) for field in fields)
    column = quote(meta.pk.column if where == "pk" else meta.get_field(where).column)
    if connection.vendor == "postgresql":
        condition, params = f"{column} = ANY(%s)", [list(values)]
    else:
        condition, params = f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {condition}", params)
        raw = cursor.fetchall()
    return _converted(raw, [_converter(field, sealed=sealed) for field in fields])


@dataclass(slots=True, eq=False)
class ChildRow:
    pk: int
    village_id: int
    town_id: int
    exit_reason: str
    exit_date: date | None
    roster_status: str
    values: tuple  # the file's child columns, in the import's order (RowValidator.child_keys)

    @property
    def is_exited(self) -> bool:
        return bool(self.exit_reason)

    @property
    def exit_label(self) -> str:
        return str(ExitReason(self.exit_reason).label) if self.exit_reason in ExitReason.values else self.exit_reason


SEALED_ID_NUMBER, SEALED_PHONE, SEALED_HEALTH = 1, 2, 4  # AdultRow._sealed: which still hold ciphertext


class AdultRow:
    """An adult as stored (the same attribute names as Adult, so the rules can read either).

    From the database (`sealed=True`) the encrypted facts (ID number, phone, health) stay ciphertext
    until something reads them: an unchanged re-import compares ID numbers and phones by their keyed
    hashes (family.py) and never needs them in clear. A bit mask says which are still sealed (a
    small int, so no object per adult)."""

    __slots__ = (
        "pk",
        "name",
        "_id_number",
        "id_number_hash",
        "_phone",
        "phone_hash",
        "_health",
        "status",
        "work_place",
        "departed_on",
        "_sealed",
    )

    def __init__(
        self,
        pk: int | None,
        name: str = "",
        id_number: str = "",
        id_number_hash: str = "",
        phone: str = "",
        phone_hash: str = "",
        health: str = "",
        status: str = "",
        work_place: str = "",
        departed_on: date | None = None,
        *,
        sealed: bool = False,
    ):
        self.pk, self.name, self.id_number_hash, self.phone_hash = pk, name, id_number_hash, phone_hash
        self._id_number, self._phone, self._health = id_number, phone, health
        self.status, self.work_place, self.departed_on = status, work_place, departed_on
        self._sealed = (
            (SEALED_ID_NUMBER if id_number else 0) | (SEALED_PHONE if phone else 0) | (SEALED_HEALTH if health else 0)
            if sealed
            else 0
        )

    def _open(self, bit: int, value: str) -> str:
        self._sealed &= ~bit
        return intern(crypto.decrypt(value))

    @property
    def id_number(self) -> str:
        if self._sealed & SEALED_ID_NUMBER:
            self._id_number = self._open(SEALED_ID_NUMBER, self._id_number)
        return self._id_number

    @property
    def phone(self) -> str:
        if self._sealed & SEALED_PHONE:
            self._phone = self._open(SEALED_PHONE, self._phone)
        return self._phone

    @property
    def health(self) -> str:
        if self._sealed & SEALED_HEALTH:
            self._health = self._open(SEALED_HEALTH, self._health)
        return self._health


@dataclass(slots=True)
class LinkRow:
    pk: int
    adult_id: int
    relation: str


def load_children(hashes: list[str], keys: tuple[str, ...]) -> dict[str, ChildRow]:
    found: dict[str, ChildRow] = {}
    # Texts come back interned: the same objects as the file's equal texts (validate.py interns
    # them too), so an unchanged roster costs its snapshot almost no memory.
    names = ("pk", "id_number_hash", "village", "town", "exit_reason", "exit_date", "roster_status", *keys)
    for chunk in chunks(sorted(hashes)):
        for row in select(Child, names, "id_number_hash", chunk):
            found[row[1]] = ChildRow(row[0], row[2], row[3], row[4], row[5], row[6], row[7:])
    return found


def load_links(child_ids: list[int]) -> dict[int, dict[str, LinkRow]]:
    links: dict[int, dict[str, LinkRow]] = defaultdict(dict)
    for chunk in chunks(sorted(child_ids)):
        for pk, child_id, role, adult_id, relation in select(
            ChildAdult, ("pk", "child", "role", "adult", "relation"), "child", chunk
        ):
            links[child_id][role] = LinkRow(pk, adult_id, relation)
    return links


def load_adults(*, pks: set[int], hashes: set[str]) -> dict[int, AdultRow]:
    """Adults by primary key, and those whose ID number has one of `hashes`."""
    names = ("pk", "id_number_hash", "phone_hash", *ADULT_COLUMNS)
    found: dict[int, AdultRow] = {}

    def fetch(field: str, values: list) -> None:
        for pk, id_hash, phone_hash, name, number, phone, health, status, place, departed in select(
            Adult, names, field, values, sealed=True
        ):
            found[pk] = AdultRow(
                pk, name, number, id_hash, phone, phone_hash, health, status, place, departed, sealed=True
            )

    for chunk in chunks(sorted(pks)):
        fetch("pk", chunk)
    missing = sorted(hashes - {row.id_number_hash for row in found.values()})
    for chunk in chunks(missing):
        fetch("id_number_hash", chunk)
    return found
