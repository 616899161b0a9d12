"""Settings fail loudly on bad values (run in a fresh interpreter, as a deployment would)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "qidong_care.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_boolean_names_the_variable():
    result = start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_malformed_redis_url_names_the_variable():
    result = start_django(DEBUG="true", REDIS_URL="localhost:6379")
    assert result.returncode != 0
    assert "REDIS_URL='localhost:6379' must start with redis://" in result.stderr


def test_a_malformed_number_names_the_variable():
    result = start_django(DEBUG="true", LEFT_BEHIND_MIN_MONTHS_AWAY="three")
    assert "LEFT_BEHIND_MIN_MONTHS_AWAY='three' is not a whole number" in result.stderr


def test_debug_starts_on_the_embedded_defaults():
    result = start_django(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def manage(*args: str) -> subprocess.CompletedProcess:
    """manage.py with no environment at all, as a build step or a migrations check runs it."""
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_migrations_check_needs_no_production_secret():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_commands_that_touch_data_still_refuse_without_the_secrets():
    for args in (["migrate", "--plan"], ["check", "--deploy"], ["createsuperuser", "--noinput"]):
        result = manage(*args)
        assert result.returncode != 0, args
        assert "SECRET_KEY must be set" in result.stderr, args
