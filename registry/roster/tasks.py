"""Thin, idempotent tasks: each calls a job service (jobs.py), queued with transaction.on_commit."""

from celery import shared_task

from .jobs import import_job_commit, import_job_validate


@shared_task(name="registry.roster_validate")
def roster_validate(job_id: int) -> None:
    import_job_validate(job_id=job_id)


@shared_task(name="registry.roster_commit")
def roster_commit(job_id: int) -> None:
    import_job_commit(job_id=job_id)
