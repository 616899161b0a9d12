"""Reminders: children not yet visited this month (from the 20th), and the schedule."""

import io
from datetime import date

from django.core.management import call_command

from qidong_care.celery import app
from qidong_care.core.models import JobRun
from qidong_care.notifications.models import Notification
from tests.factories import make_child
from visits import tasks
from visits.services import visits_remind_due

from .conftest import KEMING, YAGUANG, add_visit


def test_no_reminder_before_the_20th(child, director):
    assert visits_remind_due(date(2026, 11, 19))["reminded"] == 0
    assert not Notification.objects.exists()


def test_from_the_20th_a_director_with_children_due_is_reminded_once_a_day(child, director, town_staff):
    visited = make_child(KEMING, user=director, name="已访")
    add_visit(visited, date(2026, 11, 3))
    summary = visits_remind_due(date(2026, 11, 20))
    assert summary == {"directors_due": 1, "reminded": 1}
    notice = Notification.objects.get()
    assert notice.user == director and notice.title == "本月还有 1 名儿童未走访" and notice.kind == "visit_due"
    assert visits_remind_due(date(2026, 11, 20))["reminded"] == 0  # twice the same day: once
    assert visits_remind_due(date(2026, 11, 21))["reminded"] == 1


def test_a_director_whose_children_are_all_visited_is_left_alone(child, director):
    add_visit(child, date(2026, 11, 2))
    assert visits_remind_due(date(2026, 11, 25)) == {"directors_due": 0, "reminded": 0}


def test_the_command_takes_a_date_and_records_its_run(child, director):
    call_command("remind_due_visits", "--on", "2026-11-22", stdout=io.StringIO())
    run = JobRun.objects.get(name="remind_due_visits")
    assert run.trigger == "command" and run.summary == {"directors_due": 1, "reminded": 1}


def test_the_tasks_run_through_job_run(child):
    tasks.remind_overdue_referrals.delay()
    tasks.remind_due_visits.delay()
    assert set(JobRun.objects.values_list("name", "status")) == {
        ("remind_overdue_referrals", "succeeded"),
        ("remind_due_visits", "succeeded"),
    }


def test_the_schedule_runs_the_reminders_hourly_and_daily_at_nine():
    overdue = app.conf.beat_schedule["visits-remind-overdue-referrals"]
    due = app.conf.beat_schedule["visits-remind-due-visits"]
    assert overdue["task"] == "visits.remind_overdue_referrals" and overdue["schedule"].minute == {5}
    assert overdue["schedule"].hour == set(range(24))
    assert due["task"] == "visits.remind_due_visits" and due["schedule"].hour == {9} and due["schedule"].minute == {0}
    assert {overdue["task"], due["task"]} <= set(app.tasks)


def test_visits_in_the_directors_villages_only_count_for_that_director(director):
    make_child(YAGUANG, user=director, name="甲")
    make_child(KEMING, user=director, name="乙")
    visits_remind_due(date(2026, 11, 28))
    assert Notification.objects.get().title == "本月还有 2 名儿童未走访"
