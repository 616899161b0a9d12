"""The national registration form's columns (农村留守儿童基本情况登记表, 2016): their order and spelling,
the header names other exports use for them, and which of them a mapping must have.

The order is the form's: where the child is registered, the child, the father, the mother, the
entrusted guardian (委托监护人), then the status columns of the national system's export.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NationalField:
    key: str
    header: str  # exactly as the national form spells it
    synonyms: tuple[str, ...] = ()
    required: bool = False
    sensitive: str = ""  # "id" or "phone": masked unless revealed; "restricted": VIEW_RESTRICTED only
    group: str = "child"  # child / father / mother / carer: a bare 姓名 or 联系电话 after 父亲… is the father's
    bare: tuple[str, ...] = field(default=())  # header names that mean this field inside its group


NATIONAL_FIELDS: tuple[NationalField, ...] = (
    NationalField("child_no", "儿童编号", ("儿童ID", "编号", "系统编号", "全国系统儿童编号")),
    NationalField("town", "所属乡镇(街道)", ("乡镇(街道)", "所属乡镇", "乡镇", "镇(街道、园区)", "镇(街道)", "街道")),
    NationalField("village", "所属村(居)", ("村(居)", "所属村", "村(社区)", "村居", "所属社区", "村")),
    NationalField("name", "姓名", ("儿童姓名", "留守儿童姓名"), required=True, bare=("姓名",)),
    NationalField("gender", "性别", ("儿童性别",)),
    NationalField("ethnicity", "民族", ("儿童民族",)),
    NationalField("birth_date", "出生日期", ("出生年月", "出生年月日", "儿童出生日期")),
    NationalField(
        "id_number",
        "公民身份证号码",
        ("公民身份号码", "身份证号码", "身份证号", "儿童身份证号码", "证件号码"),
        required=True,
        sensitive="id",
    ),
    NationalField("household_address", "户籍所在地", ("户籍地址", "户籍地", "户口所在地")),
    NationalField("current_address", "现居住地", ("现居住地址", "现住址", "居住地址")),
    NationalField("health", "身体情况", ("健康状况", "身体状况"), sensitive="restricted"),
    NationalField("schooling", "就学情况", ("就学状况", "在学情况")),
    NationalField("father_name", "父亲姓名", group="father", bare=("姓名",)),
    NationalField("father_work_place", "父亲当前务工地点", ("父亲务工地点",), group="father", bare=("当前务工地点",)),
    NationalField("father_phone", "父亲联系电话", ("父亲电话",), sensitive="phone", group="father", bare=("联系电话",)),
    NationalField("mother_name", "母亲姓名", group="mother", bare=("姓名",)),
    NationalField("mother_work_place", "母亲当前务工地点", ("母亲务工地点",), group="mother", bare=("当前务工地点",)),
    NationalField("mother_phone", "母亲联系电话", ("母亲电话",), sensitive="phone", group="mother", bare=("联系电话",)),
    NationalField(
        "carer_name", "委托监护人姓名", ("受委托监护人姓名", "委托照护人姓名"), group="carer", bare=("姓名",)
    ),
    NationalField(
        "carer_relation",
        "与被监护人关系",
        ("委托监护人与被监护人关系", "委托照护人与儿童关系", "与儿童关系"),
        group="carer",
    ),
    NationalField(
        "carer_phone",
        "委托监护人联系电话",
        ("受委托监护人电话", "委托监护人电话", "委托照护人联系电话"),
        sensitive="phone",
        group="carer",
        bare=("联系电话",),
    ),
    NationalField("guardianship_type", "监护类型", ("监护情况",)),
    NationalField("status", "在册状态", ("状态", "儿童状态", "是否在册")),
    NationalField("exit_date", "退出日期", ("退出时间", "注销日期")),
)

FIELDS_BY_KEY = {f.key: f for f in NATIONAL_FIELDS}
REQUIRED_KEYS = tuple(f.key for f in NATIONAL_FIELDS if f.required)
# A header naming a person starts a group: the bare 姓名 / 联系电话 after it are that person's.
_GROUP_STARTERS = (("委托监护人", "carer"), ("受委托监护人", "carer"), ("父亲", "father"), ("母亲", "mother"))


def header_key(text: object) -> str:
    """A header as compared: NFKC (full-width brackets and letters to ASCII), no spaces, no line breaks."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


def label(key: str) -> str:
    return FIELDS_BY_KEY[key].header


def group_of_header(text: str, current: str) -> str:
    for prefix, group in _GROUP_STARTERS:
        if text.startswith(prefix):
            return group
    return current


def builtin_columns(headers: list[str]) -> dict[str, int]:
    """The built-in mapping applied to a header row: field key → column index.

    A header matches a field by its form spelling or a synonym; a bare 姓名 / 当前务工地点 / 联系电话
    belongs to the person whose columns it follows (the form repeats them for father, mother, carer).
    """
    names = {header_key(f.header): f.key for f in NATIONAL_FIELDS}
    for f in NATIONAL_FIELDS:
        for synonym in f.synonyms:
            names.setdefault(header_key(synonym), f.key)
    found: dict[str, int] = {}
    group = "child"
    for index, raw in enumerate(headers):
        text = header_key(raw)
        if not text:
            continue
        key = _bare_key(text, group) if text in _BARE_NAMES else names.get(text)
        group = group_of_header(text, group)
        if key and key not in found:
            found[key] = index
    return found


_BARE_NAMES = {header_key(name) for f in NATIONAL_FIELDS for name in f.bare}


def _bare_key(text: str, group: str) -> str | None:
    for f in NATIONAL_FIELDS:
        if f.group == group and text in {header_key(name) for name in f.bare}:
            return f.key
    return None
