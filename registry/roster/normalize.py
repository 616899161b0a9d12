"""Reading one cell of a hand-typed roster (ROSTER.md, "What real rosters look like"): plain functions.

Each parser takes the raw cell value as python-calamine gives it (str, float, int, date, datetime,
bool or "") and returns the normalised value, or raises CellError with a ROSTER.md code and a
Chinese message. Nothing here touches the database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from ..rules.idnumber import (
    IdInfo,
    IdNumberError,
    is_valid_phone,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"\s+")
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?"),
    re.compile(r"(\d{4})(\d{2})"),
)
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_WELL_FORMED_ID = re.compile(r"[0-9]{17}[0-9X]")


class CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def text(raw: object) -> str:
    """Free text: trimmed (incl. full-width spaces); whole numbers lose ".0"; a date becomes ISO.

    A leading apostrophe the exporter put before a formula character is taken off again."""
    if raw is None or raw == "":
        return ""
    if type(raw) is str:
        value = raw.strip()
        if value.startswith("'") and value[1:2] in FORMULA_STARTS:
            value = value[1:]
        return value
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


# Invisible characters that have no place in a roster: C0/C1 controls (but tab and line breaks, which
# Alt+Enter puts in addresses), and the bidirectional overrides that make text read backwards.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def checked_text(raw: object, *, column: str, limit: int, person: bool = False) -> str:
    """Free text that fits its field (`limit` characters), without control characters; a person's
    name must not start like a formula (=cmd|'/c calc'!A1 is a DDE payload, not a name)."""
    value = text(raw)
    if not value:
        return value
    if len(value) > limit:
        raise CellError("bad_value", f"{column}过长（{len(value):,} 个字符，最多 {limit} 个字符）")
    if _CONTROL.search(value):
        raise CellError("bad_value", f"{column}含有不可见的控制字符（如响铃、退格、方向控制符），请删除后再导入")
    if person and value.startswith(FORMULA_STARTS):
        shown = value[:20]
        raise CellError("bad_value", f"{column}“{shown}”以公式符号开头，不是姓名（为防范公式注入，未导入）")
    return value


def folded(raw: object) -> str:
    """A value from a list, as compared: NFKC (full-width to half-width), no spaces at all."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text(raw)))


def choice(raw: object, values: dict[str, str], *, column: str) -> str:
    """The stored value of a list value (labels and synonyms in `values`); "" when empty."""
    written = folded(raw)
    if not written:
        return ""
    value = values.get(written)
    if value is None:
        allowed = "、".join(dict.fromkeys(label for label in values if not label.isdigit()))
        raise CellError("bad_value", f"{column}“{written}”不在可选值内（可填：{allowed}）")
    return value


def _date_from_number(number: float, column: str) -> date:
    whole = int(number)
    if 19000101 <= whole <= 21001231:  # 20150304 typed into a number cell
        return _make_date(str(whole)[:4], str(whole)[4:6], str(whole)[6:], column, str(whole))
    if 1 <= number < 73051:  # an Excel serial day number (1900-01-01 … 2099-12-31)
        return _EXCEL_EPOCH + timedelta(days=whole)
    raise CellError("bad_value", f"{column}“{text(number)}”不是有效日期，请写成 2015-03-04")


def _make_date(year: str, month: str, day: str, column: str, written: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError("bad_value", f"{column}“{written}”不是有效日期") from None


def parse_date(raw: object, *, column: str, month_alone: bool = False) -> date | None:
    """A date cell, or 2015/3/4, 2015.03.04, 20150304, 2015-03-04, 2015年3月4日; None when empty.

    With `month_alone`, 2024-06 / 2024年6月 / 202406 mean the first day of that month (ROSTER.md)."""
    if raw is None or raw == "":
        return None
    if type(raw) is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw.isascii():
        try:
            return date.fromisoformat(raw)  # 2015-03-04, the common case
        except ValueError:
            pass
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _date_from_number(float(raw), column)
    written = folded(raw)
    if not written:
        return None
    plain = _TIME_TAIL.sub("", written)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(plain)
        if match:
            return _make_date(*match.groups(), column, written)
    if month_alone:
        for pattern in _MONTH_PATTERNS:
            match = pattern.fullmatch(plain)
            if match:
                return _make_date(*match.groups(), "1", column, written)
    raise CellError("bad_value", f"{column}“{written}”不是有效日期，请写成 2015-03-04")


def not_future(value: date | None, *, on: date, column: str) -> date | None:
    if value is not None and value > on:
        raise CellError("date_future", f"{column}{value.isoformat()}晚于今天（{on.isoformat()}）")
    return value


def _is_masked(written: str) -> bool:
    return "*" in written or "＊" in written


def id_number(raw: object, *, column: str, on: date) -> str:
    """A valid 18-character ID number, normalised; "" when empty.

    A number cell holding an 18-digit ID has lost its last digits (Excel keeps 15): id_number_cell."""
    if raw is None or raw == "":
        return ""
    if type(raw) is str and _WELL_FORMED_ID.fullmatch(raw):
        try:
            return id_info(raw, on).number  # 18 ASCII characters as typed, the common case
        except IdNumberError as error:
            raise CellError(error.code, f"{column}{error.message}") from None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if abs(raw) >= 1e15:
            raise CellError(
                "id_number_cell",
                f"{column}以数字格式保存，Excel 只保留15位有效数字，后几位已丢失；请将该列设为文本格式后重新填写",
            )
        raw = text(raw)
    written = normalize_id_number(raw)
    if not written:
        return ""
    if _SCIENTIFIC.fullmatch(written):
        raise CellError("id_number_cell", f"{column}“{written}”是科学计数法，号码已丢失；请设为文本格式后重新填写")
    if _is_masked(written):
        raise CellError(
            "id_format", f"{column}是脱敏号码（含*），不能用于导入；请使用完整号码（脱敏导出的文件不能导回）"
        )
    try:
        return id_info(written, on).number
    except IdNumberError as error:
        raise CellError(error.code, f"{column}{error.message}") from None


def id_info(number: str, on: date) -> IdInfo:
    return parse_id_number(number, today=on)  # cached in rules.idnumber


def phone(raw: object, *, column: str) -> str:
    """A mobile (11 digits) or a landline with area code ("0513-83123456"); "" when empty."""
    if type(raw) is str and _MOBILE.fullmatch(raw):
        return raw  # 13912345678, the common case
    written = text(raw)
    if not written:
        return ""
    if _is_masked(written):
        raise CellError("phone", f"{column}“{written}”是脱敏号码，不能用于导入；请使用完整号码")
    if not is_valid_phone(written):
        raise CellError("phone", f"{column}“{written}”不是有效的手机号码或带区号的固定电话")
    return normalize_phone(written)


def boolean(raw: object, *, column: str) -> bool | None:
    written = folded(raw)
    if not written:
        return None
    if written in ("是", "Y", "y", "1", "True", "TRUE"):
        return True
    if written in ("否", "N", "n", "0", "False", "FALSE"):
        return False
    raise CellError("bad_value", f"{column}“{written}”应填“是”或“否”")


def neutralise(value: str) -> str:
    """An exported cell never starts a formula: =, +, -, @, tab and CR get an apostrophe first."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
