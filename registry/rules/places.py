"""Resolve a parent's free-text work place (父亲务工地点) to a division of China.

DOMAIN.md: "上海市浦东新区", "江苏省苏州市昆山市", "浙江宁波" resolve through the division tables
(province → city → county) as far as they go; that is enough when the region reached does not
contain Qidong. "南通市" or "江苏" cannot decide; "启东市汇龙镇" is inside the county.
Data: registry/data/{provinces,cities,areas}.csv (统计用区划代码), read once, no Django.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# City rows that are only containers (municipalities, 省直辖县级行政区划): never matched by name.
_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Suffixes dropped to make the short form ("浙江省" → "浙江", "浦东新区" → "浦东"); longest first.
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区")
_SUFFIXES += ("省", "市", "区", "县", "盟", "旗")
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
# Ethnic groups named in autonomous names ("广西壮族" → "广西", "恩施土家族苗族" → "恩施").
_ETHNIC = re.compile(
    # Xinjiang's names drop the 族 ("伊犁哈萨克自治州"), so it is optional for the longer names.
    r"(?:(?:蒙古|维吾尔|布依|朝鲜|土家|哈尼|哈萨克|傈僳|高山|拉祜|东乡|纳西|景颇|柯尔克孜|达斡尔|仫佬|"
    r"布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|塔塔尔|独龙|"
    r"鄂伦春|赫哲|门巴|珞巴|基诺)族?|(?:回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京|各)族)$"
)
_NOISE = re.compile(r"[\s,，、.。·:：;；'\"“”‘’()（）\[\]【】<>《》/\\\-—_]+")


_MAX_NAME = 20  # longer than any division name ("双江拉祜族佤族布朗族傣族自治县" has 15 characters)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # "province" / "city" / "county"
    parent: str  # city code (or province code) of the row; "" for provinces


@dataclass(frozen=True)
class Place:
    """What a work place text resolves to; level "" and code "" when nothing was recognised."""

    level: str = ""
    code: str = ""
    name: str = ""  # full name path, e.g. "浙江省宁波市鄞州区"

    def contains(self, county_code: str) -> bool:
        """True when the resolved region is that county, or its city, or its province."""
        # Division codes nest: province 2 digits, city 4, county 6.
        return bool(self.code) and county_code.startswith(self.code)


def aliases(name: str) -> set[str]:
    """The full name and its short form(s): "宁波市" → {"宁波市", "宁波"}."""
    names = {name}
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix in _AUTONOMOUS:
                while (match := _ETHNIC.search(stem)) and match.start() >= 2:
                    stem = stem[: match.start()]
            if len(stem) >= 2:
                names.add(stem)
            break
    return names


def _read(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class _Tables:
    divisions: dict[str, Division]
    # scope ("" = all of China, or a province/city code) → alias → codes of that level in scope
    provinces: dict[str, set[str]]
    cities: dict[str, dict[str, set[str]]]
    counties: dict[str, dict[str, set[str]]]
    full_names: frozenset[str]


def _index(target: dict[str, dict[str, set[str]]], scopes: tuple[str, ...], row: Division) -> None:
    for scope in scopes:
        for alias in aliases(row.name):
            target[scope][alias].add(row.code)


@cache
def _tables() -> _Tables:
    divisions: dict[str, Division] = {}
    provinces: dict[str, set[str]] = defaultdict(set)
    cities: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    counties: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in _read("provinces.csv"):
        division = Division(row["code"], row["name"], "province", "")
        divisions[division.code] = division
        for alias in aliases(division.name):
            provinces[alias].add(division.code)
    for row in _read("cities.csv"):
        division = Division(row["code"], row["name"], "city", row["provinceCode"])
        divisions[division.code] = division
        if division.name not in _PLACEHOLDER_CITIES:
            _index(cities, ("", division.parent), division)
    for row in _read("areas.csv"):
        division = Division(row["code"], row["name"], "county", row["cityCode"])
        divisions[division.code] = division
        _index(counties, ("", row["provinceCode"], row["cityCode"]), division)
    full_names = frozenset(division.name for division in divisions.values())
    return _Tables(divisions, dict(provinces), cities, counties, full_names)


def division_name(code: str) -> str:
    """The full name path of a division code ("320681" → "江苏省南通市启东市"), "" if unknown."""
    divisions = _tables().divisions
    if code not in divisions:
        return ""
    path = [code[:2], code[:4], code[:6]][: {2: 1, 4: 2, 6: 3}.get(len(code), 0)]
    names = [divisions[part].name for part in path if part in divisions]
    return "".join(name for name in names if name not in _PLACEHOLDER_CITIES)


def short_name(code: str) -> str:
    """The division's own name ("320681" → "启东市"), "" if unknown."""
    division = _tables().divisions.get(code)
    return division.name if division else ""


