"""A county with one child of every reconciliation kind, and a national export written with openpyxl.

汇龙镇 (town_staff's town) holds the cases; 南阳镇 holds one child and one row that a 汇龙镇 run ignores.
The national rows are typed the way clerks type: full-width digits, "汉" for 汉族, dates in words,
phones with dashes, the county written before addresses, work places to province and city only.
"""

import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from openpyxl import Workbook

from registry.choices import AdultRole, ExitReason, ParentStatus, Relation
from registry.national.compare import our_values
from registry.national.form import NATIONAL_FIELDS
from registry.services import AdultInput, child_exit
from tests.factories import complete_adults, make_child, make_id

YAGUANG, KEMING = "320681100236", "320681100201"  # 亚光村、克明村 of 汇龙镇
QIXING = "320681106200"  # 启兴村 of 南阳镇
HEADERS = [f.header for f in NATIONAL_FIELDS]
_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def national_row(child, **overrides) -> dict[str, object]:
    """The national system's row for `child`, as a clerk typed it (equal to ours once normalised)."""
    ours = our_values(child, child.links.select_related("adult"))
    row = {
        "儿童编号": "",
        "所属乡镇(街道)": child.town.name.removesuffix("镇"),
        "所属村(居)": child.village.name.replace("村委会", "村"),
        "姓名": child.name,
        "性别": ours["gender"],
        "民族": ours["ethnicity"].removesuffix("族"),
        "出生日期": f"{child.birth_date.year}年{child.birth_date.month}月{child.birth_date.day}日",
        "公民身份证号码": child.id_number.translate(_FULL_WIDTH),
        "户籍所在地": "江苏省南通市" + ours["household_address"].removeprefix("江苏省"),
        "现居住地": ours["current_address"],
        "身体情况": ours["health"],
        "就学情况": ours["schooling"],
        "父亲姓名": ours["father_name"],
        "父亲当前务工地点": "上海市",
        "父亲联系电话": f"{ours['father_phone'][:3]}-{ours['father_phone'][3:7]}-{ours['father_phone'][7:]}",
        "母亲姓名": ours["mother_name"],
        "母亲当前务工地点": "浙江省宁波市",
        "母亲联系电话": ours["mother_phone"],
        "委托监护人姓名": ours["carer_name"],
        "与被监护人关系": "外婆",
        "委托监护人联系电话": ours["carer_phone"],
        "监护类型": "监护情况较好",
        "在册状态": "在册",
        "退出日期": "",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict[str, object]], *, headers: list[str] | None = None, title: str | None = None) -> bytes:
    """A national export: an optional title row, the header row, then the rows (openpyxl)."""
    headers = headers or HEADERS
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_rows(rows: list[dict[str, object]], *, headers: list[str] | None = None) -> list[list[object]]:
    headers = headers or HEADERS
    return [headers] + [[row.get(header, "") for header in headers] for row in rows]


def parent_at_home() -> dict[str, AdultInput]:
    adults = complete_adults()
    adults[AdultRole.MOTHER] = AdultInput(
        name="陆美华",
        id_number=make_id(date(1989, 2, 3), male=False),
        phone="13600001111",
        status=ParentStatus.HOME,
        relation=Relation.MOTHER,
    )
    return adults


@dataclass
class Scenario:
    children: dict[str, object] = field(default_factory=dict)
    rows: list[dict[str, object]] = field(default_factory=list)


@pytest.fixture
def scenario(db, town_staff):
    """One child or row per kind; `rows` is the national export (in file order)."""
    return build_scenario(town_staff)


def build_scenario(town_staff) -> Scenario:
    s = Scenario()
    c = s.children
    c["same"] = make_child(YAGUANG, name="石红轩", birth=date(2015, 4, 2))
    c["diff"] = make_child(YAGUANG, name="顾晓东", birth=date(2013, 6, 1), schooling="junior")
    c["missing_nationally"] = make_child(KEMING, name="沈佳怡", birth=date(2016, 9, 9), male=False)
    c["exited_here"] = make_child(KEMING, name="黄志强", birth=date(2012, 1, 5))
    child_exit(user=town_staff, child=c["exited_here"], reason=ExitReason.PARENTS_RETURNED, on=date(2025, 3, 1))
    c["not_left_behind"] = make_child(KEMING, name="陆子涵", birth=date(2014, 2, 2), adults=parent_at_home())
    c["national_exited"] = make_child(YAGUANG, name="施雨萱", birth=date(2017, 7, 7), male=False)
    # Its own ID number is fixed: a generated one could equal the national row's (seq 991) below.
    c["by_child_no"] = make_child(
        YAGUANG,
        name="倪浩然",
        birth=date(2011, 11, 11),
        id_number=make_id(date(2011, 11, 11), seq=990),
        national_child_no="QG32068100007",
    )
    c["likely"] = make_child(YAGUANG, name="季梓涵", birth=date(2018, 3, 3), male=False)
    c["nanyang"] = make_child(QIXING, name="袁一鸣", birth=date(2014, 5, 5))
    for child in c.values():
        child.refresh_from_db()
    s.rows = [
        national_row(c["same"], **{"儿童编号": "QG32068100001"}),
        national_row(c["diff"], **{"就学情况": "小学", "父亲联系电话": "13900000000"}),
        national_row(c["exited_here"]),
        national_row(c["not_left_behind"], **{"母亲当前务工地点": "上海市", "母亲联系电话": "13600001111"}),
        national_row(c["national_exited"], **{"在册状态": "已退出", "退出日期": "2025.02.01"}),
        national_row(
            c["by_child_no"], **{"儿童编号": "QG32068100007", "公民身份证号码": make_id(date(2011, 11, 11), seq=991)}
        ),
        national_row(c["likely"], **{"公民身份证号码": "", "出生日期": "2018-03-03"}),
        {
            "所属乡镇(街道)": "汇龙镇",
            "所属村(居)": "亚光村委会",
            "姓名": "朱梦琪",
            "性别": "女",
            "出生日期": "20160606",
            "公民身份证号码": make_id(date(2016, 6, 6), male=False, seq=992),
            "在册状态": "在册",
        },
        {
            "所属乡镇(街道)": "汇龙镇",
            "所属村(居)": "亚光村",
            "姓名": "钱多多",
            "公民身份证号码": make_id(date(2009, 1, 1), seq=993),
            "在册状态": "退出",
        },
        national_row(c["nanyang"], **{"就学情况": "初中"}),
    ]
    return s
