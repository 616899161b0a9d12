"""A real Celery worker, for tests that prove jobs run through the broker (CI: Redis)."""

import contextlib
import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from qidong_care.celery import app

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)")


@contextlib.contextmanager
def real_worker():
    """Run a worker thread against the configured broker, with tasks no longer run eagerly."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        app.conf.task_always_eager = False
        try:
            with start_worker(app, perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
                yield app
        finally:
            app.conf.task_always_eager = True
