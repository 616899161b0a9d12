"""剔除超龄儿童 (通知 二.3): children leave the roster as 超龄退出 on their 16th birthday, kept, with history."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from qidong_care.core.models import JobRun
from registry.ageout import AGE_OUT_REASON, birthday_at, children_age_out, latest_birth_of_age
from registry.choices import ExitReason, RosterStatus
from registry.models import ArchiveUpdate, Child
from registry.services import child_exit
from reports.services.weekly import weekly_report_store
from reports.weeks import Week

from .builders import HUILONG_VILLAGE, active_child, suspected_child

BIRTH = date(2010, 11, 28)  # 16 on 2026-11-28


@pytest.fixture
def turning_sixteen(db, clock):
    clock.set(date(2026, 11, 1))
    return active_child(HUILONG_VILLAGE, name="将满十六", birth=BIRTH)


def test_the_day_before_the_16th_birthday_the_child_stays(turning_sixteen):
    assert children_age_out(on=date(2026, 11, 27)) == 0
    turning_sixteen.refresh_from_db()
    assert turning_sixteen.roster_status == RosterStatus.ACTIVE


def test_on_the_16th_birthday_the_child_leaves_and_is_kept_with_history(turning_sixteen, clock):
    clock.set(date(2026, 11, 28), hour=2)
    assert children_age_out(on=date(2026, 11, 28)) == 1
    child = Child.objects.get(pk=turning_sixteen.pk)
    assert (child.roster_status, child.exit_reason, child.exit_date) == (
        RosterStatus.EXITED,
        ExitReason.OVER_AGE,
        date(2026, 11, 28),
    )
    assert child.version == turning_sixteen.version + 1
    latest = child.history.first()
    assert latest.history_change_reason == AGE_OUT_REASON and latest.roster_status == RosterStatus.EXITED
    assert latest.history_type == "~" and latest.id_number == child.id_number
    assert ArchiveUpdate.objects.filter(child=child, on=date(2026, 11, 28)).exists()


def test_a_late_run_dates_the_exit_on_the_birthday(turning_sixteen):
    assert children_age_out(on=date(2026, 12, 5)) == 1
    assert Child.objects.get(pk=turning_sixteen.pk).exit_date == BIRTH.replace(year=2026)


def test_suspected_children_age_out_and_exited_ones_are_left_alone(db, clock):
    clock.set(date(2026, 11, 1))
    suspected = suspected_child(HUILONG_VILLAGE, name="待核实超龄", birth=date(2010, 5, 1))
    moved = active_child(HUILONG_VILLAGE, name="已迁出", birth=date(2010, 6, 1))
    child_exit(user=None, child=moved, reason=ExitReason.MOVED_AWAY, on=date(2026, 3, 1))
    young = active_child(HUILONG_VILLAGE, name="年幼", birth=date(2012, 1, 1))
    history_before = moved.history.count()
    assert children_age_out(on=date(2026, 11, 28)) == 1
    assert Child.objects.get(pk=suspected.pk).exit_reason == ExitReason.OVER_AGE
    assert Child.objects.get(pk=moved.pk).exit_reason == ExitReason.MOVED_AWAY
    assert moved.history.count() == history_before
    assert Child.objects.get(pk=young.pk).roster_status == RosterStatus.ACTIVE
    assert Child.objects.count() == 3  # nothing deleted


def test_running_twice_changes_nothing_more(turning_sixteen):
    assert children_age_out(on=date(2026, 11, 28)) == 1
    assert children_age_out(on=date(2026, 11, 28)) == 0
    assert Child.history.filter(id=turning_sixteen.pk, history_change_reason=AGE_OUT_REASON).count() == 1


def test_the_command_prints_the_agreed_json_and_records_the_run(turning_sixteen, capsys):
    call_command("age_out", "--on", "2026-11-28", "--json")
    assert json.loads(capsys.readouterr().out) == {"aged_out": 1}
    run = JobRun.objects.get(name="age_out")
    assert (run.trigger, run.status, run.summary["aged_out"]) == ("command", JobRun.Status.SUCCEEDED, 1)


def test_the_weekly_report_counts_the_age_out_as_an_exit_of_that_week(turning_sixteen, clock, figures, huilong):
    clock.set(date(2026, 11, 28), hour=2)
    children_age_out(on=date(2026, 11, 28))
    clock.set(date(2026, 12, 1))
    row = weekly_report_store(week=Week(2026, 48))[0].rows.get(town=huilong)
    assert (row.active, row.exits, row.exits_by_reason) == (0, 1, {ExitReason.OVER_AGE: 1})


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(2010, 11, 28), date(2026, 11, 28)),
        (date(2012, 2, 29), date(2028, 2, 29)),
        (date(2084, 2, 29), date(2100, 3, 1)),
    ],
)
def test_the_16th_birthday_of_a_leap_day_child_falls_on_1_march_in_a_common_year(birth, expected):
    assert birthday_at(birth, 16) == expected
    assert latest_birth_of_age(expected) >= birth > latest_birth_of_age(date.fromordinal(expected.toordinal() - 1))
