import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qidong_care.audit.models import AuditEvent
from registry.models import Child
from registry.national.mapping import BUILTIN_NAME, choose_mapping, mapped_rows
from registry.national.models import ColumnMapping, LineKind, NationalMatch, ReconciliationRun
from registry.national.selectors import reconcile_todo_count
from registry.national.services import likely_match_confirm, likely_match_reject, reconciliation_run
from tests.factories import make_child, make_id

from .conftest import YAGUANG, national_row, sheet_rows, xlsx_bytes


def compact(response) -> str:
    """The page without the whitespace between tags."""
    return re.sub(r">\s+<", "><", response.content.decode())


def upload(client, content: bytes, **data):
    file = SimpleUploadedFile("全国系统导出.xlsx", content)
    return client.post(reverse("registry:reconcile_run"), {"file": file, **data})


def direct_run(user, rows, town=None):
    sheet = sheet_rows(rows)
    applied = choose_mapping(sheet, [])
    return reconciliation_run(user=user, town=town, rows=mapped_rows(sheet, applied), mapping_name=applied.name)


@pytest.fixture
def huilong_run(scenario, town_staff, huilong):
    return direct_run(town_staff, scenario.rows, town=huilong)


def test_an_administrator_uploads_a_national_export_and_sees_the_report(scenario, login, admin_user):
    response = upload(login(admin_user), xlsx_bytes(scenario.rows, title="启东市农村留守儿童名单（全国系统导出）"))
    run = ReconciliationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:reconcile_report", args=[run.pk])
    assert run.mapping_name == BUILTIN_NAME and run.town is None and run.row_count == 10
    page = login(admin_user).get(response.url, {"kind": LineKind.MISSING_HERE}).content.decode()
    assert "朱梦琪" in page and "320681********" in page
    assert run.lines.get(kind=LineKind.MISSING_HERE).row_number == 10  # title, header, then its 8th row
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT, object_id=str(run.pk)).exists()


def test_town_staff_upload_for_their_own_town(scenario, login, town_staff, huilong, nanyang):
    client = login(town_staff)
    assert upload(client, xlsx_bytes(scenario.rows), town=nanyang.pk).status_code == 200  # not their town
    assert upload(client, xlsx_bytes(scenario.rows), town=huilong.pk).status_code == 302
    run = ReconciliationRun.objects.get()
    assert run.town == huilong and run.ignored_count == 1


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(login, admin_user, db):
    response = upload(login(admin_user), b"name,id\n")
    assert response.status_code == 200 and "xlsx" in response.content.decode()
    assert not ReconciliationRun.objects.exists()


OTHER_HEADERS = ["序号", "学生姓名", "证件号码", "乡镇名称", "村居名称", "人员状态"]


def other_layout(scenario) -> bytes:
    child = scenario.children["same"]
    row = {"序号": 1, "学生姓名": child.name, "证件号码": child.id_number, "乡镇名称": "汇龙镇"}
    rows = [row | {"村居名称": "亚光村"}]
    return xlsx_bytes(rows, headers=OTHER_HEADERS)


def test_a_mapping_saved_once_is_reused_on_the_next_upload(scenario, login, admin_user):
    client = login(admin_user)
    first = upload(client, other_layout(scenario))
    assert first.status_code == 302 and first.url == reverse("registry:reconcile_mapping_new")
    assert not ReconciliationRun.objects.exists()
    editor = client.get(first.url).content.decode()
    assert '<option value="证件号码">' in editor and '<option value="学生姓名">' in editor

    columns = {"col_id_number": "证件号码", "col_town": "乡镇名称", "col_village": "村居名称", "col_status": "人员状态"}
    refused = client.post(first.url, {"name": "某县导出格式", **columns})
    assert refused.status_code == 200 and "“姓名”必须对应文件中的一列" in refused.content.decode()
    assert 'value="证件号码"' in refused.content.decode()  # kept as typed
    saved = client.post(first.url, {"name": "某县导出格式", "col_name": "学生姓名", **columns})
    assert saved.status_code == 302 and saved.url == reverse("registry:reconcile_run")
    mapping = ColumnMapping.objects.get()
    assert mapping.columns == {
        "name": "学生姓名",
        "id_number": "证件号码",
        "town": "乡镇名称",
        "village": "村居名称",
        "status": "人员状态",
    }

    second = upload(client, other_layout(scenario))
    assert second.status_code == 302
    run = ReconciliationRun.objects.get()
    assert run.mapping_name == "某县导出格式" and run.matched_count == 1
    mapping.refresh_from_db()
    assert mapping.use_count == 1 and mapping.last_used_at is not None
    # A file in the form's own layout still uses the built-in mapping.
    upload(client, xlsx_bytes(scenario.rows))
    assert ReconciliationRun.objects.first().mapping_name == BUILTIN_NAME


