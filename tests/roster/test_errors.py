"""Every error code of ROSTER.md, on generated files: the row is rejected with its row, column,
code and a Chinese message, and nothing of it is written."""

from datetime import date

import pytest

from registry.models import Adult, Child
from registry.rules.idnumber import check_digit
from tests.roster.conftest import errors_by_code


def one_error(result):
    assert result.rejected == 1 and result.created == 0, result.errors
    [error] = result.errors
    assert error.row == 2
    return error


@pytest.mark.parametrize("column", ["镇（街道、园区）", "村（社区）", "儿童姓名", "公民身份号码", "户籍类型"])
def test_it_rejects_a_row_missing_a_required_column(db, rows, write, run, column):
    data = rows(1)
    data[0][column] = ""
    result = run(write(data))
    assert ("required", column) in {(e.code, e.column) for e in result.errors}
    assert result.rejected == 1 and not Child.objects.exists() and not Adult.objects.exists()


@pytest.mark.parametrize(
    ("written", "hint"),
    [("32068120150402977", "18位"), ("32068120150402A779", "第15位"), ("320681********9779", "脱敏")],
)
def test_it_rejects_a_malformed_id_number(db, rows, write, run, written, hint):
    data = rows(1)
    data[0]["公民身份号码"], data[0]["出生日期"], data[0]["性别"] = written, "", ""
    error = one_error(run(write(data)))
    assert (error.code, error.column) == ("id_format", "公民身份号码") and hint in error.message


def test_it_rejects_a_wrong_check_digit(db, rows, write, run):
    data = rows(1)
    number = str(data[0]["公民身份号码"])
    wrong = "0" if number[-1] != "0" else "1"
    data[0]["公民身份号码"] = number[:-1] + wrong
    error = one_error(run(write(data)))
    assert error.code == "id_checksum" and f"应为{number[-1]}" in error.message


def test_it_rejects_an_id_number_in_scientific_notation(db, rows, write, run):
    data = rows(1)
    data[0]["公民身份号码"] = "3.20681E+17"
    assert one_error(run(write(data))).code == "id_number_cell"


def test_it_rejects_a_birth_date_or_gender_that_disagrees_with_the_id_number(db, rows, write, run):
    data = rows(2)
    data[0]["出生日期"] = "2001-01-01"
    data[1]["性别"] = "女" if data[1]["性别"] == "男" else "男"
    codes = errors_by_code(run(write(data)))
    assert [(e.row, e.column) for e in codes["birth_mismatch"]] == [(2, "出生日期")]
    assert [(e.row, e.column) for e in codes["gender_mismatch"]] == [(3, "性别")]


def test_it_rejects_a_child_who_turns_16_on_the_import_date(db, rows, write, run):
    data = rows(2)
    born = date(2010, 11, 28)  # 16 on the sample's screening date, 2026-11-28
    first17 = f"320681{born:%Y%m%d}021"
    data[0]["公民身份号码"], data[0]["出生日期"], data[0]["性别"] = first17 + check_digit(first17), "", ""
    result = run(write(data))
    assert result.created == 1
    [error] = result.errors
    assert (error.row, error.code) == (2, "over_age") and "已满16周岁" in error.message


def test_it_rejects_an_unknown_town_or_village(db, rows, write, run):
    data = rows(2)
    data[0]["镇（街道、园区）"] = "北京镇"
    data[1]["镇（街道、园区）"], data[1]["村（社区）"] = "汇龙镇", "不存在村"
    codes = errors_by_code(run(write(data)))
    assert [(e.row, e.column) for e in codes["unknown_region"]] == [(2, "镇（街道、园区）"), (3, "村（社区）")]


def test_town_staff_cannot_import_rows_of_another_town(db, rows, write, run, town_staff):
    data = rows(2)
    data[0]["镇（街道、园区）"], data[0]["村（社区）"] = "汇龙镇", "临江村"
    data[1]["镇（街道、园区）"], data[1]["村（社区）"] = "南阳镇", "红星村"
    result = run(write(data), town_staff)
    assert result.created == 1
    [error] = result.errors
    assert (error.row, error.code) == (3, "unknown_region") and "不在您负责的区域（汇龙镇）" in error.message
    assert list(Child.objects.values_list("village__name", flat=True)) == ["临江村委会"]


def test_it_rejects_phones_that_are_neither_mobile_nor_landline(db, rows, write, run):
    data = rows(3)
    data[0]["父亲联系电话"] = "12345"
    data[1]["儿童主任联系电话"] = "83123456"  # a landline without its area code
    data[2]["母亲联系电话"] = "139****5678"
    codes = errors_by_code(run(write(data)))
    assert [(e.row, e.column) for e in codes["phone"]] == [
        (2, "父亲联系电话"),
        (3, "儿童主任联系电话"),
        (4, "母亲联系电话"),
    ]
    assert "脱敏" in codes["phone"][2].message


def test_it_rejects_dates_in_the_future(db, rows, write, run):
    data = rows(3)
    data[0]["父亲外出务工时间"] = "2026-12-01"
    data[1]["委托照护协议签订日期"] = "2027-01-01"
    data[2]["出生日期"] = "2030-01-01"
    codes = errors_by_code(run(write(data)))
    assert [(e.row, e.column) for e in codes["date_future"]] == [
        (2, "父亲外出务工时间"),
        (3, "委托照护协议签订日期"),
        (4, "出生日期"),
    ]
    assert "晚于今天" in codes["date_future"][0].message


@pytest.mark.parametrize(
    ("column", "written"),
    [("健康状况", "很好"), ("性别", "未知"), ("户籍类型", "外地"), ("是否寄宿", "也许"), ("父亲外出务工时间", "去年")],
)
def test_it_rejects_a_value_outside_the_list(db, rows, write, run, column, written):
    data = rows(1)
    data[0][column] = written
    error = one_error(run(write(data)))
    assert (error.code, error.column) == ("bad_value", column) and written in error.message


def test_a_row_reports_every_one_of_its_errors(db, rows, write, run):
    data = rows(1)
    data[0].update({"儿童姓名": "", "健康状况": "很好", "父亲联系电话": "1", "母亲外出务工时间": "2030-01-01"})
    result = run(write(data))
    assert {e.code for e in result.errors} == {"required", "bad_value", "phone", "date_future"}
    assert result.rejected == 1
