"""Scheduled jobs of the registry (thin: each calls a service through job_run)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from qidong_care.core.jobs import job_run

from .ageout import children_age_out


def age_out_job(*, on: date) -> dict:
    return {"aged_out": children_age_out(on=on), "on": on.isoformat()}


@shared_task(name="registry.age_out")
def age_out(on: str | None = None) -> dict:
    """Daily 02:00: children who turned 16 leave the roster (剔除超龄儿童, 通知 二.3)."""
    day = date.fromisoformat(on) if on else timezone.localdate()
    return job_run("age_out", age_out_job, trigger="schedule", on=day)
