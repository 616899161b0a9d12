"""The built-in mapping of the 2016 form and header matching, over plain rows."""

from registry.national.form import builtin_columns
from registry.national.mapping import BUILTIN_NAME, choose_mapping, likely_headers, mapped_rows, suggest_columns
from registry.national.models import ColumnMapping
from registry.national.rows import national_row


def test_the_forms_headers_are_found_whatever_their_brackets_and_spaces():
    headers = ["序号", "所属乡镇（街道）", "所属村（居）", "姓 名", "公民身份证号码", "父亲当前务工地点"]
    assert builtin_columns(headers) == {"town": 1, "village": 2, "name": 3, "id_number": 4, "father_work_place": 5}


def test_bare_columns_belong_to_the_person_they_follow():
    headers = ["姓名", "公民身份号码", "父亲姓名", "当前务工地点", "联系电话", "母亲姓名", "当前务工地点", "联系电话"]
    headers += ["受委托监护人姓名", "与被监护人关系", "联系电话"]
    found = builtin_columns(headers)
    assert found["name"] == 0 and found["father_work_place"] == 3 and found["father_phone"] == 4
    assert found["mother_work_place"] == 6 and found["mother_phone"] == 7
    assert found["carer_name"] == 8 and found["carer_relation"] == 9 and found["carer_phone"] == 10


def test_a_title_row_above_the_header_is_skipped_and_line_numbers_are_excels():
    sheet = [["启东市农村留守儿童名单"], [], ["姓名", "公民身份证号码"], ["张三", "320681201501010011"], ["", ""]]
    applied = choose_mapping(sheet, [])
    assert applied.name == BUILTIN_NAME and applied.header_index == 2
    rows = mapped_rows(sheet, applied)
    assert [(row.row_number, row.get("name")) for row in rows] == [(4, "张三")]


def test_a_file_without_the_required_columns_fits_no_mapping_and_its_headers_are_offered():
    sheet = [["学生姓名", "证件号码", "备注"], ["张三", "1", ""]]
    assert choose_mapping(sheet, []) is None
    assert likely_headers(sheet) == ["学生姓名", "证件号码", "备注"]
    assert suggest_columns(["儿童姓名", "证件号码"]) == {"name": "儿童姓名", "id_number": "证件号码"}


def test_a_saved_mapping_wins_over_the_built_in_one_when_both_fit(db):
    saved = ColumnMapping.objects.create(name="本地格式", columns={"name": "姓名", "id_number": "公民身份证号码"})
    sheet = [["姓名", "公民身份证号码"], ["张三", "320681201501010011"]]
    assert choose_mapping(sheet, [saved]).mapping == saved


def test_values_are_normalised_as_the_roster_import_does():
    row = national_row(
        3,
        {
            "name": " 张 三 ",
            "id_number": "３２０６８１２０１５０１０１００１x",
            "birth_date": "2015年1月1日",
            "gender": "男性",
            "ethnicity": "汉",
            "father_phone": "139-1234-5678",
            "schooling": "学前班",
            "health": "良好",
            "carer_relation": "奶奶",
            "status": "已注销",
        },
    )
    assert row.values == {
        "name": "张三",
        "id_number": "32068120150101001X",
        "birth_date": "2015-01-01",
        "gender": "男",
        "ethnicity": "汉族",
        "father_phone": "13912345678",
        "schooling": "幼儿园",
        "health": "健康",
        "carer_relation": "祖母",
        "status": "退出",
    }
    assert not row.is_active
