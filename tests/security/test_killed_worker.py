"""A worker killed in the middle of a roster import leaves the database exactly as it was, and the
job says so instead of showing 写入中 for ever (issue 8, line 8; ROSTER.md: imports are all or
nothing).

A real Celery worker runs as a subprocess on Redis, on this test's own queue and database. It is
killed with SIGKILL while the roster commit is writing (its database session holds a write lock on a
registry table), so no handler, no rollback and no `finally` of ours runs: only PostgreSQL's own
transaction guarantees. Then the count and checksum of every registry, agreement, visit and audit
table is compared with the one taken before; and the import page shows the job as failed, with the
reason, once it sees that nobody holds the job's lock any more.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from bench.roster_file import HEADERS, roster_rows, write_roster
from qidong_care.celery import app
from qidong_care.core.locks import is_held
from registry.models import ImportJob
from registry.roster.jobs import import_job_check_worker, import_job_confirm, job_lock_name
from registry.roster.service import roster_import
from tests.conftest import SAMPLE_DATE
from tests.worker import needs_redis

BASE_DIR = Path(settings.BASE_DIR)
CHECKED_APPS = ("registry", "agreements", "visits", "audit")
SKIPPED_TABLES = {ImportJob._meta.db_table}  # the job's own row: its status is what changes
ROWS_BEFORE, ROWS_IMPORTED = 40, 1500
Status = ImportJob.Status

needs_postgresql = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="the worker subprocess must share the test database: SQLite's test database lives in this "
    "process's memory (CI runs this test on PostgreSQL)",
)


def table_fingerprints() -> dict[str, tuple[int, str]]:
    """table → (row count, md5 of every row in id order), for every table of CHECKED_APPS."""
    tables = sorted(
        model._meta.db_table
        for app_label in CHECKED_APPS
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model._meta.db_table not in SKIPPED_TABLES
    )
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"
            )
            found[table] = cursor.fetchone()
    return found


def worker_environment() -> dict[str, str]:
    """The subprocess sees what this test process sees: its test database, its queue, its keys."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
        "FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
    }


def start_worker() -> subprocess.Popen:
    """`celery worker --pool=solo`: the task runs in the process we kill (no pool to hide behind)."""
    command = [sys.executable, "-m", "celery", "-A", "qidong_care", "worker", "--pool=solo", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"killed-{os.getpid()}@%h"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=worker_environment(), stdout=subprocess.DEVNULL)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.kill()
    worker.wait(timeout=30)


def writing_backends() -> list[int]:
    """Sessions (not ours) holding a write lock on a registry table: an import transaction writing."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE l.mode = 'RowExclusiveLock' AND c.relname IN ('registry_adult', 'registry_child')
                 AND l.pid <> pg_backend_pid()"""
        )
        return [row[0] for row in cursor.fetchall()]


def wait_for(condition, *, seconds: float, what: str, step: float = 0.005):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def not_eager():
    """Tasks go to the broker (this test's queue) instead of running in this process."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        app.conf.task_always_eager = False
        try:
            yield
        finally:
            app.conf.task_always_eager = True


def confirmed_job(user, path: Path) -> ImportJob:
    """An uploaded roster, validated (the commit validates it again anyway) and confirmed: its write
    is queued on the broker."""
    job = ImportJob(user=user, original_name=path.name, size=path.stat().st_size, status=Status.VALIDATED)
    job.file.save("upload.xlsx", ContentFile(path.read_bytes()))
    return import_job_confirm(job=job, user=user)


@needs_redis
@needs_postgresql
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_while_the_import_writes_leaves_the_database_as_it_was(
    admin_user, media, not_eager, tmp_path, client
):
    existing = write_roster(
        tmp_path / "existing.xlsx", list(roster_rows(ROWS_BEFORE, seed=7, on=SAMPLE_DATE)), headers=HEADERS
    )
    assert roster_import(path=existing, user=admin_user, dry_run=False, on=SAMPLE_DATE).created == ROWS_BEFORE
    before = table_fingerprints()
    big = write_roster(tmp_path / "big.xlsx", list(roster_rows(ROWS_IMPORTED, seed=8, on=SAMPLE_DATE)), headers=HEADERS)

    worker = start_worker()
    try:
        job = confirmed_job(admin_user, big)
        writers = wait_for(writing_backends, seconds=180, what="the worker to start writing")
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        stop(worker)
    wait_for(lambda: not set(writers) & set(writing_backends()), seconds=30, what="PostgreSQL to end the session")

    assert table_fingerprints() == before  # not one row written, changed or half-written
    job.refresh_from_db()
    assert job.status == Status.COMMITTING  # what the killed worker left behind…

    client.force_login(admin_user)
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == Status.FAILED  # …until the page sees that no worker holds the job any more
    assert "写入过程中后台任务中断" in job.message and "数据库未作任何修改" in job.message
    assert "数据库未作任何修改" in page
    after = table_fingerprints()
    audit = "audit_auditevent"  # the page visit's login is audited: the only new row
    assert {t: v for t, v in after.items() if t != audit} == {t: v for t, v in before.items() if t != audit}


@needs_redis
@needs_postgresql
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_alive_is_not_marked_failed(admin_user, media):
    job = ImportJob.objects.create(user=admin_user, original_name="在写.xlsx", status=Status.COMMITTING)
    holder = subprocess.Popen(  # another process holds the job's lock, as a live worker does
        [sys.executable, "-c", HOLD_LOCK, job_lock_name(job.pk)],
        cwd=BASE_DIR,
        env={**worker_environment(), "DJANGO_SETTINGS_MODULE": "qidong_care.settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert import_job_check_worker(job).status == Status.COMMITTING
    finally:
        holder.kill()
        holder.wait(timeout=30)
    wait_for(lambda: not is_held(job_lock_name(job.pk)), seconds=30, what="the lock to go with its process")
    assert import_job_check_worker(job).status == Status.FAILED


HOLD_LOCK = """
import sys, time, django
django.setup()
from qidong_care.core.locks import exclusive
with exclusive(sys.argv[1]) as mine:
    print("held" if mine else "not held", flush=True)
    time.sleep(600)
"""
