from collections import Counter

import pytest

from registry.models import Child, Region
from registry.national.mapping import BUILTIN_NAME, choose_mapping, mapped_rows
from registry.national.models import LineKind, ReconciliationLine
from registry.national.services import reconciliation_run

from .conftest import sheet_rows


def run_for(user, scenario, *, town=None):
    sheet = sheet_rows(scenario.rows)
    applied = choose_mapping(sheet, [])
    assert applied is not None and applied.name == BUILTIN_NAME
    return reconciliation_run(
        user=user, town=town, rows=mapped_rows(sheet, applied), file_name="national.xlsx", mapping_name=applied.name
    )


def lines_by_child(run):
    return {(line.kind, line.child_id): line for line in run.lines.all()}


@pytest.fixture
def county_run(scenario, admin_user):
    return run_for(admin_user, scenario)


def test_every_kind_of_difference_is_listed_exactly_once(scenario, county_run):
    c = scenario.children
    found = Counter((line.kind, line.child_id, line.name) for line in county_run.lines.all())
    expected = {
        (LineKind.FIELD_DIFF, c["diff"].pk, "顾晓东"),
        (LineKind.FIELD_DIFF, c["by_child_no"].pk, "倪浩然"),
        (LineKind.FIELD_DIFF, c["nanyang"].pk, "袁一鸣"),
        (LineKind.MISSING_NATIONALLY, c["missing_nationally"].pk, "沈佳怡"),
        (LineKind.NATIONAL_ACTIVE, c["exited_here"].pk, "黄志强"),
        (LineKind.NATIONAL_ACTIVE, c["not_left_behind"].pk, "陆子涵"),
        (LineKind.NATIONAL_EXITED, c["national_exited"].pk, "施雨萱"),
        (LineKind.LIKELY, c["likely"].pk, "季梓涵"),
        (LineKind.MISSING_HERE, None, "朱梦琪"),
    }
    assert set(found) == expected
    assert all(n == 1 for n in found.values())
    assert county_run.matched_count == 7 and county_run.row_count == 10


def test_differences_are_field_by_field_on_normalised_values(scenario, county_run):
    lines = lines_by_child(county_run)
    diff = lines[(LineKind.FIELD_DIFF, scenario.children["diff"].pk)]
    assert diff.diffs == [
        {"field": "schooling", "ours": "初中", "theirs": "小学"},
        {"field": "father_phone", "ours": "13912345678", "theirs": "13900000000"},
    ]
    by_no = lines[(LineKind.FIELD_DIFF, scenario.children["by_child_no"].pk)]
    assert by_no.diff_fields == ["id_number"]


def test_a_national_child_number_is_stored_on_the_matched_child(scenario, county_run, admin_user):
    same = Child.objects.get(pk=scenario.children["same"].pk)
    assert same.national_child_no == "QG32068100001"
    assert same.version == scenario.children["same"].version + 1
    latest = same.history.first()
    assert latest.history_change_reason == "全国系统比对：记录全国系统儿童编号" and latest.history_user == admin_user


def test_the_run_keeps_counts_per_town(scenario, county_run, huilong, nanyang):
    assert county_run.town_counts[str(huilong.pk)] == {
        "field_diff": 2,
        "missing_nationally": 1,
        "national_active": 2,
        "national_exited": 1,
        "likely": 1,
        "missing_here": 1,
    }
    assert county_run.town_counts[str(nanyang.pk)] == {"field_diff": 1}


def test_town_staff_reconcile_their_own_town_and_rows_elsewhere_are_ignored(scenario, town_staff, huilong):
    run = run_for(town_staff, scenario, town=huilong)
    assert not run.lines.exclude(town=huilong).exists()
    assert not run.lines.filter(child=scenario.children["nanyang"]).exists()
    assert run.ignored_count == 1


def test_town_staff_cannot_reconcile_another_town(scenario, town_staff, nanyang):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        run_for(town_staff, scenario, town=nanyang)
    with pytest.raises(ValidationError):
        run_for(town_staff, scenario, town=None)


def test_a_second_run_is_kept_apart_from_the_first(scenario, county_run, admin_user):
    scenario.rows.append(
        {
            "所属乡镇(街道)": "汇龙镇",
            "所属村(居)": "克明村",
            "姓名": "沈佳怡",
            "公民身份证号码": scenario.children["missing_nationally"].id_number,
        }
    )
    second = run_for(admin_user, scenario)
    assert county_run.lines.filter(kind=LineKind.MISSING_NATIONALLY).count() == 1
    assert not second.lines.filter(kind=LineKind.MISSING_NATIONALLY).exists()
    assert ReconciliationLine.objects.count() == county_run.lines.count() + second.lines.count()


def test_a_row_repeated_in_the_file_is_compared_once_and_noted(scenario, admin_user):
    scenario.rows.append(dict(scenario.rows[0]))
    run = run_for(admin_user, scenario)
    assert run.matched_count == 7
    assert any("第12行" in note for note in run.notes)


def test_a_row_placed_by_a_village_name_alone_finds_its_town(scenario, admin_user):
    scenario.rows[7]["所属乡镇(街道)"] = ""
    run = run_for(admin_user, scenario)
    line = run.lines.get(kind=LineKind.MISSING_HERE)
    assert line.village == Region.objects.get(code="320681100236")
