"""Django set up for the benchmark's command-line tools (`python -m bench.seed`, `python -m bench.run`).

The bench runs as production does (DEBUG off, so no query log slows it down) on synthetic data, so
its keys are bench-only constants unless the environment gives others: the seeder and the measuring
run must use the same keys, or the archive pages could not open the seeded ciphertext.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCH_ENVIRONMENT = {
    "DEBUG": "false",
    "SECURE_HTTPS": "false",
    "SECRET_KEY": "bench-only-secret-key-for-synthetic-data-never-for-a-real-deployment-0123456789",
    # 32 bytes each, base64: fixed so that a database seeded once can be measured many times.
    "FIELD_ENCRYPTION_KEYS": "bench:YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=",
    "FIELD_HASH_KEY": "YmVuY2gtb25seS1oYXNoLWtleS0zMi1ieXRlcy0hISE=",
    "LOG_LEVEL": "WARNING",
}


class BenchRefused(SystemExit):
    """The bench will not run here (no PostgreSQL, or a database holding real children)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"make bench: {message}")


def require_postgresql_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise BenchRefused(
            "需要 PostgreSQL：请设置 DATABASE_URL=postgres://用户@主机:端口/库名 "
            "(e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench). "
            "The benchmark measures the production database; SQLite figures would mean nothing."
        )
    return url


def setup() -> None:
    """Bench environment defaults, then django.setup() (call once, before importing models)."""
    require_postgresql_url()
    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qidong_care.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
