"""Import jobs for the web page: upload, validation in the background (the preview), confirmation,
and the write in the background, each step idempotent (a task delivered twice does no harm).

Progress goes to the cache, not the database: the commit runs in one transaction, and a progress
row written inside it would be invisible to the page polling for it until the very end.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from qidong_care.core.locks import exclusive, is_held

from ..models import ImportJob
from .report import write_error_report
from .safety import RosterFileRefused
from .service import ImportResult, roster_import

log = logging.getLogger(__name__)
Status = ImportJob.Status
PROGRESS_SECONDS = 6 * 60 * 60


def progress_key(job_id: int) -> str:
    return f"roster-import:{job_id}:progress"


def job_progress(job: ImportJob) -> dict:
    """{"stage": …, "percent": …} of a running job, from the cache (the job row once it is done)."""
    if job.is_running:
        return cache.get(progress_key(job.pk)) or {"stage": job.get_status_display(), "percent": job.progress}
    return {"stage": job.get_status_display(), "percent": 100}


def _progress_reporter(job_id: int):
    last = {"percent": -1}

    def report(stage: str, percent: int) -> None:
        if percent != last["percent"]:
            last["percent"] = percent
            cache.set(progress_key(job_id), {"stage": stage, "percent": percent}, PROGRESS_SECONDS)

    return report


def import_job_start(*, user, upload: UploadedFile) -> ImportJob:
    """Keep the uploaded file and queue its validation (the file's own checks run in the job)."""
    from django.conf import settings

    from .tasks import roster_validate

    if upload.size > settings.ROSTER_MAX_UPLOAD_BYTES:
        limit = settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(f"文件超过 {limit} MB 上限，请拆分后分批导入。")
    name = Path(upload.name or "roster.xlsx").name[:200]
    job = ImportJob(user=user, original_name=name, size=upload.size)
    job.file.save(f"roster-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(lambda: roster_validate.delay(job.pk))
    return job


def job_lock_name(job_id: int) -> str:
    """Held by the worker running the job's validation or write, for as long as it runs: a job shown
    as running whose lock nobody holds has lost its worker (killed, server restarted)."""
    return f"roster-import:{job_id}"


def _claim(job_id: int, expected: tuple[str, ...], running: str) -> ImportJob | None:
    """Move the job from one of `expected` to `running`; None when another run has it (idempotence).
    Called with the job's lock held: a redelivered task finds a live run's lock taken."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in expected:
            return None
        job.status, job.progress, job.message = running, 0, ""
        job.save(update_fields=["status", "progress", "message"])
    return job


def _counts(job: ImportJob, result: ImportResult) -> None:
    job.rows, job.created, job.updated = result.rows, result.created, result.updated
    job.unchanged, job.rejected = result.unchanged, result.rejected


def _save_report(job: ImportJob, result: ImportResult) -> None:
    if not result.errors:
        job.report = ""
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        write_error_report(source=job.file.path, errors=result.errors, out=path)
        with path.open("rb") as handle:
            job.report.save(f"errors-{job.pk}.xlsx", File(handle), save=False)


def _fail(job: ImportJob, status: str, message: str) -> None:
    job.status, job.message = status, message
    job.save(update_fields=["status", "message"])
    cache.delete(progress_key(job.pk))


def _discard_upload(job: ImportJob) -> None:
    """The uploaded roster holds personal data in the clear: once imported (or refused) it goes; the
    archive has the data, encrypted, and the error report keeps the rejected rows."""
    if job.file:
        job.file.delete(save=False)
        job.save(update_fields=["file"])


def _while_locked(step):
    """Run a job step holding the job's lock; a step whose lock another live worker holds is skipped."""

    def run(*, job_id: int) -> None:
        with exclusive(job_lock_name(job_id)) as mine:
            if not mine:
                log.warning("roster import job %s is being run by another worker: skipped", job_id)
                return
            step(job_id=job_id)

    run.__doc__, run.__name__ = step.__doc__, step.__name__
    return run


INTERRUPTED = {
    Status.VALIDATING: "校验过程中后台任务中断（进程被终止或服务器重启），文件未导入。请重新上传校验。",
    Status.COMMITTING: "写入过程中后台任务中断（进程被终止或服务器重启），数据库未作任何修改。请重新上传校验后再导入。",
}


def import_job_check_worker(job: ImportJob) -> ImportJob:
    """A job shown as validating or writing whose worker died is marked failed, with what happened,
    instead of showing 校验中/写入中 for ever. (Its write was one transaction: nothing was written.)"""
    if job.status not in INTERRUPTED or is_held(job_lock_name(job.pk)):
        return job
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in INTERRUPTED and not is_held(job_lock_name(job.pk)):
            log.error("roster import job %s lost its worker while %s", job.pk, locked.status)
            _fail(locked, Status.FAILED, INTERRUPTED[locked.status])
    job.refresh_from_db()
    return job


@_while_locked
def import_job_validate(*, job_id: int) -> None:
    """The dry run (preview). A refused file or any failure ends the job with a message: the worker
    never crashes and nothing is written."""
    job = _claim(job_id, (Status.QUEUED, Status.VALIDATING), Status.VALIDATING)
    if job is None:
        return
    try:
        result = roster_import(
            path=job.file.path,
            user=job.user,
            dry_run=True,
            progress=_progress_reporter(job.pk),
            file_name=job.original_name,
        )
        _save_report(job, result)
    except RosterFileRefused as refused:
        _fail(job, Status.REFUSED, refused.message)
        _discard_upload(job)
        return
    except Exception:
        log.exception("roster validation of job %s failed", job_id)
        _fail(job, Status.FAILED, "校验时发生意外错误，文件未导入。请稍后重试，或联系系统管理员。")
        return
    _counts(job, result)
    job.preview, job.status, job.progress, job.validated_at = result.summary(), Status.VALIDATED, 100, timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))


