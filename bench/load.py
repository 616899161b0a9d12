"""The load test of `make bench`: gunicorn serving the site, locust in a second process on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench .venv/bin/python -m bench.load

50 users of different roles (town staff of every town, village children's directors, bureau and
inspectors: BENCH_LOAD_USERS) log in during a ramp — logins are CPU-heavy on purpose (PBKDF2), so
their figures are kept apart — then browse lists, searches, archives and dashboards for
BENCH_LOAD_SECONDS (60) with a think time of BENCH_THINK seconds (default "3,10"; "0.5,2" shows
the server's capacity; bench/locust_run.py). Bounded: the locust
process is stopped after the ramp plus the window, and gunicorn with it.

Needs a seeded bench database (bench.seed). The users get one bench-only password; their password
hash is computed once (the server still checks it with PBKDF2 on every login).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from . import env

PORT = int(os.environ.get("BENCH_PORT", 8765))
PASSWORD = "Bench-load-2026!"  # synthetic accounts in a bench database only
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 4))


def load_users(count: int) -> list[dict]:
    """`count` users spread over the roles as a county's staff would be, each with the children it
    may open (ids in its scope) for archive pages."""
    from django.contrib.auth.hashers import make_password

    from qidong_care.accounts.models import User
    from qidong_care.accounts.roles import Role
    from registry.models import Child, Region

    towns = list(Region.objects.towns().active().order_by("code"))
    villages = list(Region.objects.villages().active().order_by("code"))
    county = Region.objects.get(level="county")
    rnd = random.Random(50)
    password = make_password(PASSWORD)
    plan = []
    for index in range(count):
        share = index % 10
        if share < 6:  # 60 % town staff
            plan.append((Role.TOWN_STAFF, towns[index % len(towns)]))
        elif share < 8:  # 20 % village directors
            plan.append((Role.DIRECTOR, rnd.choice(villages)))
        else:  # 20 % county: bureau and inspectors
            plan.append((Role.BUREAU if share == 8 else Role.INSPECTOR, county))
    users = []
    for index, (role, region) in enumerate(plan):
        user, _ = User.objects.update_or_create(
            username=f"bench_load_{index:02d}",
            defaults={"role": role, "password": password, "must_change_password": False, "is_active": True},
        )
        user.regions.set([region])
        visible = Child.objects.visible_to(user).order_by().values_list("pk", flat=True)
        ids = list(visible.filter(pk__gte=rnd.randint(1, 1_000_000))[:40]) or list(visible[:40])
        names = list(Child.objects.filter(pk__in=ids[:10]).values_list("name", flat=True))
        users.append({"username": user.username, "role": role, "children": ids, "names": names})
    return users


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def start_gunicorn() -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "qidong_care.wsgi", "--bind", f"127.0.0.1:{PORT}",
        "--workers", str(WORKERS), "--log-level", "warning", "--timeout", "60",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=env.ROOT, env=os.environ.copy(), start_new_session=True)
    wait_until_up(f"http://127.0.0.1:{PORT}/healthz")
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load_test(*, users: int | None = None, seconds: int | None = None) -> dict:
    users = users or int(os.environ.get("BENCH_LOAD_USERS", 50))
    seconds = seconds or int(os.environ.get("BENCH_LOAD_SECONDS", 60))
    plan = load_users(users)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"users": plan, "password": PASSWORD}, handle)
        plan_path = handle.name
    server = start_gunicorn()
    try:
        think = os.environ.get("BENCH_THINK", "3,10")
        command = [sys.executable, "-m", "bench.locust_run", plan_path, f"http://127.0.0.1:{PORT}", str(seconds), think]
        limit = seconds + 10 * users + 120  # the ramp's logins, the window, and a margin: then it is killed
        completed = subprocess.run(command, cwd=env.ROOT, capture_output=True, text=True, timeout=limit, check=False)
    finally:
        stop(server)
        os.unlink(plan_path)
    if completed.returncode != 0:
        return {"error": (completed.stderr or completed.stdout).strip().splitlines()[-8:]}
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["server"] = f"gunicorn, {WORKERS} sync workers, 127.0.0.1:{PORT}"
    return figures


if __name__ == "__main__":
    env.setup()
    print(json.dumps(load_test(), ensure_ascii=False, indent=2))