@dataclass(frozen=True)
class _Parse:
    consumed: int
    start_rank: int  # 1 when the text starts with a province, 2 a city, 3 a county
    codes: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int, int]:
        # Most text explained, then a province-first reading ("吉林" is the province), then deepest.
        return (self.consumed, -self.start_rank, len(self.codes))


def _names_another(text: str, length: int, code: str) -> bool:
    """A short form followed by a suffix that makes another division's name: "朝阳" in "朝阳区"."""
    tables = _tables()
    alias, rest = text[:length], text[length:]
    if alias == tables.divisions[code].name:
        return False
    return any(rest.startswith(suffix) and alias + suffix in tables.full_names for suffix in _SUFFIXES)


def _matches(text: str, index: dict[str, set[str]] | None) -> list[tuple[int, str]]:
    """(length, code) for every alias of ``index`` that starts ``text`` and names one division only."""
    if not index:
        return []
    found = []
    for length in range(min(len(text), _MAX_NAME), 1, -1):
        codes = index.get(text[:length])
        if codes and len(codes) == 1:
            code = next(iter(codes))
            if not _names_another(text, length, code):
                found.append((length, code))
    return found


def _descend(text: str, consumed: int, rank: int, codes: tuple[str, ...]) -> list[_Parse]:
    """Every reading that continues below the last matched code (city, then county)."""
    tables = _tables()
    last = codes[-1]
    level = tables.divisions[last].level
    rest = text[consumed:]
    parses = [_Parse(consumed, rank, codes)]
    if level == "county":
        return parses
    children = [tables.counties.get(last)]
    if level == "province":
        children.insert(0, tables.cities.get(last))
    for index in children:
        for length, code in _matches(rest, index):
            parses.extend(_descend(text, consumed + length, rank, (*codes, code)))
    return parses


def _clean(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=8192)  # free text from rosters: bounded
def resolve_place(text: str) -> Place:
    """The deepest division the text names from its start: province → city → county.

    Without a province, a city or county name that is unique in China is enough ("昆山", "宁波");
    an ambiguous short name ("朝阳区", "鼓楼区") resolves to nothing. Names below county are ignored.
    """
    cleaned = _clean(text)
    if not cleaned:
        return Place()
    tables = _tables()
    starts = [(1, tables.provinces), (2, tables.cities.get("")), (3, tables.counties.get(""))]
    parses: list[_Parse] = []
    for rank, index in starts:
        for length, code in _matches(cleaned, index):
            parses.extend(_descend(cleaned, length, rank, (code,)))
    if not parses:
        return Place()
    best = max(parses, key=lambda parse: parse.key)
    code = best.codes[-1]
    return Place(level=tables.divisions[code].level, code=code, name=division_name(code))


def classify_work_place(text: str, *, home_county_code: str = "320681") -> str:
    """ "outside", "inside" or "vague" for the home county (启民发〔2023〕99号: 务工地点跨县域).

    outside: the region reached does not contain the home county (上海, 浙江宁波, 苏州市昆山市);
    inside: the home county itself ("启东市汇龙镇"); vague: nothing recognised ("外地"), or only a
    city/province that contains the home county ("南通市", "江苏").
    """
    place = resolve_place(text)
    if not place.level:
        return "vague"
    if not place.contains(home_county_code):
        return "outside"
    return "inside" if place.code == home_county_code else "vague"
