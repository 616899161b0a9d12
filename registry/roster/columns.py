"""The roster template (花名册, ROSTER.md): its columns, in order, and the value lists with synonyms.

One table serves the reader (which header means which field), the validator (required columns,
value lists), the exporter (the same columns in the same order) and the error report.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from ..choices import (
    AdultRole,
    ContactFrequency,
    DisabilityLevel,
    DisabilityType,
    FamilyEconomy,
    Gender,
    Health,
    HouseholdType,
    LivingArrangement,
    ParentStatus,
    Relation,
    Schooling,
)

# Kinds of cell: how a value is read and checked.
TEXT, ID_NUMBER, PHONE, DATE, MONTH_DATE, CHOICE, BOOL, IGNORED = (
    "text",
    "id_number",
    "phone",
    "date",
    "month_date",  # a date where a month alone means its first day (外出务工时间)
    "choice",
    "bool",
    "ignored",
)


@dataclass(frozen=True)
class Column:
    header: str  # exact header text of the template
    key: str  # "name", "father_phone", ...
    kind: str = TEXT
    required: bool = False
    choices: str = ""  # a key of VALUE_LISTS for CHOICE columns


def _c(header: str, key: str, kind: str = TEXT, *, required: bool = False, choices: str = "") -> Column:
    return Column(header, key, kind, required, choices)


def _parent(label: str, role: str) -> list[Column]:
    return [
        _c(f"{label}姓名", f"{role}_name"),
        _c(f"{label}公民身份号码", f"{role}_id_number", ID_NUMBER),
        _c(f"{label}联系电话", f"{role}_phone", PHONE),
        _c(f"{label}状况", f"{role}_status", CHOICE, choices="parent_status"),
        _c(f"{label}务工地点", f"{role}_work_place"),
        _c(f"{label}外出务工时间", f"{role}_departed_on", MONTH_DATE),
    ]


# ROSTER.md, "Columns": exact header text, in the template's order.
COLUMNS: tuple[Column, ...] = (
    _c("序号", "seq", IGNORED),
    _c("镇（街道、园区）", "town", required=True),
    _c("村（社区）", "village", required=True),
    _c("儿童姓名", "name", required=True),
    _c("性别", "gender", CHOICE, choices="gender"),
    _c("民族", "ethnicity"),
    _c("公民身份号码", "id_number", ID_NUMBER, required=True),
    _c("出生日期", "birth_date", DATE),
    _c("户籍类型", "household_type", CHOICE, required=True, choices="household_type"),
    _c("户籍地址", "household_address"),
    _c("现居住地址", "current_address"),
    _c("健康状况", "health", CHOICE, choices="health"),
    _c("残疾类别", "disability_type", CHOICE, choices="disability_type"),
    _c("残疾等级", "disability_level", CHOICE, choices="disability_level"),
    _c("就学状况", "schooling", CHOICE, choices="schooling"),
    _c("就读学校", "school"),
    _c("年级", "grade"),
    _c("是否寄宿", "boarding", BOOL),
    *_parent("父亲", "father"),
    *_parent("母亲", "mother"),
    _c("监护人姓名", "guardian_name"),
    _c("监护人与儿童关系", "guardian_relation", CHOICE, choices="relation"),
    _c("监护人公民身份号码", "guardian_id_number", ID_NUMBER),
    _c("监护人联系电话", "guardian_phone", PHONE),
    _c("监护人健康状况", "guardian_health", CHOICE, choices="health"),
    _c("委托照护人姓名", "carer_name"),
    _c("委托照护人与儿童关系", "carer_relation", CHOICE, choices="relation"),
    _c("委托照护人公民身份号码", "carer_id_number", ID_NUMBER),
    _c("委托照护人联系电话", "carer_phone", PHONE),
    _c("委托照护协议签订日期", "agreement_signed_on", DATE),
    _c("居住情况", "living_arrangement", CHOICE, choices="living_arrangement"),
    _c("家庭经济状况", "family_economy", CHOICE, choices="family_economy"),
    _c("亲情沟通频次", "contact_frequency", CHOICE, choices="contact_frequency"),
    _c("儿童主任姓名", "director_name"),
    _c("儿童主任联系电话", "director_phone", PHONE),
    _c("备注", "notes"),
)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)

# The export adds these computed columns after the template (ROSTER.md).
COMPUTED_HEADERS = ("留守类型", "判定依据", "在册状态", "信息缺失项", "信息错误项")
REASON_HEADER = "错误原因"  # the extra column of the error report

# Child fields the row sets directly (the rest: identity, region, adults, agreement).
CHILD_VALUE_KEYS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "household_type",
    "household_address",
    "current_address",
    "health",
    "disability_type",
    "disability_level",
    "schooling",
    "school",
    "grade",
    "boarding",
    "living_arrangement",
    "family_economy",
    "contact_frequency",
    "director_name",
    "director_phone",
    "notes",
)
RESTRICTED_KEYS = frozenset({"health", "disability_type", "disability_level", "guardian_health"})

ROLES = (AdultRole.FATHER.value, AdultRole.MOTHER.value, AdultRole.GUARDIAN.value, AdultRole.CARER.value)
ROLE_LABELS = {"father": "父亲", "mother": "母亲", "guardian": "监护人", "carer": "委托照护人"}
# The adult facts each role's columns carry (a carer has no health column, a guardian no status...).
ROLE_FIELDS: dict[str, tuple[str, ...]] = {
    "father": ("name", "id_number", "phone", "status", "work_place", "departed_on"),
    "mother": ("name", "id_number", "phone", "status", "work_place", "departed_on"),
    "guardian": ("name", "relation", "id_number", "phone", "health"),
    "carer": ("name", "relation", "id_number", "phone"),
}
# Relations of parents are implied by the role.
PARENT_RELATIONS = {"father": Relation.FATHER.value, "mother": Relation.MOTHER.value}


CHOICES = {
    "gender": Gender,
    "household_type": HouseholdType,
    "health": Health,
    "disability_type": DisabilityType,
    "disability_level": DisabilityLevel,
    "schooling": Schooling,
    "parent_status": ParentStatus,
    "relation": Relation,
    "living_arrangement": LivingArrangement,
    "family_economy": FamilyEconomy,
    "contact_frequency": ContactFrequency,
}
# What clerks write besides the labels (ROSTER.md: 农业/非农业 for 农村/城镇).
SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"男性": "M", "女性": "F"},
    "household_type": {"农业": "rural", "非农业": "urban", "农村户籍": "rural", "城镇户籍": "urban"},
    "disability_level": {**{f"{n}级": str(n) for n in range(1, 5)}, **{str(n): str(n) for n in range(1, 5)}},
    "bool": {"是": "1", "否": "0"},
}


@cache
def labels(name: str) -> dict[str, str]:
    """Stored value → the label the template shows ("rural" → "农村")."""
    if name not in CHOICES:
        return {}
    return {value: str(label) for value, label in CHOICES[name].choices}


@cache
def value_list(name: str) -> dict[str, str]:
    """Written value → stored value, labels and synonyms (read lazily: labels are translatable)."""
    written = {label: value for value, label in labels(name).items()}
    if name == "disability_type":  # "视力残疾" as well as "视力"
        written.update({f"{label}残疾": value for value, label in labels(name).items()})
    return {**written, **SYNONYMS.get(name, {})}


def header_key(text: object) -> str:
    """A header cell as compared: NFKC (full-width brackets), no spaces, no required-marks (*)."""
    cleaned = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(cleaned.split()).replace("*", "").replace("＊", "")


HEADER_INDEX: dict[str, Column] = {header_key(column.header): column for column in COLUMNS}


def choice_label(choices: str, value: object) -> str:
    """The template's label of a stored value ("rural" → "农村"); "" for empty."""
    if value in (None, ""):
        return ""
    if choices == "bool":
        return "是" if value else "否"
    return labels(choices).get(str(value), str(value))
