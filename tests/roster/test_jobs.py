"""Import jobs are idempotent and safe: a task delivered twice does no harm, a failure leaves the
database as it was, and the confirm re-validates against the database as it is then."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from registry.models import Adult, Child, ImportJob
from registry.roster.jobs import import_job_commit, import_job_confirm, import_job_validate
from tests.conftest import SAMPLE_DATE
from tests.roster.conftest import SAMPLE
from tests.worker import needs_redis, real_worker

Status = ImportJob.Status


@pytest.fixture(autouse=True)
def screening_date(monkeypatch):
    monkeypatch.setattr("registry.assessment.today", lambda: SAMPLE_DATE)


def make_job(user, path=SAMPLE) -> ImportJob:
    job = ImportJob(user=user, original_name=path.name, size=path.stat().st_size)
    job.file.save("upload.xlsx", ContentFile(path.read_bytes()))
    return job


def test_validating_twice_does_no_harm(db, admin_user):
    job = make_job(admin_user)
    import_job_validate(job_id=job.pk)
    import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.created) == (Status.VALIDATED, 300) and not Child.objects.exists()


def test_committing_twice_writes_once(db, admin_user, django_capture_on_commit_callbacks):
    job = make_job(admin_user)
    import_job_validate(job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=False):
        import_job_confirm(job=job, user=admin_user)
    import_job_commit(job_id=job.pk)
    import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.COMMITTED and job.result["created"] == 300
    assert Child.history.count() == 300
    assert not job.file  # the upload, personal data in the clear, is gone once imported


def test_only_the_uploader_confirms_and_only_once(db, admin_user, town_staff):
    job = make_job(admin_user)
    import_job_validate(job_id=job.pk)
    with pytest.raises(ValidationError):
        import_job_confirm(job=job, user=town_staff)
    import_job_confirm(job=job, user=admin_user)
    with pytest.raises(ValidationError, match="不能再次确认"):
        import_job_confirm(job=job, user=admin_user)


def test_confirm_revalidates_against_the_database_as_it_is_now(db, admin_user, rows, write, run):
    data = rows(4)
    job = make_job(admin_user, write(data))
    import_job_validate(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).created == 4
    run(write(data[:1], name="first.xlsx"))  # meanwhile somebody imports one of the children
    import_job_confirm(job=job, user=admin_user)
    import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert (job.created, job.unchanged, job.status) == (3, 1, Status.COMMITTED)
    assert Child.objects.count() == 4


def test_a_failed_commit_leaves_the_database_as_it_was_and_says_so(db, admin_user, monkeypatch):
    job = make_job(admin_user)
    import_job_validate(job_id=job.pk)
    import_job_confirm(job=job, user=admin_user)

    def explode(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr("registry.roster.writing.record_archive_update", explode)
    import_job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "数据库未作任何修改" in job.message
    assert not Child.objects.exists() and not Adult.objects.exists()


def test_a_refused_file_never_crashes_the_worker(db, admin_user, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"<html><table></table></html>")
    job = make_job(admin_user, path)
    import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.REFUSED and "HTML" in job.message


def test_the_tasks_are_registered_with_the_worker_app():
    from qidong_care.celery import app

    app.loader.import_default_modules()
    assert {"registry.roster_validate", "registry.roster_commit"} <= set(app.tasks)


@needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_validation_runs_through_a_real_worker_on_redis(admin_user):
    from registry.roster.tasks import roster_validate

    job = make_job(admin_user)
    with real_worker():
        roster_validate.delay(job.pk).get(timeout=120)
    job.refresh_from_db()
    assert (job.status, job.rows) == (Status.VALIDATED, 300)
