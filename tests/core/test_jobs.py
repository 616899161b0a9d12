import pytest

from qidong_care.celery import app, ping
from tests.worker import needs_redis, real_worker


def test_the_schedule_runs_in_shanghai_time():
    assert app.conf.timezone == "Asia/Shanghai"
    assert "heartbeat" in app.conf.beat_schedule


@needs_redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_end_to_end_through_a_real_worker_on_redis():
    assert app.conf.broker_url.startswith("redis://")
    with real_worker():
        result = ping.delay("来自测试")
        assert result.get(timeout=30) == "来自测试"
