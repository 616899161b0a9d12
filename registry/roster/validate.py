"""Checking one roster row (ROSTER.md's error codes) and turning it into plain values to write.

A row with any error is rejected whole: every error of the row is reported (row, column, code,
Chinese message), and nothing of it is written. Plain Python, no queries: regions come from a
RegionIndex loaded once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from sys import intern
from typing import Any

from qidong_care.core.crypto import blind_index

from ..models import Adult, Child
from ..rules.eligibility import AGE_LIMIT
from ..rules.idnumber import IdInfo, age_on
from . import normalize as cell
from .columns import (
    BOOL,
    BY_KEY,
    CHILD_VALUE_KEYS,
    CHOICE,
    DATE,
    ID_NUMBER,
    MONTH_DATE,
    PARENT_RELATIONS,
    PHONE,
    REQUIRED_KEYS,
    ROLE_FIELDS,
    ROLES,
    value_list,
)
from .normalize import CellError
from .places import ImportScope, RegionIndex
from .reading import Layout


@dataclass(slots=True)
class RowError:
    row: int  # line in the sheet, 1-based as Excel shows it
    column: str  # header text
    code: str  # ROSTER.md code
    message: str  # Chinese

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(slots=True)
class AdultEntry:
    """What one row says about the adult in one role."""

    role: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation: str = ""
    health: str = ""
    status: str = ""
    work_place: str = ""
    departed_on: date | None = None
    id_hash: str = ""
    fields: tuple[str, ...] = ()  # the facts whose columns the file has (ROLE_FIELDS minus absent)

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.id_number or self.phone)


@dataclass(slots=True)
class ParsedRow:
    line: int
    name: str
    id_number: str
    id_hash: str
    village_id: int
    town_id: int
    values: tuple  # child values, in the order of RowValidator.child_keys
    adults: dict[str, AdultEntry]  # roles whose columns the file has
    agreement_signed_on: date | None = None


NOTES_LIMIT = 2000  # 备注 is a TextField: a note, not a document


def text_limit(key: str) -> int:
    """The most characters a text column's field holds (a longer value would not fit the database)."""
    role, _, name = key.partition("_")
    model, field_name = (Adult, name) if role in ROLES else (Child, key)
    return getattr(model._meta.get_field(field_name), "max_length", None) or NOTES_LIMIT


@dataclass
class RowValidator:
    layout: Layout
    regions: RegionIndex
    scope: ImportScope
    on: date
    seen: dict[str, int] = field(default_factory=dict)  # ID number → first line
    numbers: dict[int, str] | None = None  # line → ID number, when asked for (parallel.py)

    def __post_init__(self) -> None:
        has = self.layout.has
        self.child_keys = tuple(key for key in CHILD_VALUE_KEYS if has(key) or key in ("gender", "birth_date"))
        self.roles = tuple(
            role for role in ROLES if any(has(f"{role}_{name}") for name in ("name", "id_number", "phone"))
        )
        self.role_fields = {
            role: tuple(name for name in ROLE_FIELDS[role] if has(f"{role}_{name}")) for role in self.roles
        }
        self.role_keys = {role: [(name, f"{role}_{name}") for name in self.role_fields[role]] for role in self.roles}
        positions = self.layout.positions
        self.width = max(positions.values()) + 1
        # Every column but the region ones, read by one loop: (key, position, parser, header).
        self.cell_plan = [
            (key, position, self._parser(BY_KEY[key]), BY_KEY[key].header)
            for key, position in positions.items()
            if key not in ("seq", "town", "village")
        ]

    def _parser(self, column) -> Callable[[object], Any]:
        """The function that reads one cell of `column` (raises CellError)."""
        header, on = column.header, self.on
        if column.kind == CHOICE:
            values = value_list(column.choices)
            return lambda raw: values.get(raw) or cell.choice(raw, values, column=header)
        if column.kind == BOOL:
            return lambda raw: cell.boolean(raw, column=header)
        if column.kind in (DATE, MONTH_DATE):
            month_alone = column.kind == MONTH_DATE
            return lambda raw: cell.not_future(
                cell.parse_date(raw, column=header, month_alone=month_alone), on=on, column=header
            )
        if column.kind == PHONE:
            return lambda raw: cell.phone(raw, column=header)
        if column.kind == ID_NUMBER:
            return lambda raw: cell.id_number(raw, column=header, on=on)
        limit, person = text_limit(column.key), column.key.endswith("name")
        return lambda raw: cell.checked_text(raw, column=header, limit=limit, person=person)

    def __call__(self, line: int, cells: list) -> tuple[ParsedRow | None, list[RowError]]:
        return _RowCheck(self, line, cells).run()


