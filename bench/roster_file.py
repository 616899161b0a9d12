"""Realistic roster files (花名册, ROSTER.md) of any size, for tests and the benchmark.

Rows look like a town clerk's: real towns and villages of Qidong (registry/data, short village names
as clerks write them), valid and unique ID numbers (GB 11643), siblings sharing their parents and
grandparents, parents mostly working away across the county, some at home or without guardianship
capacity. Ages are reckoned from `on` (default: the sample's screening date 2026-11-28), so every
child is under 16 on that day.

    rows = list(roster_rows(1000, seed=1))
    write_roster("roster.xlsx", rows)                       # header + rows, as the template
    make_roster_file("big.xlsx", 100_000)                    # the benchmark's file

Needs no database and no Django settings: plain Python and XlsxWriter (constant memory).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from registry.rules.idnumber import check_digit

SCREENING_DATE = date(2026, 11, 28)
DATA_DIR = Path(__file__).resolve().parent.parent / "registry" / "data"

HEADERS = [
    "序号", "镇（街道、园区）", "村（社区）", "儿童姓名", "性别", "民族", "公民身份号码", "出生日期", "户籍类型",
    "户籍地址", "现居住地址", "健康状况", "残疾类别", "残疾等级", "就学状况", "就读学校", "年级", "是否寄宿",
    "父亲姓名", "父亲公民身份号码", "父亲联系电话", "父亲状况", "父亲务工地点", "父亲外出务工时间",
    "母亲姓名", "母亲公民身份号码", "母亲联系电话", "母亲状况", "母亲务工地点", "母亲外出务工时间",
    "监护人姓名", "监护人与儿童关系", "监护人公民身份号码", "监护人联系电话", "监护人健康状况",
    "委托照护人姓名", "委托照护人与儿童关系", "委托照护人公民身份号码", "委托照护人联系电话",
    "委托照护协议签订日期", "居住情况", "家庭经济状况", "亲情沟通频次", "儿童主任姓名", "儿童主任联系电话", "备注",
]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华红玉萍建国文辉鑫宇浩然子涵"
    "欣怡梓轩思雨俊杰佳琪嘉怡晨曦雨桐一诺梦瑶浩宇晓东海燕春梅志强丽娟"
)
AWAY_PLACES = (
    "上海市浦东新区", "上海市闵行区", "江苏省苏州市昆山市", "浙江省宁波市鄞州区", "浙江省杭州市萧山区",
    "广东省深圳市宝安区", "北京市朝阳区", "江苏省南通市崇川区", "江苏省南京市江宁区", "江苏省无锡市江阴市",
    "浙江宁波", "苏州市昆山市",
)  # fmt: skip
VAGUE_PLACES = ("外地", "南通市", "启东市汇龙镇")
INCAPABLE = ("死亡", "失联", "服刑", "重病", "重残", "强制隔离戒毒", "其他无监护能力")
GRANDPARENTS = (("祖父", True), ("祖母", False), ("外祖父", True), ("外祖母", False))
MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "177",
    "181",
    "187",
    "189",
)


def _villages() -> list[tuple[str, str]]:
    """(town name, village name as a clerk writes it) for every village of the county."""
    with open(DATA_DIR / "nantong-streets.csv", encoding="utf-8", newline="") as handle:
        towns = {row["code"]: row["name"] for row in csv.DictReader(handle) if row["areaCode"] == "320681"}
    with open(DATA_DIR / "qidong-villages.csv", encoding="utf-8", newline="") as handle:
        rows = [(towns[row["streetCode"]], row["name"]) for row in csv.DictReader(handle)]
    short = [(town, _short_form(name)) for town, name in rows]
    counts: dict[tuple[str, str], int] = {}
    for key in short:
        counts[key] = counts.get(key, 0) + 1
    # A short form two villages of a town share would be ambiguous: write the official name then.
    return [s if counts[s] == 1 else full for s, full in zip(short, rows, strict=True)]


def _short_form(name: str) -> str:
    """临江村委会 → 临江村, 幸福一村居委会 → 幸福一村社区, 庙港村委会（新） → 庙港村（新）."""
    suffix = ""
    if name.endswith("（新）"):
        name, suffix = name[:-3], "（新）"
    if name.endswith("村委会"):
        return name[:-3] + "村" + suffix
    if name.endswith("社区居委会"):
        return name[:-3] + suffix
    if name.endswith("居委会"):
        return name[:-3] + "社区" + suffix
    return name + suffix


class _Generator:
    def __init__(self, seed: int, on: date):
        self.random = random.Random(seed)
        self.on = on
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.villages = _villages()

    def name(self, surname: str | None = None) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2))))
        return (surname or self.random.choice(SURNAMES)) + given

    def id_number(self, born: date, *, male: bool) -> str:
        while True:
            order = self.random.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"320681{born:%Y%m%d}{order:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.random.randrange(max((end - start).days, 1)))

    def parent(self, label: str, *, male: bool, surname: str | None) -> dict[str, str]:
        born = self.day_between(date(1976, 1, 1), date(1998, 12, 31))
        roll = self.random.random()
        fields = {"姓名": self.name(surname), "公民身份号码": self.id_number(born, male=male), "联系电话": self.phone()}
        if roll < 0.84:
            place = self.random.choice(AWAY_PLACES if self.random.random() < 0.95 else VAGUE_PLACES)
            departed = self.day_between(date(2019, 1, 1), self.on - timedelta(days=30))
            fields |= {"状况": "外出务工", "务工地点": place, "外出务工时间": departed.isoformat()}
        elif roll < 0.9:
            fields |= {"状况": "在家", "务工地点": "", "外出务工时间": ""}
        else:
            fields |= {"状况": self.random.choice(INCAPABLE), "务工地点": "", "外出务工时间": ""}
        return {f"{label}{key}": value for key, value in fields.items()}

    def family(self) -> dict[str, str]:
        town, village = self.random.choice(self.villages)
        surname = self.random.choice(SURNAMES)
        relation, male = self.random.choice(GRANDPARENTS)
        elder = self.name(surname if relation in ("祖父", "祖母") else None)
        born = self.day_between(date(1950, 1, 1), date(1970, 12, 31))
        elder_id, elder_phone = self.id_number(born, male=male), self.phone()
        group, house = self.random.randrange(1, 40), self.random.randrange(1, 200)
        address = f"江苏省启东市{town}{village}{group}组{house}号"
        signed = self.day_between(date(2023, 8, 1), self.on)
        return {
            "镇（街道、园区）": town,
            "村（社区）": village,
            "户籍地址": address,
            "现居住地址": address,
            "_surname": surname,
            **self.parent("父亲", male=True, surname=surname),
            **self.parent("母亲", male=False, surname=None),
            "监护人姓名": elder,
            "监护人与儿童关系": relation,
            "监护人公民身份号码": elder_id,
            "监护人联系电话": elder_phone,
            "监护人健康状况": self.random.choice(("健康", "健康", "健康", "患病")),
            "委托照护人姓名": elder,
            "委托照护人与儿童关系": relation,
            "委托照护人公民身份号码": elder_id,
            "委托照护人联系电话": elder_phone,
            "委托照护协议签订日期": signed.isoformat(),
            "居住情况": "与委托照护人共同居住",
            "家庭经济状况": self.random.choice(("一般", "一般", "低收入", "低保")),
            "亲情沟通频次": self.random.choice(("每周", "每月", "每季度", "很少")),
            "儿童主任姓名": self.name(),
            "儿童主任联系电话": self.phone(),
        }

    def child(self, family: dict[str, str], number: int) -> dict[str, object]:
        born = self.day_between(self.on - timedelta(days=365 * 16 - 20), self.on - timedelta(days=60))
        male = self.random.random() < 0.52
        age = (self.on - born).days // 365
        schooling, school, grade = "学龄前", "", ""
        town = family["镇（街道、园区）"]
        if age >= 13:
            schooling, school, grade = "初中", f"启东市{town}初级中学", f"{age - 6}年级"
        elif age >= 7:
            schooling, school, grade = "小学", f"启东市{town}小学", f"{age - 6}年级"
        healthy = self.random.random() < 0.9
        row = {key: value for key, value in family.items() if not key.startswith("_")}
        row |= {
            "序号": number,
            "儿童姓名": self.name(family["_surname"]),
            "性别": "男" if male else "女",
            "民族": "汉族",
            "公民身份号码": self.id_number(born, male=male),
            "出生日期": born.isoformat(),
            "户籍类型": "农村",
            "健康状况": "健康" if healthy else "患病",
            "残疾类别": "",
            "残疾等级": "",
            "就学状况": schooling,
            "就读学校": school,
            "年级": grade,
            "是否寄宿": "是" if age >= 13 and self.random.random() < 0.3 else "否",
            "备注": "",
        }
        return row


def roster_rows(
    n: int, *, seed: int = 0, on: date = SCREENING_DATE, sibling_share: float = 0.15
) -> Iterator[dict[str, object]]:
    """`n` rows (header text → cell value); about `sibling_share` of children have a sibling row."""
    generator = _Generator(seed, on)
    family: dict[str, str] | None = None
    for number in range(1, n + 1):
        if family is None or generator.random.random() >= sibling_share:
            family = generator.family()
        yield generator.child(family, number)


def write_roster(
    path: str | Path,
    rows: Iterable[dict[str, object]],
    *,
    headers: list[str] | None = None,
    title_rows: Iterable[str] = (),
    sheet_name: str = "花名册",
) -> Path:
    """Write rows under the template's header (or `headers`), below optional title rows.

    Strings are written as text (an ID number stays text), dates as date cells, numbers as numbers.
    """
    path = Path(path)
    headers = headers or HEADERS
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(sheet_name)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    line = 0
    for title in title_rows:
        sheet.write_string(line, 0, title)
        line += 1
    for col, header in enumerate(headers):
        sheet.write_string(line, col, header)
    for row in rows:
        line += 1
        for col, header in enumerate(headers):
            value = row.get(header, "")
            if isinstance(value, date):
                sheet.write_datetime(line, col, value, date_format)
            elif isinstance(value, bool) or value is None:
                sheet.write_string(line, col, "" if value is None else str(value))
            elif isinstance(value, int | float):
                sheet.write_number(line, col, value)
            elif value != "":
                sheet.write_string(line, col, str(value))
    workbook.close()
    return path


def make_roster_file(path: str | Path, n: int, *, seed: int = 0, on: date = SCREENING_DATE) -> Path:
    """The benchmark's file: `n` realistic rows."""
    return write_roster(path, roster_rows(n, seed=seed, on=on))


if __name__ == "__main__":  # python -m bench.roster_file OUT.xlsx N
    import sys

    target, count = sys.argv[1], int(sys.argv[2])
    print(make_roster_file(target, count))
