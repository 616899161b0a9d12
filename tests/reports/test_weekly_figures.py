"""The weekly bureau report (通知 三.2 每周调度) on a known data set, counted by hand."""

import json
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qidong_care.core.models import JobRun
from registry.choices import ExitReason, FieldCheck, Schooling, Verdict
from registry.models import Region
from registry.services import child_exit, child_field_check, child_save
from reports.figures import total_of, week_rows
from reports.models import WeeklyReport
from reports.services.weekly import report_json, weekly_report_store
from reports.weeks import SHANGHAI, Week

from .builders import HUILONG_VILLAGE, active_child, suspected_child
from .conftest import AgreementCoverage, ReferralCounts, VisitCoverage

W48 = Week(2026, 48)  # Monday 2026-11-23 to Sunday 2026-11-29
NANYANG_VILLAGE = "320681106200"  # 启兴村


@pytest.fixture
def county(db, clock, figures, huilong, nanyang):
    """Huilong works during week 48; Nanyang has children but updates none of them that week."""
    clock.set(date(2026, 11, 10))
    kids = {
        "h1": active_child(HUILONG_VILLAGE, name="甲一"),
        "h2": active_child(HUILONG_VILLAGE, name="甲二"),
        "h3": active_child(HUILONG_VILLAGE, name="甲三", household_address=""),  # missing information
        "h4": active_child(HUILONG_VILLAGE, name="甲四", schooling=Schooling.KINDERGARTEN),  # an error at 11
        "hs": suspected_child(HUILONG_VILLAGE, name="甲疑"),
        "hc": suspected_child(HUILONG_VILLAGE, name="甲核"),
        "n1": active_child(NANYANG_VILLAGE, name="乙一"),
        "n2": active_child(NANYANG_VILLAGE, name="乙二"),
    }
    clock.set(date(2026, 11, 25))
    kids["h5"] = active_child(HUILONG_VILLAGE, name="甲五")  # new this week
    child_save(user=None, child=kids["h1"], data={"notes": "本周更新"}, adults={})
    clock.set(date(2026, 11, 26))
    child_exit(user=None, child=kids["h2"], reason=ExitReason.MOVED_AWAY, on=date(2026, 11, 26))
    child_field_check(
        user=None, child=kids["hc"], outcome=FieldCheck.CONFIRMED, verdict=Verdict.BOTH_AWAY, note="父亲已外出半年"
    )
    # After the week: none of this may show in week 48.
    clock.set(date(2026, 12, 2))
    child_exit(user=None, child=kids["h1"], reason=ExitReason.OTHER, on=date(2026, 12, 2))
    child_save(user=None, child=kids["n1"], data={"notes": "下周更新"}, adults={})
    active_child(HUILONG_VILLAGE, name="甲六")
    figures.agreements = {huilong.pk: AgreementCoverage(5, 4, 1), nanyang.pk: AgreementCoverage(2, 0, 0)}
    figures.visits = {huilong.pk: VisitCoverage(5, 3)}
    figures.referrals = {huilong.pk: ReferralCounts(2, 1)}
    clock.set(date(2026, 12, 3))
    return kids


def by_code(data: dict) -> dict:
    return {town["code"]: town for town in data["towns"]}


def test_the_figures_match_the_hand_count(county, huilong):
    report, computed = weekly_report_store(week=W48)
    assert computed
    towns = by_code(report_json(report))
    assert towns[huilong.code] == {
        "code": "320681100",
        "name": "汇龙镇",
        "active": 5,  # 甲一 (left after the week), 甲三, 甲四, 甲五, 甲核
        "new": 2,  # 甲五 entered; 甲核 confirmed by the field check
        "exits": 1,  # 甲二 moved away
        "updates": 4,  # 甲一, 甲二, 甲五, 甲核
        "zero_update": False,
        "missing_info": 2,  # 甲三 (no household address), 甲核 (father's departure date unknown)
        "errors": 1,  # 甲四
        "agreement_coverage": 0.8,
        "visit_coverage": 0.6,
        "referrals_open": 2,
        "referrals_overdue": 1,
        "unverified": 1,  # 甲疑
    }
    row = report.rows.get(town=huilong)
    assert row.exits_by_reason == {ExitReason.MOVED_AWAY: 1}


def test_a_town_without_updates_is_flagged_and_counted_as_it_stood(county, nanyang):
    towns = by_code(report_json(weekly_report_store(week=W48)[0]))
    assert towns[nanyang.code] | {"agreement_coverage": None} == {
        "code": nanyang.code,
        "name": "南阳镇",
        "active": 2,
        "new": 0,
        "exits": 0,
        "updates": 0,
        "zero_update": True,
        "missing_info": 0,
        "errors": 0,
        "agreement_coverage": None,
        "visit_coverage": None,  # the visits app reports nobody to visit there
        "referrals_open": 0,
        "referrals_overdue": 0,
        "unverified": 0,
    }
    assert towns[nanyang.code]["agreement_coverage"] == 0.0


def test_every_town_of_the_county_has_a_row_and_idle_towns_are_red(county):
    data = report_json(weekly_report_store(week=W48)[0])
    towns = Region.objects.towns().active()
    assert [t["code"] for t in data["towns"]] == sorted(towns.values_list("code", flat=True))
    assert sum(1 for t in data["towns"] if t["zero_update"]) == towns.count() - 1


