"""Citizen ID numbers (公民身份号码, GB 11643-1999), ages, phone numbers, and masking.

Our own validator (not python-stdnum): the messages must say, in Chinese, which part of the
number is wrong, because town staff fix the numbers by hand (ROSTER.md: id_format, id_checksum).
"""

from __future__ import annotations

import calendar
import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# GB 11643-1999 / ISO 7064 MOD 11-2: weights of the first 17 digits and the check character map.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"

_WHITESPACE = re.compile(r"\s+")  # after NFKC, U+3000 (full-width space) is a plain space
_WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]")  # the common case, checked first (roster imports: speed)


class IdNumberError(ValueError):
    """An invalid ID number; ``code`` is a ROSTER.md error code, ``message`` says which part is wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # "id_format" or "id_checksum"
        self.message = message


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # Gender value: "M" (17th digit odd) or "F"
    area_code: str


def _to_text(raw: object) -> str:
    """str() of a cell value; a float holding a whole number loses its ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def normalize_id_number(raw: object) -> str:
    """Trim, drop every space (incl. U+3000), full-width ０-９/Ｘ to ASCII, a final x to X.

    ROSTER.md: real rosters have full-width digits, spaces inside the number, a lower-case x.
    An int/float cell is turned into its digits; the importer reports lost digits (id_number_cell).
    """
    if isinstance(raw, str) and _WELL_FORMED.fullmatch(raw):
        return raw
    text = unicodedata.normalize("NFKC", _to_text(raw))
    return _WHITESPACE.sub("", text).replace("x", "X")


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_MAP[total % 11]


def _check_characters(number: str) -> None:
    if _WELL_FORMED.fullmatch(number):
        return
    if len(number) != 18:
        raise IdNumberError("id_format", f"身份证号码应为18位，实为{len(number)}位")
    for position, char in enumerate(number, start=1):
        allowed = char.isascii() and (char.isdigit() or (position == 18 and char == "X"))
        if not allowed:
            hint = "数字或X" if position == 18 else "数字"
            raise IdNumberError("id_format", f"身份证号码第{position}位“{char}”应为{hint}")


def _check_area(number: str) -> str:
    area = number[:6]
    # Loose on purpose: the statistical tables change; only a leading 0 is impossible.
    if area.startswith("0"):
        raise IdNumberError("id_format", f"第1-6位地址码{area}无效（不能以0开头）")
    return area


def _check_birth(number: str, today: date) -> date:
    text = number[6:14]
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError("id_format", f"第7-14位出生日期{text}不是有效日期") from None
    if born.year < 1900:
        raise IdNumberError("id_format", f"第7-14位出生日期{text}不是有效日期")
    if born > today:
        raise IdNumberError("id_format", f"第7-14位出生日期{text}晚于今天")
    return born


def parse_id_number(value: object, *, today: date | None = None) -> IdInfo:
    """Validate an 18-character ID number and read its parts; raises IdNumberError."""
    number = normalize_id_number(value)
    if not number:
        raise IdNumberError("id_format", "身份证号码为空")
    return _parse(number, today or date.today())


@lru_cache(maxsize=8192)  # the rules read the same adults' numbers several times per child
def _parse(number: str, today: date) -> IdInfo:
    _check_characters(number)
    area = _check_area(number)
    born = _check_birth(number, today)
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError("id_checksum", f"第18位校验码应为{expected}，实为{number[17]}")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=born, gender=gender, area_code=area)


def _birthday_in(birth: date, year: int) -> date:
    """The birthday in ``year``. A 29 February birthday falls on 1 March in a non-leap year."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth.replace(year=year)


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on``; on the 16th birthday the age is 16 (DOMAIN.md rule 1)."""
    years = on.year - birth.year
    if on < _birthday_in(birth, on.year):
        years -= 1
    return years


def add_months(start: date, months: int) -> date:
    """``start`` + ``months`` calendar months, the day clamped to the month's end (11-30 + 3 = 02-28)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def mask_id_number(value: str) -> str:
    """320681********0028: the first 6 and last 4 characters shown; short values masked more."""
    text = value or ""
    if len(text) > 10:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if len(text) > 2:
        return text[0] + "*" * (len(text) - 2) + text[-1]
    return "*" * len(text)


# Phone numbers --------------------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s\-‐‑‒–—―()（）.]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LOCAL_NUMBER = re.compile(r"[2-9]\d{6,7}")


def _phone_digits(raw: object) -> str:
    text = unicodedata.normalize("NFKC", _to_text(raw))
    return _PHONE_NOISE.sub("", text)


def _as_mobile(digits: str) -> str | None:
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    return digits if _MOBILE.fullmatch(digits) else None


def _as_landline(digits: str) -> str | None:
    """0 + area code (010 and 02x have 3 digits, the others 4) + a 7-8 digit local number."""
    if not digits.startswith("0") or len(digits) < 3 or not digits.isdigit():
        return None
    split = 3 if digits[1] in "12" else 4
    area, local = digits[:split], digits[split:]
    return f"{area}-{local}" if _LOCAL_NUMBER.fullmatch(local) else None


def normalize_phone(raw: object) -> str:
    """A mobile as 11 digits, a landline as "0513-83123456"; an invalid value comes back trimmed."""
    if type(raw) is str and _MOBILE.fullmatch(raw):
        return raw  # 13912345678, the common case (a roster import checks hundreds of thousands)
    digits = _phone_digits(raw)
    normal = _as_mobile(digits) or _as_landline(digits)
    if normal:
        return normal
    return _to_text(raw).strip()


def is_valid_phone(value: object) -> bool:
    """True for a mainland mobile (1[3-9] + 9 digits, +86 allowed) or a landline with its area code."""
    if type(value) is str and _MOBILE.fullmatch(value):
        return True
    digits = _phone_digits(value)
    return bool(_as_mobile(digits) or _as_landline(digits))


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; 0513-******56 for a landline (area code and last 2 digits kept)."""
    if not value:
        return ""
    normal = normalize_phone(value)
    if _MOBILE.fullmatch(normal):
        return normal[:3] + "****" + normal[-4:]
    if "-" in normal and is_valid_phone(normal):
        area, local = normal.split("-", 1)
        return f"{area}-" + "*" * (len(local) - 2) + local[-2:]
    if len(normal) > 5:
        return normal[:3] + "*" * (len(normal) - 5) + normal[-2:]
    return "*" * len(normal)
