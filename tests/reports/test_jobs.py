"""The scheduled jobs: each in the beat schedule, each idempotent even when run twice at once
(PostgreSQL, two threads), and each run through a real Celery worker on Redis when REDIS_URL is set."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from qidong_care.celery import app
from qidong_care.core.models import JobRun
from registry import tasks as registry_tasks
from registry.ageout import AGE_OUT_REASON, children_age_out
from registry.models import ArchiveUpdate, Child
from reports import tasks as report_tasks
from reports.models import SpotCheck, WeeklyReport
from reports.services.spotchecks import spot_checks_draw
from reports.services.weekly import last_finished_week
from tests.worker import needs_redis, real_worker

from .builders import HUILONG_VILLAGE, active_child

NANYANG_VILLAGE = "320681106200"
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def test_every_job_is_in_the_schedule_at_its_time():
    schedule = app.conf.beat_schedule
    entries = {name: (entry["task"], entry["schedule"]) for name, entry in schedule.items()}
    weekly = entries["weekly-report"]
    assert weekly[0] == "reports.weekly_report"
    assert (weekly[1].hour, weekly[1].minute, weekly[1].day_of_week) == ({1}, {0}, {1})
    assert entries["age-out"][0] == "registry.age_out" and entries["age-out"][1].hour == {2}
    assert entries["draw-spot-checks"][0] == "reports.draw_spot_checks" and entries["draw-spot-checks"][1].hour == {6}
    reminders = entries["remind-deadlines"]
    assert reminders[0] == "reports.remind_deadlines" and (reminders[1].hour, reminders[1].minute) == ({8}, {30})


def test_the_tasks_run_through_job_run_and_are_recorded(db, clock, figures):
    clock.set(date(2026, 11, 27))
    active_child(HUILONG_VILLAGE, name="任务")
    clock.set(date(2026, 11, 30), hour=1)
    assert report_tasks.weekly_report()["week"] == "2026-W48"
    assert report_tasks.draw_spot_checks()["day"] == "2026-11-29"
    assert report_tasks.remind_deadlines()["deadlines"] == 0
    assert registry_tasks.age_out()["aged_out"] == 0
    runs = dict(JobRun.objects.values_list("name", "trigger"))
    assert runs == dict.fromkeys(("weekly_report", "draw_spot_checks", "remind_deadlines", "age_out"), "schedule")


def test_the_weekly_job_stores_last_week_once(db, clock, figures):
    clock.set(date(2026, 12, 1))
    report_tasks.weekly_report()
    report_tasks.weekly_report()
    assert list(WeeklyReport.objects.values_list("week", flat=True)) == ["2026-W48"]
    assert last_finished_week().label == "2026-W48"


# --- twice at once, on PostgreSQL ---------------------------------------------------------------


def twice_at_once(fn, **kwargs) -> list:
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(fn(**kwargs))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_age_outs_at_once_exit_each_child_once(regions):
    births = [date(2010, 1, 1) + timedelta(days=n) for n in range(6)]
    kids = [active_child(HUILONG_VILLAGE, name=f"并发{n}", birth=birth) for n, birth in enumerate(births)]
    results = twice_at_once(children_age_out, on=date(2026, 11, 28))
    assert sorted(results) == [0, 6]
    assert Child.objects.filter(roster_status="exited").count() == 6
    assert Child.history.filter(history_change_reason=AGE_OUT_REASON).count() == 6
    assert ArchiveUpdate.objects.filter(on=date(2026, 11, 28)).count() == len(kids)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_spot_check_draws_at_once_give_one_sample(regions):
    today = timezone.localdate()
    for n in range(7):
        active_child(HUILONG_VILLAGE if n % 2 else NANYANG_VILLAGE, name=f"抽{n}")
    twice_at_once(spot_checks_draw, on=today + timedelta(days=1))
    assert SpotCheck.objects.count() == 7
    alone = set(SpotCheck.objects.values_list("child_id", flat=True))
    SpotCheck.objects.all().delete()
    spot_checks_draw(on=today + timedelta(days=1))
    assert set(SpotCheck.objects.values_list("child_id", flat=True)) == alone


# --- a real worker on Redis ----------------------------------------------------------------------


@needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_jobs_run_through_a_real_worker_on_redis(regions):
    today = timezone.localdate()
    sixteen_today = today.replace(year=today.year - 16) if (today.month, today.day) != (2, 29) else today
    active_child(HUILONG_VILLAGE, name="今天满十六", birth=sixteen_today)
    active_child(HUILONG_VILLAGE, name="今天更新")
    tomorrow = (today + timedelta(days=1)).isoformat()
    with real_worker():
        aged = registry_tasks.age_out.delay(today.isoformat()).get(timeout=60)
        drawn = report_tasks.draw_spot_checks.delay(tomorrow).get(timeout=60)
        weekly = report_tasks.weekly_report.delay().get(timeout=60)
    assert aged == {"aged_out": 1, "on": today.isoformat()}
    assert drawn["drawn"] == 1  # the child updated today; the one the age-out retired is no work to check
    assert weekly["week"] == last_finished_week().label
    assert set(JobRun.objects.values_list("name", "status")) == {
        ("age_out", "succeeded"),
        ("draw_spot_checks", "succeeded"),
        ("weekly_report", "succeeded"),
    }
