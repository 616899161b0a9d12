"""Running a scheduled job and recording the run (JobRun). Tasks and management commands both call
`job_run(name, fn, ...)`; the job itself must be idempotent (DESIGN.md, tasks)."""

import traceback
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import JobRun


def job_run(name: str, fn: Callable[..., dict[str, Any]], *, trigger: str = "schedule", **kwargs) -> dict[str, Any]:
    """Run `fn(**kwargs)` (which returns a JSON-able summary) and record its outcome. Re-raises."""
    run = JobRun.objects.create(name=name, trigger=trigger)
    try:
        summary = fn(**kwargs)
    except Exception as exc:
        run.status, run.error = JobRun.Status.FAILED, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status, run.summary, run.finished_at = JobRun.Status.SUCCEEDED, summary, timezone.now()
    run.save(update_fields=["status", "summary", "finished_at"])
    return summary


def latest_runs() -> list[JobRun]:
    """The last run of every job."""
    names = JobRun.objects.order_by().values_list("name", flat=True).distinct()
    return [JobRun.objects.filter(name=name).first() for name in sorted(names)]
