"""Normalising the national export's cell values with the roster import's normalisers
(registry.roster.normalize, registry.rules.idnumber), so both files compare alike.

Unlike the roster import, a national value that does not parse is kept as written, not refused: it is
the national system's record, and the report shows it as it stands."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..roster.normalize import CellError, folded, text
from ..roster.normalize import parse_date as roster_date
from ..rules.idnumber import normalize_id_number, normalize_phone

__all__ = ["clean_name", "clean_text", "normalize_id_number", "normalize_phone", "parse_date"]

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """Free text as the roster import reads it, full-width characters made half-width, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text(value))).strip()


def clean_name(value: object) -> str:
    """A Chinese name with no spaces inside ("张 三" is 张三)."""
    return folded(value)


def parse_date(value: object) -> date | None:
    """A date cell, or 2015/3/4, 2015.03.04, 20150304, 2015-03-04, 2015年3月4日; None if unreadable."""
    try:
        return roster_date(value, column="日期")
    except CellError:
        return None