class _RowCheck:
    """The checks of one row; collects every error instead of stopping at the first."""

    def __init__(self, validator: RowValidator, line: int, cells: list):
        self.v = validator
        self.line = line
        missing = validator.width - len(cells)
        self.cells = cells + [""] * missing if missing > 0 else cells
        self.errors: list[RowError] = []
        self.parsed: dict[str, Any] = {}

    def raw(self, key: str) -> object:
        position = self.v.layout.positions.get(key)
        return "" if position is None else self.cells[position]

    def fail(self, key: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.line, BY_KEY[key].header, code, message))

    def read_all(self) -> None:
        """Every cell normalised; a cell in error is recorded and reads as None."""
        cells, parsed, errors, line = self.cells, self.parsed, self.errors, self.line
        for key, position, parser, header in self.v.cell_plan:
            try:
                value = parser(cells[position])
                # One object per distinct text (guardian = carer, siblings, schools, places): memory.
                parsed[key] = intern(value) if type(value) is str else value
            except CellError as error:
                errors.append(RowError(line, header, error.code, error.message))
                parsed[key] = None

    def run(self) -> tuple[ParsedRow | None, list[RowError]]:
        for key in REQUIRED_KEYS:
            if not cell.text(self.raw(key)):
                self.fail(key, "required", f"必填项“{BY_KEY[key].header}”未填写")
        self.read_all()
        village = self.region()
        info = self.identity()
        parsed = self.parsed
        gender, born = self.derived(info)
        values = tuple(
            gender if key == "gender" else born if key == "birth_date" else parsed[key] for key in self.v.child_keys
        )
        adults = {role: self.adult(role) for role in self.v.roles}
        if self.errors or info is None or village is None:
            return None, self.errors
        return (
            ParsedRow(
                line=self.line,
                name=parsed["name"],
                id_number=info.number,
                id_hash=blind_index(info.number),
                village_id=village.pk,
                town_id=village.parent_id,
                values=values,
                adults=adults,
                agreement_signed_on=parsed.get("agreement_signed_on"),
            ),
            [],
        )

    def region(self):
        town_raw, village_raw = self.raw("town"), self.raw("village")
        if not cell.text(town_raw) or not cell.text(village_raw):
            return None
        try:
            town = self.v.regions.town(town_raw)
        except CellError as error:
            self.fail("town", error.code, error.message)
            return None
        try:
            village = self.v.regions.village(town, village_raw)
        except CellError as error:
            self.fail("village", error.code, error.message)
            return None
        if not self.v.scope.allows(village):
            self.fail(
                "town",
                "unknown_region",
                f"{town.name}{village.name}不在您负责的区域（{self.v.scope.label}）内，不能导入",
            )
            return None
        return village

    def identity(self) -> IdInfo | None:
        number = self.parsed["id_number"]
        if not number:
            return None
        info = cell.id_info(number, self.v.on)
        first = self.v.seen.setdefault(info.number, self.line)
        if self.v.numbers is not None:
            self.v.numbers[self.line] = info.number
        if first != self.line:
            self.fail("id_number", "duplicate_id", f"身份证号码与第{first}行重复（以第{first}行为准），本行未导入")
        age = age_on(info.birth_date, self.v.on)
        if age >= AGE_LIMIT:
            # 国发〔2016〕13号: under 16 only; 通知 二.3: 剔除超龄儿童.
            self.fail(
                "id_number",
                "over_age",
                f"儿童{info.birth_date.isoformat()}出生，到{self.v.on.isoformat()}已满{AGE_LIMIT}周岁，不属于排查对象",
            )
        return info

    def derived(self, info: IdInfo | None) -> tuple[str, date | None]:
        """性别 and 出生日期: derived from the ID number when empty; must agree with it."""
        gender, born = self.parsed.get("gender") or "", self.parsed.get("birth_date")
        if info is None:
            return gender, born
        if gender and gender != info.gender:
            written = "男" if gender == "M" else "女"
            expected = "男" if info.gender == "M" else "女"
            self.fail("gender", "gender_mismatch", f"性别“{written}”与身份证号码（第17位表示{expected}）不符")
        if born and born != info.birth_date:
            self.fail(
                "birth_date",
                "birth_mismatch",
                f"出生日期{born.isoformat()}与身份证号码中的{info.birth_date.isoformat()}不符",
            )
        return info.gender, info.birth_date

    def adult(self, role: str) -> AdultEntry:
        parsed = self.parsed
        values = {name: parsed[key] for name, key in self.v.role_keys[role]}
        for name, value in values.items():
            if value is None and name != "departed_on":
                values[name] = ""
        values.setdefault("relation", PARENT_RELATIONS.get(role, ""))
        number = values.get("id_number")
        return AdultEntry(role=role, fields=self.v.role_fields[role], id_hash=_hash(number) if number else "", **values)


@lru_cache(maxsize=4096)  # the same adult in two roles of a row, and on sibling rows
def _hash(number: str) -> str:
    return blind_index(number)
