"""Every scheduled job, run twice at the same time, leaves the same state as run once (issue 8,
line 8; DESIGN.md: tasks are safe to run twice, or at once twice).

Each job of the beat schedule runs against the same seeded archive twice over: once alone, and once
as two runs released together from two threads, each with its own database connection. A snapshot of
every table the application writes (JobRun rows, notifications, children, agreements, history…) and
of the e-mails sent must be equal. The two runs are made to overlap: both have tried the job's lock
before either goes on (`overlapping`), whatever the speed of the machine.
"""

import itertools
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from agreements.models import Agreement
from qidong_care.celery import app
from qidong_care.core import jobs
from qidong_care.core.models import JobRun
from reports.models import DeadlineKind
from reports.services.campaigns import campaign_save
from tests import factories
from tests.agreements.conftest import sign
from tests.conftest import DIRECTOR_VILLAGES, SAMPLE_DATE
from tests.factories import make_child
from visits.choices import Finding, ReferralSource
from visits.services import referrals_open

from .jobstate import differences, reset_data, snapshot, together

TODAY = SAMPLE_DATE  # 2026-11-28, after the 20th: the visit reminder has work to do
YAGUANG, KEMING = DIRECTOR_VILLAGES

# Every task of the beat schedule, with the arguments of a run that has work to do on the seed.
RUNS = {
    "qidong_care.ping": {},
    "agreements.mark_lapsed": {},
    "visits.remind_overdue_referrals": {},
    "visits.remind_due_visits": {},
    "reports.weekly_report": {},
    "registry.age_out": {"on": TODAY.isoformat()},
    "reports.draw_spot_checks": {"on": (TODAY + timedelta(days=1)).isoformat()},
    "reports.remind_deadlines": {"on": TODAY.isoformat()},
    "reports.refresh_live_figures": {},  # the cache of live dashboard figures, and its JobRun row
}
app.loader.import_default_modules()  # the tasks of every app, as a worker registers them
SCHEDULED = sorted({entry["task"] for entry in app.conf.beat_schedule.values()})
# Jobs whose run changes nothing in the database (the heartbeat only answers).
NO_STATE = {"qidong_care.ping"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda value=None, tz=None: TODAY if value is None else real(value, tz)
    )


@contextmanager
def overlapping(monkeypatch):
    """Both runs have tried the job's lock before either goes on, so they really overlap."""
    barrier = threading.Barrier(2)
    real = jobs.exclusive

    @contextmanager
    def exclusive(name):
        with real(name) as mine:
            barrier.wait(timeout=30)
            yield mine

    with monkeypatch.context() as patch:
        patch.setattr(jobs, "exclusive", exclusive)
        yield


def seed(users) -> None:
    """An archive on which every scheduled job has something to do."""
    town_staff, director, bureau = users
    factories._sequence = itertools.count(100)  # the same ID numbers every time
    child = make_child(YAGUANG, user=town_staff, name="石红轩")  # not visited this month: the reminder
    make_child(KEMING, user=town_staff, name="顾小雨", birth=date(2010, 11, 20))  # 16 on 2026-11-20: age-out
    child.refresh_from_db()
    sign(child, user=town_staff)
    Agreement.objects.filter(child=child).update(valid_until=date(2026, 11, 1))  # lapsed: to re-sign
    referrals_open(  # opened a month ago: both overdue, one high-risk
        [(child, Finding.ALONE), (child, Finding.OUT_OF_SCHOOL)],
        source=ReferralSource.ARCHIVE,
        user=town_staff,
        now=timezone.make_aware(datetime(2026, 10, 28, 9, 0)),
    )
    campaign_save(  # a deadline in two days, towns behind
        user=bureau,
        campaign=None,
        data={"name": "2026年冬季排查", "starts_on": date(2026, 11, 1), "ends_on": date(2026, 12, 31), "note": ""},
        deadlines=[{"kind": DeadlineKind.SCREENING, "name": "摸排完成", "due_on": TODAY + timedelta(days=2)}],
    )


def run_task(task_name: str):
    return lambda: app.tasks[task_name](**RUNS[task_name])


def test_the_table_covers_every_scheduled_job():
    assert sorted(RUNS) == SCHEDULED


def once_and_twice_at_once(task_name: str, users, monkeypatch) -> dict:
    """The differences between one run and two runs at once, from the same seeded archive."""
    reset_data()
    seed(users)
    seeded = snapshot()
    run_task(task_name)()
    once = snapshot()
    if task_name not in NO_STATE:
        assert differences(seeded, once), f"{task_name} found nothing to do on the seed: the test proves nothing"
    reset_data()
    seed(users)
    assert differences(seeded, snapshot()) == {}  # the same starting point
    with overlapping(monkeypatch):
        results = together(run_task(task_name), run_task(task_name))
    assert not [r for r in results if isinstance(r, Exception)], results
    return differences(once, snapshot())


@pytest.mark.django_db(transaction=True)
def test_every_scheduled_job_run_twice_at_once_leaves_the_state_of_one_run(town_staff, director, bureau, monkeypatch):
    users = (town_staff, director, bureau)
    unsafe = {name: diff for name in SCHEDULED if (diff := once_and_twice_at_once(name, users, monkeypatch))}
    assert unsafe == {}


@pytest.mark.django_db(transaction=True)
def test_a_run_left_running_by_a_dead_worker_is_marked_failed_by_the_next_run():
    dead = JobRun.objects.create(name="age_out", trigger="schedule")  # its worker was killed mid-run
    jobs.job_run("age_out", lambda: {"aged_out": 0})
    dead.refresh_from_db()
    assert dead.status == JobRun.Status.FAILED and "运行中断" in dead.error
    assert JobRun.objects.filter(name="age_out", status=JobRun.Status.SUCCEEDED).count() == 1