def test_the_county_total_sums_the_towns_and_recomputes_coverage(county):
    total = report_json(weekly_report_store(week=W48)[0])["total"]
    assert total == {
        "active": 7,
        "new": 2,
        "exits": 1,
        "updates": 4,
        "zero_update": False,
        "missing_info": 2,
        "errors": 1,
        "agreement_coverage": round(4 / 7, 4),
        "visit_coverage": 0.6,
        "referrals_open": 2,
        "referrals_overdue": 1,
        "unverified": 1,
    }


def test_other_apps_are_asked_about_the_week_end_and_the_month_so_far(county, figures):
    weekly_report_store(week=W48)
    asked = dict(figures.calls)
    assert asked["agreements"] == {"on": date(2026, 11, 29)}
    assert asked["visits"] == {"month_start": date(2026, 11, 1), "on": date(2026, 11, 29)}
    assert asked["referrals"] == {"at": datetime(2026, 11, 30, 0, 0, tzinfo=SHANGHAI)}


def test_a_stored_week_never_changes_when_the_data_later_changes(county, clock, huilong):
    first = report_json(weekly_report_store(week=W48)[0])
    clock.set(date(2026, 12, 4))
    child_exit(user=None, child=county["h3"], reason=ExitReason.DECEASED, on=date(2026, 11, 28))
    active_child(HUILONG_VILLAGE, name="甲七")
    again, computed = weekly_report_store(week=W48)
    assert not computed and report_json(again) == first
    assert WeeklyReport.objects.count() == 1


def test_a_recompute_reads_history_so_later_edits_still_stay_out(county, clock, huilong):
    first = report_json(weekly_report_store(week=W48)[0])
    clock.set(date(2026, 12, 4))
    active_child(HUILONG_VILLAGE, name="甲八")
    child_save(user=None, child=county["n2"], data={"notes": "补录"}, adults={})
    recomputed, computed = weekly_report_store(week=W48, recompute=True)
    assert computed and report_json(recomputed) == first


def test_an_unfinished_week_cannot_be_stored(db, clock):
    clock.set(datetime(2026, 11, 29, 23, 59, tzinfo=SHANGHAI))
    with pytest.raises(ValidationError):
        weekly_report_store(week=W48)
    assert not WeeklyReport.objects.exists()


def test_the_week_so_far_is_counted_up_to_now(county, clock, huilong):
    rows = week_rows(Week(2026, 49), until=datetime(2026, 12, 3, 12, tzinfo=SHANGHAI))
    huilong_row = next(row for row in rows if row.town_id == huilong.pk)
    assert (huilong_row.active, huilong_row.new, huilong_row.exits, huilong_row.updates) == (5, 1, 1, 2)


def test_the_live_week_read_from_the_archive_agrees_with_history(county, clock):
    def key(rows):
        return [(r.town_code, r.active, r.new, r.exits, r.exits_by_reason, r.missing_info, r.unverified) for r in rows]

    from_history = week_rows(Week(2026, 49), until=datetime(2026, 12, 3, 12, tzinfo=SHANGHAI))
    clock.set(datetime(2026, 12, 3, 12, tzinfo=SHANGHAI))
    assert key(week_rows(Week(2026, 49), until=None)) == key(from_history)


def test_the_figures_take_the_same_number_of_queries_for_3_or_30_children(db, clock, figures):
    clock.set(date(2026, 11, 24))
    for n in range(3):
        active_child(HUILONG_VILLAGE, name=f"少{n}")
    clock.set(date(2026, 12, 1))
    with CaptureQueriesContext(connection) as few:
        week_rows(W48, until=W48.ends_at)
    clock.set(date(2026, 11, 24))
    for n in range(27):
        active_child(NANYANG_VILLAGE, name=f"多{n}")
    clock.set(date(2026, 12, 1))
    with CaptureQueriesContext(connection) as many:
        rows = week_rows(W48, until=W48.ends_at)
    assert len(few) == len(many) <= 8
    assert total_of(rows).active == 30


def test_the_command_prints_exactly_the_agreed_json(county, capsys):
    call_command("weekly_report", "--week", "2026-W48", "--json")
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["week", "towns", "total"] and data["week"] == "2026-W48"
    keys = [
        "active",
        "new",
        "exits",
        "updates",
        "zero_update",
        "missing_info",
        "errors",
        "agreement_coverage",
        "visit_coverage",
        "referrals_open",
        "referrals_overdue",
        "unverified",
    ]
    assert all(list(town) == ["code", "name", *keys] for town in data["towns"])
    assert list(data["total"]) == keys
    assert all(isinstance(town["exits"], int) for town in data["towns"])


def test_only_an_explicit_recompute_from_the_command_replaces_a_stored_week(county, capsys):
    call_command("weekly_report", "--week", "2026-W48", "--json")
    first = capsys.readouterr().out
    stored = WeeklyReport.objects.get()
    call_command("weekly_report", "--week", "2026-W48", "--json")
    assert capsys.readouterr().out == first and WeeklyReport.objects.get().computed_at == stored.computed_at
    call_command("weekly_report", "--week", "2026-W48", "--json", "--recompute")
    assert capsys.readouterr().out == first and WeeklyReport.objects.get().computed_at > stored.computed_at
    assert list(JobRun.objects.values_list("trigger", flat=True)) == ["command"] * 3


def test_the_command_refuses_a_week_that_is_not_over(db, clock):
    clock.set(date(2026, 11, 25))
    with pytest.raises(Exception, match="尚未结束"):
        call_command("weekly_report", "--week", "2026-W48")
