"""The Celery app and the whole periodic schedule, in one place (Asia/Shanghai)."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qidong_care.settings")

app = Celery("qidong_care")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["registry.roster"])  # roster import jobs: registry/roster/tasks.py


@app.on_after_configure.connect
def make_broker_folders(sender, **kwargs) -> None:
    """The embedded broker keeps its queue in folders under var/celery/ that must exist."""
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        folder = (sender.conf.broker_transport_options or {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


# Every periodic job, with when it runs. Each is also a management command and idempotent.
app.conf.beat_schedule = {
    # Every 10 minutes: a heartbeat, so administrators see that the scheduler and a worker are alive.
    "heartbeat": {"task": "qidong_care.ping", "schedule": crontab(minute="*/10")},
    # Every day at 00:30: care agreements past their validity become 需重签 (agreements.tasks).
    "agreements-mark-lapsed": {"task": "agreements.mark_lapsed", "schedule": crontab(hour=0, minute=30)},
    # Hourly at minute 5: remind of referrals whose report is overdue (通知 二.4; once a day per referral).
    "visits-remind-overdue-referrals": {"task": "visits.remind_overdue_referrals", "schedule": crontab(minute=5)},
    # Daily at 09:00: from the 20th of the month, remind directors of children not yet visited (一月一访).
    "visits-remind-due-visits": {"task": "visits.remind_due_visits", "schedule": crontab(minute=0, hour=9)},
    # Monday 01:00: the weekly report snapshot of the week that has just ended (每周调度, 通知 三.2).
    "weekly-report": {"task": "reports.weekly_report", "schedule": crontab(minute=0, hour=1, day_of_week="mon")},
    # Daily 02:00: children who turned 16 leave the roster as 超龄退出 (剔除超龄儿童, 通知 二.3; idempotent).
    "age-out": {"task": "registry.age_out", "schedule": crontab(minute=0, hour=2)},
    # Daily 06:00: the spot-check sample of yesterday's updates for the inspectors (每天抽查, 通知 三.2).
    "draw-spot-checks": {"task": "reports.draw_spot_checks", "schedule": crontab(minute=0, hour=6)},
    # Every 10 minutes: the dashboards' live figures (county week, towns' villages and to-do lists)
    # recomputed into the cache, so that dashboards at province scale answer at once (reports.live).
    "refresh-live-figures": {"task": "reports.refresh_live_figures", "schedule": crontab(minute="*/10")},
    # Daily 08:30: campaign deadline reminders to towns whose work is incomplete (2 and 1 days before).
    "remind-deadlines": {"task": "reports.remind_deadlines", "schedule": crontab(minute=30, hour=8)},
}


@app.task(name="qidong_care.ping")
def ping(value: str = "pong") -> str:
    """A task with no side effects: proves a worker takes jobs from the broker (healthz, tests)."""
    return value