def test_a_header_used_for_two_fields_is_refused(login, admin_user):
    response = login(admin_user).post(
        reverse("registry:reconcile_mapping_new"),
        {"name": "重复", "col_name": "姓名", "col_id_number": "号码", "col_father_name": "姓名"},
    )
    assert "一列只能对应一项" in response.content.decode() and not ColumnMapping.objects.exists()


def test_the_mapping_page_shows_the_built_in_columns_of_the_2016_form(login, admin_user):
    page = login(admin_user).get(reverse("registry:reconcile_mapping_list")).content.decode()
    for header in ("姓名", "公民身份证号码", "户籍所在地", "身体情况", "就学情况", "父亲当前务工地点"):
        assert header in page
    assert "委托监护人联系电话" in page
    assert BUILTIN_NAME in page


# --- the report -------------------------------------------------------------------------------------


def test_the_report_lists_differences_field_by_field_with_masked_values(scenario, login, town_staff, huilong_run):
    page = login(town_staff).get(
        reverse("registry:reconcile_report", args=[huilong_run.pk]), {"kind": LineKind.FIELD_DIFF}
    )
    text = compact(page)
    assert "就学情况</th><td>初中</td><td>小学</td>" in text
    assert "父亲联系电话</th><td>139****5678</td><td>139****0000</td>" in text
    assert "13900000000" not in text


def test_revealing_full_values_is_audited(scenario, login, town_staff, huilong_run):
    url = reverse("registry:reconcile_report", args=[huilong_run.pk]) + "?kind=field_diff"
    text = login(town_staff).post(url, {"reveal": "1"}).content.decode()
    assert "13900000000" in text and scenario.children["by_child_no"].id_number in text
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL, object_id=str(huilong_run.pk)).count() == 1


def test_roles_that_may_not_reveal_get_403_for_a_reveal(scenario, login, admin_user):
    run = direct_run(admin_user, scenario.rows)
    response = login(admin_user).post(reverse("registry:reconcile_report", args=[run.pk]), {"reveal": "1"})
    assert response.status_code == 403


def test_health_differences_show_only_to_those_who_may_see_restricted_data(scenario, login, admin_user, town_staff):
    scenario.rows[1]["身体情况"] = "患病"
    run = direct_run(admin_user, scenario.rows)
    url = reverse("registry:reconcile_report", args=[run.pk]) + "?kind=field_diff"
    assert "身体情况</th><td>（受限信息）</td><td>（受限信息）</td>" in compact(login(admin_user).get(url))
    assert "身体情况</th><td>健康</td><td>患病</td>" in compact(login(town_staff).get(url))


def test_each_line_links_to_the_childs_archive(scenario, login, town_staff, huilong_run):
    page = login(town_staff).get(reverse("registry:reconcile_report", args=[huilong_run.pk]), {"kind": "field_diff"})
    link = reverse("registry:child_detail", args=[scenario.children["diff"].pk])
    assert f'href="{link}"' in page.content.decode()
    archive = login(town_staff).get(link)
    assert archive.status_code == 200


def test_the_report_query_count_does_not_grow_with_its_lines(db, login, town_staff, huilong):
    def report_queries(extra: int) -> int:
        for i in range(extra):
            make_child(YAGUANG, name=f"测试{i}", user=town_staff)
        rows = [{"姓名": "无人", "公民身份证号码": make_id(date(2015, 1, 1), seq=990)}]
        run = direct_run(town_staff, rows, town=huilong)
        client = login(town_staff)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("registry:reconcile_report", args=[run.pk]), {"kind": "missing_nationally"})
        return len(queries)

    few = report_queries(3)
    assert Child.objects.count() == 3
    assert report_queries(27) == few


# --- likely matches ---------------------------------------------------------------------------------


def likely_line(run):
    return run.lines.get(kind=LineKind.LIKELY)


