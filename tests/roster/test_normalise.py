"""What real rosters look like (ROSTER.md): the importer accepts, normalises and records it."""

from datetime import date, datetime

from bench.roster_file import HEADERS
from qidong_care.core.crypto import blind_index
from registry.models import Adult, Child
from registry.rules.idnumber import check_digit
from tests.roster.conftest import errors_by_code

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def child_of(row) -> Child:
    number = (
        str(row["公民身份号码"])
        .replace(" ", "")
        .upper()
        .translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
    )
    return Child.objects.get(id_number_hash=blind_index(number))


def id_ending_in_x(born: date = date(2014, 6, 1)) -> str:
    for order in range(1, 999, 2):
        first17 = f"320681{born:%Y%m%d}{order:03d}"
        if check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no such number")


def test_it_imports_rows_below_title_rows_and_counts_lines_as_excel_shows_them(db, rows, write, run):
    data = rows(3)
    data[1]["儿童姓名"] = ""
    path = write(data, title_rows=("启东市农村留守儿童花名册", "填报单位：汇龙镇民政办"))
    result = run(path)
    assert (result.rows, result.created, result.rejected) == (3, 2, 1)
    assert [(e.row, e.code, e.column) for e in result.errors] == [(5, "required", "儿童姓名")]


def test_it_reads_columns_in_any_order_and_ignores_unknown_ones_with_a_warning(db, rows, write, run):
    data = rows(2)
    for row in data:
        row["微信号"] = "wx123"
    headers = list(reversed(HEADERS)) + ["微信号"]
    result = run(write(data, headers=headers))
    assert result.created == 2
    assert any("微信号" in warning["message"] and "忽略" in warning["message"] for warning in result.warnings)


def test_it_normalises_spaces_full_width_characters_and_a_lower_case_x(db, rows, write, run):
    data = rows(3)
    number = id_ending_in_x()
    data[0]["公民身份号码"] = f"  {number[:6]} {number[6:14]} {number[14:].lower()} "
    data[0]["出生日期"], data[0]["性别"] = "", ""
    data[1]["公民身份号码"] = str(data[1]["公民身份号码"]).translate(FULL_WIDTH)
    data[1]["儿童姓名"] = "　" + str(data[1]["儿童姓名"]) + " "
    data[1]["户籍类型"] = "农　村"
    data[2]["父亲联系电话"] = "１３９-１２３４ ５６７８"
    result = run(write(data))
    assert result.created == 3, result.errors
    first = Child.objects.get(id_number_hash=blind_index(number))
    assert first.id_number == number and first.birth_date == date(2014, 6, 1)
    second = child_of(data[1])
    assert second.name == data[1]["儿童姓名"].strip() and second.household_type == "rural"
    father = second.links.get(role="father").adult
    assert father.id_number == data[1]["父亲公民身份号码"]
    assert Adult.objects.get(phone_hash=blind_index("13912345678")).name == data[2]["父亲姓名"]


def test_it_reads_every_date_spelling_and_real_date_cells(db, rows, write, run):
    data = rows(7)
    spellings = ["2015/3/4", "2015.03.04", "20150304", "2015-03-04", "2015年3月4日", datetime(2015, 3, 4), 20150304]
    for row, spelling in zip(data, spellings, strict=True):
        row["父亲外出务工时间"] = spelling
    data[0]["母亲外出务工时间"] = "2024-06"  # a month alone means its first day
    data[1]["母亲外出务工时间"] = "2024年6月"
    data[2]["母亲外出务工时间"] = "202406"
    data[3]["委托照护协议签订日期"] = datetime(2025, 1, 9)
    data[4]["出生日期"] = datetime.combine(date.fromisoformat(str(data[4]["出生日期"])), datetime.min.time())
    result = run(write(data))
    assert result.created == 7, result.errors
    for row in data:
        father = child_of(row).links.get(role="father").adult
        assert father.departed_on == date(2015, 3, 4)
    for row in data[:3]:
        assert child_of(row).links.get(role="mother").adult.departed_on == date(2024, 6, 1)


