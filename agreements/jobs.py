"""The daily lapse job, shared by the Celery task and the management command."""

from datetime import date

from qidong_care.core.jobs import job_run

from .services import agreements_mark_lapsed

JOB_NAME = "mark_lapsed_agreements"


def mark_lapsed_job(*, on: date | None = None, trigger: str = "schedule") -> dict:
    return job_run(JOB_NAME, agreements_mark_lapsed, trigger=trigger, on=on)
