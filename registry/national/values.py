"""Normalising the national export's cell values (full-width characters, date spellings, ID numbers,
phone numbers) with the roster import's normalisers, so both files compare alike."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from ..rules.idnumber import normalize_id_number, normalize_phone

__all__ = ["clean_name", "clean_text", "normalize_id_number", "normalize_phone", "parse_date"]

_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D?$")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})$")


def clean_text(value: object) -> str:
    """NFKC (full-width to ASCII), trimmed, runs of spaces as one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def clean_name(value: object) -> str:
    """A Chinese name with no spaces inside ("张 三" is 张三)."""
    return clean_text(value).replace(" ", "")


def parse_date(value: object) -> date | None:
    """A date cell, or 2015/3/4, 2015.03.04, 20150304, 2015-03-04, 2015年3月4日; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value).replace(" ", "")
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