def import_job_confirm(*, job: ImportJob, user) -> ImportJob:
    """Queue the write of a validated job (once: a second click changes nothing)."""
    from .tasks import roster_commit

    if job.user_id != user.pk:
        raise ValidationError("只能确认自己上传的导入。")
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATED).update(status=Status.COMMIT_QUEUED)
    if not claimed:
        raise ValidationError("该导入不在“待确认导入”状态，不能再次确认。")
    transaction.on_commit(lambda: roster_commit.delay(job.pk))
    job.refresh_from_db()
    return job


@_while_locked
def import_job_commit(*, job_id: int) -> None:
    """Validate again against the database as it is now, and write everything in one transaction;
    the job is marked imported inside that transaction, so a crash leaves it re-runnable."""
    job = _claim(job_id, (Status.COMMIT_QUEUED, Status.COMMITTING), Status.COMMITTING)
    if job is None:
        return

    def mark_committed(result: ImportResult) -> None:
        _counts(job, result)
        job.result, job.status, job.progress = result.summary(), Status.COMMITTED, 100
        job.committed_at = timezone.now()
        job.save()

    try:
        result = roster_import(
            path=job.file.path,
            user=job.user,
            dry_run=False,
            progress=_progress_reporter(job.pk),
            file_name=job.original_name,
            on_written=mark_committed,
        )
    except RosterFileRefused as refused:
        _fail(job, Status.FAILED, refused.message)
        return
    except Exception:
        log.exception("roster commit of job %s failed", job_id)
        _fail(job, Status.FAILED, "写入时发生错误，数据库未作任何修改。请重新上传校验后再导入，或联系系统管理员。")
        return
    cache.delete(progress_key(job.pk))
    try:
        _save_report(job, result)
        job.save(update_fields=["report"])
    except Exception:  # the import is written; a missing report must not hide that
        log.exception("error report of job %s could not be written", job_id)
    _discard_upload(job)
