import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qidong_care.audit.models import AuditEvent
from registry.choices import Health, Relation, Schooling
from registry.national import codes
from registry.national.form import NATIONAL_FIELDS

from .test_views import direct_run

FORM_HEADERS = [
    "儿童编号",
    "所属乡镇(街道)",
    "所属村(居)",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份证号码",
    "户籍所在地",
    "现居住地",
    "身体情况",
    "就学情况",
    "父亲姓名",
    "父亲当前务工地点",
    "父亲联系电话",
    "母亲姓名",
    "母亲当前务工地点",
    "母亲联系电话",
    "委托监护人姓名",
    "与被监护人关系",
    "委托监护人联系电话",
    "监护类型",
    "在册状态",
    "退出日期",
]


def export(client, run, **data):
    response = client.post(reverse("registry:reconcile_export", args=[run.pk]), data)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)] for sheet in book}


def by_name(sheet):
    header = sheet[0]
    return {row[header.index("姓名")]: dict(zip(header, row, strict=True)) for row in sheet[1:]}


@pytest.fixture
def huilong_run(scenario, town_staff, huilong):
    return direct_run(town_staff, scenario.rows, town=huilong)


def test_the_export_has_the_forms_columns_in_order_and_spelling(scenario, login, town_staff, huilong_run):
    sheets = export(login(town_staff), huilong_run)
    assert list(sheets) == ["需新增", "需更新"]
    assert [f.header for f in NATIONAL_FIELDS] == FORM_HEADERS
    for rows in sheets.values():
        assert rows[0] == FORM_HEADERS


def test_it_lists_children_to_add_and_to_update_once_each(scenario, login, town_staff, huilong_run):
    sheets = export(login(town_staff), huilong_run)
    assert set(by_name(sheets["需新增"])) == {"沈佳怡"}
    assert set(by_name(sheets["需更新"])) == {"顾晓东", "倪浩然", "黄志强", "陆子涵", "施雨萱"}


def test_values_use_the_national_code_lists(scenario, login, town_staff, huilong_run):
    rows = by_name(export(login(town_staff), huilong_run)["需更新"])
    diff = rows["顾晓东"]
    assert diff["就学情况"] == "初中" and diff["就学情况"] in codes.SCHOOLING_CODES
    assert diff["身体情况"] == "健康" and diff["身体情况"] in codes.HEALTH_CODES
    assert diff["与被监护人关系"] == "外祖母" and diff["与被监护人关系"] in codes.RELATION_CODES
    assert diff["性别"] == "男" and diff["在册状态"] == "在册"
    assert diff["父亲当前务工地点"] == "上海市"  # the form's note 7: province and city
    assert diff["母亲当前务工地点"] == "浙江省宁波市"
    assert diff["出生日期"] == "2013-06-01" and diff["所属村(居)"] == "亚光村委会"
    assert rows["黄志强"]["在册状态"] == "退出" and rows["黄志强"]["退出日期"] == "2025-03-01"
    assert rows["陆子涵"]["在册状态"] == "退出"
    assert rows["施雨萱"]["在册状态"] == "在册"


def test_every_choice_of_ours_has_a_national_code():
    assert set(codes.SCHOOLING_TO_NATIONAL) == set(Schooling.values)
    assert set(codes.SCHOOLING_TO_NATIONAL.values()) <= set(codes.SCHOOLING_CODES)
    assert set(codes.HEALTH_TO_NATIONAL) == set(Health.values)
    assert set(codes.HEALTH_TO_NATIONAL.values()) <= set(codes.HEALTH_CODES)
    assert set(codes.RELATION_TO_NATIONAL) == set(Relation.values)


def guardianship(verdict="both_away", living="carer", health="healthy", has_guardian=True) -> str:
    return codes.guardianship_type(
        verdict=verdict, living_arrangement=living, has_guardian=has_guardian, guardian_health=health
    )


def test_guardianship_type_is_filled_where_the_archive_decides_it():
    assert guardianship(living="alone") == codes.NO_GUARDIAN
    assert guardianship(has_guardian=False) == codes.NO_GUARDIAN
    assert guardianship(verdict="one_away_incapable") == codes.PARENT_INCAPABLE
    assert guardianship(health="ill") == codes.GUARDIAN_UNABLE
    assert guardianship() == ""  # 监护情况一般 / 较好 is the visiting clerk's judgement


def test_ids_and_phones_are_masked_unless_revealed_and_the_export_is_audited(scenario, login, town_staff, huilong_run):
    client = login(town_staff)
    masked = by_name(export(client, huilong_run)["需新增"])["沈佳怡"]
    assert masked["公民身份证号码"] == scenario.children["missing_nationally"].id_number_masked
    assert "****" in masked["父亲联系电话"]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.object_id == str(huilong_run.pk) and event.detail["rows"] == 6 and event.detail["revealed"] is False

    full = by_name(export(client, huilong_run, reveal="on")["需新增"])["沈佳怡"]
    assert full["公民身份证号码"] == scenario.children["missing_nationally"].id_number
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, detail__revealed=True).count() == 1


def test_cells_never_start_a_formula(scenario, login, town_staff, huilong):
    from registry.models import Child

    Child.objects.filter(pk=scenario.children["missing_nationally"].pk).update(household_address="=HYPERLINK(1)")
    run = direct_run(town_staff, scenario.rows, town=huilong)
    row = by_name(export(login(town_staff), run)["需新增"])["沈佳怡"]
    assert row["户籍所在地"] == "'=HYPERLINK(1)"


def test_the_export_can_be_limited_to_one_town(scenario, login, bureau, admin_user, huilong, nanyang):
    run = direct_run(admin_user, scenario.rows)
    sheets = export(login(bureau), run, town=nanyang.pk)
    assert set(by_name(sheets["需更新"])) == {"袁一鸣"} and len(sheets["需新增"]) == 1
