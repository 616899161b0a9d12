"""Which adult each row means (ROSTER.md: adults match by ID number, else by name + phone within the
child's family), merged across the rows that name them: one father for all his children's rows.

An adult's values come from the first row that fills each of them; a later row that says something
else is reported as a warning. Plain Python over adults loaded in bulk beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qidong_care.core.crypto import blind_index

from .columns import ROLE_LABELS
from .snapshots import AdultRow
from .validate import AdultEntry

# Adult facts a roster can carry (the union of ROLE_FIELDS, without the link's relation).
ADULT_FIELDS = ("name", "id_number", "phone", "health", "status", "work_place", "departed_on")
FIELD_LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "phone": "联系电话",
    "health": "健康状况",
    "status": "状况",
    "work_place": "务工地点",
    "departed_on": "外出务工时间",
}


UNSET = object()  # a fact no row of the file gives (its column is absent)
POSITION = {name: index for index, name in enumerate(ADULT_FIELDS)}


def _unset() -> list:
    return [UNSET] * len(ADULT_FIELDS)


@dataclass(eq=False, slots=True)
class AdultState:
    """One adult as the file describes them: an existing row (`adult`) or a new one."""

    adult: AdultRow | None
    values: list = field(default_factory=_unset)  # merged values from the file, in ADULT_FIELDS order
    first_line: int = 0  # the first row that names this adult
    claimed_by_id: bool = False
    written_pk: int | None = None  # a new adult's primary key, once written
    hashed: tuple[str, str] | None = None  # (ID number, its keyed hash) as the file gave them
    _changes: list[str] | None = None
    _after: AdultRow | None = None

    @property
    def is_new(self) -> bool:
        return self.adult is None

    @property
    def pk(self) -> int | None:
        return self.adult.pk if self.adult is not None else self.written_pk

    def merge(self, entry: AdultEntry, line: int, warnings: list[dict]) -> None:
        self.first_line = self.first_line or line
        for name in entry.fields:
            if name == "relation":
                continue
            value = getattr(entry, name)
            if name == "id_number" and not value:
                continue  # an empty cell never erases a known ID number
            index = POSITION[name]
            current = self.values[index]
            if current is UNSET or (current in ("", None) and value not in ("", None)):
                self.values[index] = value
            elif value not in ("", None) and value != current:
                label = f"{ROLE_LABELS[entry.role]}{FIELD_LABELS[name]}"
                message = f"{label}与前面的行（第{self.first_line}行起）对同一人的填写不一致，以先填写的为准"
                warnings.append({"row": line, "column": label, "message": message})

    def changed_fields(self) -> list[str]:
        """The fields whose value the file changes (all given fields for a new adult)."""
        if self._changes is None:
            given = [(name, value) for name, value in zip(ADULT_FIELDS, self.values, strict=True) if value is not UNSET]
            if self.adult is None:
                self._changes = [name for name, value in given if value not in ("", None)]
            else:
                self._changes = [name for name, value in given if not self._keeps(name, value)]
        return self._changes

    def _keeps(self, name: str, value: Any) -> bool:
        """Whether the stored adult already has `value` (ID numbers and phones compared by keyed hash,
        so an unchanged adult's are never decrypted)."""
        if name == "id_number":
            given = self.hashed[1] if self.hashed is not None and self.hashed[0] == value else blind_index(value)
            return self.adult.id_number_hash == given
        if name == "phone":
            return self.adult.phone_hash == (blind_index(value) if value else "")
        return _stored(self.adult, name) == (value or _empty(name))

    def value(self, name: str) -> Any:
        """The value after the import (the file's, else the stored one)."""
        value = self.values[POSITION[name]]
        if value is not UNSET:
            return value if value is not None else _empty(name)
        return _stored(self.adult, name) if self.adult is not None else _empty(name)

    def after(self) -> AdultRow:
        """The adult after the import, as the rules read it."""
        if self.adult is not None and not self.changed_fields():
            return self.adult
        if self._after is None:
            self._after = AdultRow(None, **{name: self.value(name) for name in ADULT_FIELDS})
        self._after.pk = self.pk
        return self._after


def _empty(name: str) -> Any:
    return None if name == "departed_on" else ""


def _stored(adult: AdultRow, name: str) -> Any:
    value = getattr(adult, name)
    return value if value is not None else _empty(name)


class AdultResolver:
    """Finds the AdultState for each (row, role), creating states for new adults."""

    def __init__(self, by_hash: dict[str, AdultRow], by_pk: dict[int, AdultRow]):
        self.db_by_hash = by_hash
        self.db_by_pk = by_pk
        self.by_hash: dict[str, AdultState] = {}
        self.by_pk: dict[int, AdultState] = {}
        self.by_name_phone: dict[tuple[str, str], AdultState] = {}  # new adults without ID number
        self.warnings: list[dict] = []
        self.all: list[AdultState] = []

    def _new(self, adult: AdultRow | None = None) -> AdultState:
        state = AdultState(adult)
        self.all.append(state)
        return state

    def _for_existing(self, adult: AdultRow) -> AdultState:
        state = self.by_pk.get(adult.pk)
        if state is None:
            state = self.by_pk[adult.pk] = self._new(adult)
            if adult.id_number_hash:
                self.by_hash.setdefault(adult.id_number_hash, state)
        return state

    def resolve(
        self, entry: AdultEntry, *, line: int, family: dict[str, AdultRow], row_states: list[AdultState]
    ) -> AdultState | None:
        """The adult of `entry` on row `line`; None when the row leaves the role empty."""
        if entry.is_empty:
            return None
        state = self._by_id(entry, family) if entry.id_number else self._without_id(entry, family, row_states)
        state.merge(entry, line, self.warnings)
        if entry.id_hash and state.hashed is None:
            state.hashed = (entry.id_number, entry.id_hash)
        return state

    def _by_id(self, entry: AdultEntry, family: dict[str, AdultRow]) -> AdultState:
        key = entry.id_hash
        state = self.by_hash.get(key)
        if state is not None:
            return state
        adult = self.db_by_hash.get(key)
        if adult is None:
            # Like the survey form: the adult already in this role without an ID number gets it.
            current = family.get(entry.role)
            if current is not None and not current.id_number_hash:
                existing = self.by_pk.get(current.pk)
                if existing is None or not existing.claimed_by_id:
                    adult = current
        state = self._for_existing(adult) if adult is not None else self._new()
        state.claimed_by_id = True
        self.by_hash[key] = state
        return state

    def _without_id(self, entry: AdultEntry, family: dict[str, AdultRow], row_states: list[AdultState]) -> AdultState:
        phone_key = blind_index(entry.phone) if entry.phone else ""
        for adult in family.values():  # name + phone within the child's family
            if adult.name == entry.name and adult.phone_hash == phone_key:
                return self._for_existing(adult)
        for state in row_states:  # the same person in two roles of this row (监护人 = 委托照护人)
            if state.value("name") == entry.name and state.value("phone") == entry.phone:
                return state
        current = family.get(entry.role)
        if current is not None and not current.id_number_hash and current.name == entry.name:
            return self._for_existing(current)  # same person in the same role, phone changed
        if entry.phone:
            state = self.by_name_phone.get((entry.name, entry.phone))
            if state is None:
                state = self.by_name_phone[(entry.name, entry.phone)] = self._new()
            return state
        return self._new()
