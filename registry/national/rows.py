"""A national-system row, normalised: the values compare with ours whatever way a clerk typed them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..rules.idnumber import IdNumberError, parse_id_number
from . import codes
from .values import clean_name, clean_text, normalize_id_number, normalize_phone, parse_date

NAME_KEYS = ("name", "father_name", "mother_name", "carer_name")
PHONE_KEYS = ("father_phone", "mother_phone", "carer_phone")
DATE_KEYS = ("birth_date", "exit_date")
TEXT_KEYS = ("household_address", "current_address", "father_work_place", "mother_work_place", "town", "village")
CODE_LISTS = {
    "gender": (codes.GENDER_CODES, codes.GENDER_SYNONYMS),
    "health": (codes.HEALTH_CODES, codes.HEALTH_SYNONYMS),
    "schooling": (codes.SCHOOLING_CODES, codes.SCHOOLING_SYNONYMS),
    "carer_relation": (codes.RELATION_CODES, codes.RELATION_SYNONYMS),
    "guardianship_type": (codes.GUARDIANSHIP_CODES, {}),
    "status": (codes.STATUS_CODES, codes.STATUS_SYNONYMS),
}


def normal_ethnicity(value: object) -> str:
    """ "汉" and "汉族" are the same answer."""
    text = clean_name(value)
    return text if not text or text.endswith("族") else f"{text}族"


def normal_value(key: str, raw: object) -> str:
    """The value of one national column as compared and stored (dates as YYYY-MM-DD)."""
    if key in NAME_KEYS:
        return clean_name(raw)
    if key in PHONE_KEYS:
        return normalize_phone(raw) if clean_text(raw) else ""
    if key in DATE_KEYS:
        parsed = parse_date(raw)
        return parsed.isoformat() if parsed else clean_text(raw)
    if key == "id_number":
        return normalize_id_number(raw)
    if key == "ethnicity":
        return normal_ethnicity(raw)
    if key == "child_no":
        return clean_text(raw).replace(" ", "")
    if key in CODE_LISTS:
        return codes.to_code(raw, *CODE_LISTS[key])
    return clean_text(raw)


@dataclass
class NationalRow:
    """One row of the national export: its line number in the sheet and its normalised values.

    `values` has a key for every column the mapping found (an empty string when the cell is empty),
    so a column the file lacks is never reported as a difference."""

    row_number: int
    values: dict[str, str] = field(default_factory=dict)
    town_id: int | None = None
    village_id: int | None = None

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def id_number(self) -> str:
        return self.get("id_number")

    @property
    def valid_id_number(self) -> str:
        """The ID number if it passes GB 11643, else ""."""
        try:
            return parse_id_number(self.id_number).number if self.id_number else ""
        except IdNumberError:
            return ""

    @property
    def birth_date(self) -> date | None:
        """出生日期, else read from a valid ID number."""
        parsed = parse_date(self.get("birth_date"))
        if parsed is not None:
            return parsed
        number = self.valid_id_number
        return parse_id_number(number).birth_date if number else None

    @property
    def is_active(self) -> bool:
        """A row without a (known) 在册状态 is a registered child: the export lists registered children."""
        return self.get("status") != codes.STATUS_EXITED

    @property
    def is_empty(self) -> bool:
        return not (self.get("name") or self.id_number or self.get("child_no"))


def national_row(row_number: int, raw: dict[str, object]) -> NationalRow:
    return NationalRow(row_number=row_number, values={key: normal_value(key, value) for key, value in raw.items()})
