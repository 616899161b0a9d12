import os
import subprocess
import sys

import pytest

from bench import env
from bench.run import percentile


def test_percentile_is_nearest_rank():
    values = list(range(1, 21))
    assert percentile(values, 0.95) == 19
    assert percentile(values, 0.5) == 10


def test_it_refuses_without_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/qidong.sqlite3")
    with pytest.raises(env.BenchRefused, match="需要 PostgreSQL"):
        env.require_postgresql_url()


def test_make_bench_says_why_it_refuses_on_sqlite():
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run"], cwd=env.ROOT, env=environment, capture_output=True, text=True
    )
    assert completed.returncode == 1
    assert "需要 PostgreSQL" in completed.stderr
