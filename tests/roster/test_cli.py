"""python manage.py import_roster / export_roster exactly as ROSTER.md says."""

import json

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from registry.models import Child
from tests.conftest import SAMPLE_DATE
from tests.roster.conftest import SAMPLE


@pytest.fixture(autouse=True)
def screening_date(monkeypatch):
    monkeypatch.setattr("registry.assessment.today", lambda: SAMPLE_DATE)


def test_json_output_has_the_documented_shape_and_row_numbers_as_excel_shows_them(db, rows, write, capsys):
    data = rows(3)
    data[2]["父亲联系电话"] = "12345"
    call_command("import_roster", str(write(data)), "--json")
    output = json.loads(capsys.readouterr().out)
    assert list(output) == ["rows", "created", "updated", "unchanged", "rejected", "errors"]
    assert (output["rows"], output["created"], output["rejected"]) == (3, 2, 1)
    assert output["errors"] == [
        {"row": 4, "column": "父亲联系电话", "code": "phone", "message": output["errors"][0]["message"]}
    ]
    assert "12345" in output["errors"][0]["message"]


def test_a_dry_run_writes_nothing_and_the_report_holds_the_rejected_rows(db, rows, write, tmp_path, capsys):
    data = rows(2)
    data[0]["户籍类型"] = "外地"
    report = tmp_path / "errors.xlsx"
    call_command("import_roster", str(write(data)), "--dry-run", "--report", str(report))
    assert "校验（未写入）完成：共 2 行，新增 1" in capsys.readouterr().out
    assert not Child.objects.exists()
    header, row = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert header[-1] == "错误原因" and "户籍类型" in row[-1]


def test_the_exit_status_is_1_when_the_file_is_refused(db, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("a,b\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(path), "--json")
    assert caught.value.returncode == 1 and "CSV" in str(caught.value)


def test_the_import_then_the_export_of_the_active_roster(db, tmp_path, capsys):
    call_command("import_roster", str(SAMPLE))
    assert "共 300 行，新增 300" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    call_command("export_roster", str(out))
    active = Child.objects.filter(roster_status="active").count()
    assert f"已导出 {active} 名儿童" in capsys.readouterr().out
    call_command("export_roster", str(out), "--all-statuses", "--town", "汇龙镇")
    assert f"已导出 {Child.objects.filter(town__name='汇龙镇').count()} 名" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不是启东市"):
        call_command("export_roster", str(out), "--town", "火星镇")