def test_it_normalises_phones_with_dashes_spaces_and_area_codes(db, rows, write, run):
    data = rows(3)
    data[0]["监护人联系电话"] = data[0]["委托照护人联系电话"] = "139-1234-5678"
    data[1]["母亲联系电话"] = "0513 - 8312 3456"
    data[2]["儿童主任联系电话"] = "（0513）83123456"
    result = run(write(data))
    assert result.created == 3, result.errors
    assert child_of(data[0]).links.get(role="guardian").adult.phone == "13912345678"
    assert child_of(data[1]).links.get(role="mother").adult.phone == "0513-83123456"
    assert child_of(data[2]).director_phone == "0513-83123456"


def test_it_reads_agricultural_and_non_agricultural_as_rural_and_urban(db, rows, write, run):
    data = rows(2)
    data[0]["户籍类型"], data[1]["户籍类型"] = "农业", "非农业"
    result = run(write(data))
    assert result.created == 2
    rural, urban = child_of(data[0]), child_of(data[1])
    assert (rural.household_type, urban.household_type) == ("rural", "urban")
    assert urban.verdict == "not_left_behind" and "非农村户籍" in urban.verdict_reasons[0]


def test_it_finds_villages_by_official_or_short_name_and_refuses_an_ambiguous_one(db, rows, write, run):
    data = rows(6)
    places = [
        ("汇龙镇", "临江村委会", "临江村委会"),
        ("汇龙镇", "临江村", "临江村委会"),
        ("汇龙镇", "幸福一村社区", "幸福一村居委会"),
        ("汇龙镇", "幸福一村", "幸福一村居委会"),
        ("惠萍镇", "庙港村（新）", "庙港村委会（新）"),
        ("惠萍镇", "大兴镇", None),  # 大兴镇居委会 or 大兴镇村委会?
    ]
    for row, (town, village, _) in zip(data, places, strict=True):
        row["镇（街道、园区）"], row["村（社区）"] = town, village
    result = run(write(data))
    assert result.created == 5
    for row, (_, _, official) in zip(data[:5], places[:5], strict=True):
        assert child_of(row).village.name == official
    [error] = result.errors
    assert (error.row, error.code, error.column) == (7, "unknown_region", "村（社区）")
    assert "对应多个" in error.message and "大兴镇居委会" in error.message and "大兴镇村委会" in error.message


def test_it_derives_an_empty_gender_and_birth_date_from_the_id_number(db, rows, write, run):
    data = rows(1)
    data[0]["性别"], data[0]["出生日期"] = "", ""
    result = run(write(data))
    assert result.created == 1
    child = child_of(data[0])
    number = child.id_number
    assert child.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert child.gender == ("M" if int(number[16]) % 2 else "F")


def test_it_rejects_an_id_number_excel_stored_as_a_number(db, rows, write, run):
    data = rows(2)
    data[0]["公民身份号码"] = float(data[0]["公民身份号码"])
    data[1]["父亲公民身份号码"] = float(data[1]["父亲公民身份号码"])
    result = run(write(data))
    codes = errors_by_code(result)
    assert [(e.row, e.column) for e in codes["id_number_cell"]] == [(2, "公民身份号码"), (3, "父亲公民身份号码")]
    assert "15位" in codes["id_number_cell"][0].message
    assert result.created == 0 and result.rejected == 2


def test_the_first_of_two_rows_with_the_same_id_number_stands(db, rows, write, run):
    data = rows(3)
    for column in ("公民身份号码", "出生日期", "性别"):
        data[2][column] = data[0][column]
    data[2]["儿童姓名"] = "另一个名字"
    result = run(write(data))
    assert (result.created, result.rejected) == (2, 1)
    [error] = result.errors
    assert (error.row, error.code) == (4, "duplicate_id") and "第2行" in error.message
    assert child_of(data[0]).name == data[0]["儿童姓名"]


def test_rows_with_nothing_but_their_number_are_not_rows(db, rows, write, run):
    data = rows(2) + [{"序号": 3}, {"序号": 4}]
    result = run(write(data))
    assert (result.rows, result.created, result.rejected) == (2, 2, 0)
