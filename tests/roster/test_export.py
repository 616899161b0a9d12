"""Export in the template plus computed columns (issue 4, line 5): imports back unchanged; masked
unless the user may reveal; never a formula; audited; within the user's scope; bulk reads."""

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from registry.models import Child
from registry.roster.columns import COMPUTED_HEADERS
from registry.roster.export import roster_export
from tests.factories import make_child
from tests.roster.conftest import SAMPLE


def sheet(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def without(monkeypatch, capability: str) -> None:
    """Users lose one capability (no role has EXPORT_ROSTER without the reveal right today)."""
    original = User.can
    monkeypatch.setattr(User, "can", lambda self, wanted: wanted != capability and original(self, wanted))


def test_an_exported_roster_imports_back_unchanged(db, run, admin_user, bureau, tmp_path):
    run(SAMPLE, admin_user)
    make_child("320681100229", name="顾一", notes="需关注")
    make_child("320681106208", name="顾二", boarding=None)
    out = tmp_path / "out.xlsx"
    assert roster_export(out=out, user=bureau) == 302
    result = run(out, admin_user)
    assert (result.unchanged, result.created, result.updated, result.rejected) == (302, 0, 0, 0), result.preview
    assert result.warnings == []


def test_it_adds_the_computed_columns(db, run, admin_user, bureau, tmp_path):
    run(SAMPLE, admin_user)
    out = tmp_path / "out.xlsx"
    roster_export(out=out, user=bureau)
    header, *body = sheet(out)
    assert header[-5:] == list(COMPUTED_HEADERS)
    first = dict(zip(header, body[0], strict=True))
    assert first["留守类型"] in ("父母双方外出务工", "一方外出务工另一方无监护能力", "非留守儿童", "待核实")
    assert first["在册状态"] in ("在册", "待核实", "非留守（已排查）", "已退出") and first["判定依据"]


def test_ids_and_phones_are_masked_unless_the_user_may_reveal_them_and_a_masked_file_cannot_overwrite(
    db, run, admin_user, town_staff, tmp_path, monkeypatch
):
    run(SAMPLE, admin_user)
    without(monkeypatch, Capability.REVEAL_PERSONAL_DATA)
    out = tmp_path / "masked.xlsx"
    count = roster_export(out=out, user=town_staff)
    header, *body = sheet(out)
    first = dict(zip(header, body[0], strict=True))
    assert "********" in first["公民身份号码"] and "****" in first["父亲联系电话"]
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT).detail["masked"] is True
    before = list(Child.objects.order_by("pk").values_list("id_number_hash", "version"))
    result = run(out, admin_user)
    assert result.rejected == count and result.created == result.updated == 0
    assert {e.code for e in result.errors} == {"id_format", "phone"} and "脱敏" in result.errors[0].message
    assert list(Child.objects.order_by("pk").values_list("id_number_hash", "version")) == before


def test_health_columns_are_left_out_for_users_who_may_not_see_them_and_survive_a_reimport(
    db, run, admin_user, bureau, tmp_path, monkeypatch
):
    run(SAMPLE, admin_user)
    without(monkeypatch, Capability.VIEW_RESTRICTED)
    out = tmp_path / "no-health.xlsx"
    roster_export(out=out, user=bureau)
    header = sheet(out)[0]
    assert "健康状况" not in header and "残疾类别" not in header and "监护人健康状况" not in header
    assert run(out, admin_user).unchanged == 300
    assert sum(child.health == "healthy" for child in Child.objects.all()) > 200


def test_exported_cells_never_start_a_formula_and_come_back_as_they_were(db, run, admin_user, bureau, tmp_path):
    child = make_child("320681100229", notes='=HYPERLINK("http://x","点我")', school="+1 学校")
    out = tmp_path / "out.xlsx"
    roster_export(out=out, user=bureau)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert values["备注"] == '\'=HYPERLINK("http://x","点我")' and values["就读学校"] == "'+1 学校"
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for cell in rows[1] if cell is not None)
    assert header
    assert run(out, admin_user).unchanged == 1
    child.refresh_from_db()
    assert child.notes.startswith("=HYPERLINK")


def test_every_export_is_audited_with_who_and_how_many_rows(db, bureau, tmp_path):
    make_child("320681100229")
    roster_export(out=tmp_path / "out.xlsx", user=bureau)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == bureau and event.detail["rows"] == 1 and event.detail["masked"] is False


def test_the_export_keeps_to_the_users_scope_and_filters(db, town_staff, nanyang, huilong, tmp_path):
    make_child("320681100229", name="汇龙的孩子")
    make_child("320681106208", name="南阳的孩子")
    out = tmp_path / "out.xlsx"
    assert roster_export(out=out, user=town_staff) == 1
    assert [row[3] for row in sheet(out)[1:]] == ["汇龙的孩子"]
    assert roster_export(out=out, user=town_staff, town=nanyang) == 0
    assert roster_export(out=out, user=None, town=huilong, statuses=["suspected"]) == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_export_reads_in_bulk_whatever_the_number_of_children(
    db, bureau, tmp_path, count, django_assert_max_num_queries
):
    for number in range(count):
        make_child("320681100229", name=f"孩子{number}")
    with CaptureQueriesContext(connection) as queries:
        roster_export(out=tmp_path / "out.xlsx", user=bureau)
    assert len(queries) <= 8