def test_a_confirmed_likely_match_is_remembered_and_used_next_time(scenario, login, town_staff, huilong):
    run = direct_run(town_staff, scenario.rows, town=huilong)
    line = likely_line(run)
    client = login(town_staff)
    page = client.get(reverse("registry:reconcile_line", args=[line.pk]))
    assert page.status_code == 200 and "是同一儿童" in page.content.decode()
    response = client.post(reverse("registry:reconcile_confirm", args=[line.pk]))
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.resolution == "confirmed" and line.resolved_by == town_staff
    match = NationalMatch.objects.get()
    assert match.same and match.child == scenario.children["likely"]
    # What is left to do: the national record lacks the ID number.
    follow = run.lines.get(kind=LineKind.FIELD_DIFF, child=scenario.children["likely"])
    assert follow.diff_fields == ["id_number"] and follow.is_open

    again = direct_run(town_staff, scenario.rows, town=huilong)  # the same row: no ID number, no 儿童编号
    assert not again.lines.filter(kind=LineKind.LIKELY).exists()
    assert again.lines.get(child=scenario.children["likely"]).diff_fields == ["id_number"]


def test_confirming_stores_the_national_child_number_on_the_child(scenario, town_staff, huilong):
    scenario.rows[6]["儿童编号"] = "QG32068100099"
    run = direct_run(town_staff, scenario.rows, town=huilong)
    likely_match_confirm(user=town_staff, line=likely_line(run))
    assert Child.objects.get(pk=scenario.children["likely"].pk).national_child_no == "QG32068100099"
    assert NationalMatch.objects.get().national_child_no == "QG32068100099"


def test_a_rejected_likely_match_is_remembered_too(scenario, login, town_staff, huilong):
    run = direct_run(town_staff, scenario.rows, town=huilong)
    line = likely_line(run)
    login(town_staff).post(reverse("registry:reconcile_reject", args=[line.pk]))
    assert run.lines.filter(kind=LineKind.MISSING_HERE, name="季梓涵").count() == 1
    assert run.lines.filter(kind=LineKind.MISSING_NATIONALLY, child=scenario.children["likely"]).count() == 1
    again = direct_run(town_staff, scenario.rows, town=huilong)
    assert not again.lines.filter(kind=LineKind.LIKELY).exists()
    assert again.lines.filter(kind=LineKind.MISSING_HERE, name="季梓涵").count() == 1


def test_a_decided_line_cannot_be_decided_again(scenario, login, town_staff, huilong):
    line = likely_line(direct_run(town_staff, scenario.rows, town=huilong))
    client = login(town_staff)
    client.post(reverse("registry:reconcile_confirm", args=[line.pk]))
    client.post(reverse("registry:reconcile_reject", args=[line.pk]))
    assert NationalMatch.objects.count() == 1


# --- the to-do count --------------------------------------------------------------------------------


def test_open_lines_feed_the_towns_to_do_count(scenario, town_staff, outsider, director, admin_user, huilong):
    run = direct_run(admin_user, scenario.rows)
    assert reconcile_todo_count(town_staff) == 8
    assert reconcile_todo_count(outsider) == 1
    assert reconcile_todo_count(director) == 0
    likely_match_reject(user=town_staff, line=likely_line(run))
    assert reconcile_todo_count(town_staff) == 9  # the likely line became one missing on each side
    # A later run of the town replaces the county run for that town only: a file with one child of
    # 汇龙镇 leaves its 5 other active children missing there.
    direct_run(town_staff, scenario.rows[:1], town=huilong)
    assert reconcile_todo_count(town_staff) == 5
    assert reconcile_todo_count(outsider) == 1


def test_the_run_list_shows_each_runs_findings_in_the_users_towns(scenario, login, admin_user, outsider):
    from registry.national.selectors import town_ids_of
    from registry.national.views import findings_at_run_time

    first = direct_run(admin_user, scenario.rows)
    scenario.rows[1] = national_row(scenario.children["diff"])  # corrected in the national system
    second = direct_run(admin_user, scenario.rows)
    assert findings_at_run_time(first, None) == 9 and findings_at_run_time(second, None) == 8
    assert findings_at_run_time(second, town_ids_of(outsider)) == 1
    page = login(outsider).get(reverse("registry:reconcile_list")).content.decode()
    assert page.count('<td class="text-end">1</td>') == 2
