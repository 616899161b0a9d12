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
    for key in ("data_folder_in", "processed_folder"):
        folder = (sender.conf.broker_transport_options or {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


# Every periodic job, with when it runs. Each is also a management command and idempotent.
app.conf.beat_schedule = {
    # Every 10 minutes: a heartbeat, so administrators see that the scheduler and a worker are alive.
    "heartbeat": {"task": "qidong_care.ping", "schedule": crontab(minute="*/10")},
}


@app.task(name="qidong_care.ping")
def ping(value: str = "pong") -> str:
    """A task with no side effects: proves a worker takes jobs from the broker (healthz, tests)."""
    return value
