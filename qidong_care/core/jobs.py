"""Running a scheduled job and recording the run (JobRun). Tasks and management commands both call
`job_run(name, fn, ...)`; the job itself must be idempotent (DESIGN.md, tasks).

One run of a job at a time: a run that finds another run of the same job under way (beat on two
hosts, a message delivered twice, the command typed while the schedule runs it) does nothing and
records nothing, so two runs at once leave the same state as one. A run whose worker died (killed,
server restarted) is marked failed by the next run of its job, instead of showing 运行中 for ever.
"""

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .locks import exclusive
from .models import JobRun

log = logging.getLogger(__name__)

SKIPPED = "同名任务正在运行，本次未执行"
INTERRUPTED = "运行中断：执行该任务的后台进程已退出（如被终止或服务器重启），本次运行未完成；下一次运行已补做。"


def job_lock_name(name: str) -> str:
    return f"job:{name}"


def job_run(name: str, fn: Callable[..., dict[str, Any]], *, trigger: str = "schedule", **kwargs) -> dict[str, Any]:
    """Run `fn(**kwargs)` (which returns a JSON-able summary) and record its outcome. Re-raises."""
    with exclusive(job_lock_name(name)) as mine:
        if not mine:
            log.warning("job %s is already running: this run (%s) is skipped", name, trigger)
            return {"skipped": SKIPPED}
        _close_interrupted(name)
        return _run(name, fn, trigger=trigger, **kwargs)


def _close_interrupted(name: str) -> None:
    """Runs still marked running while we hold the job's lock belong to a worker that died."""
    JobRun.objects.filter(name=name, status=JobRun.Status.RUNNING).update(
        status=JobRun.Status.FAILED, error=INTERRUPTED, finished_at=timezone.now()
    )


def _run(name: str, fn: Callable[..., dict[str, Any]], *, trigger: str, **kwargs) -> dict[str, Any]:
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
