"""The load generator of bench/load.py, in a process of its own (locust patches the standard
library with gevent, which Django's process must not see).

    python -m bench.locust_run PLAN.json http://127.0.0.1:8765 60 3,10     # prints one JSON line

Phase 1 (ramp): every user logs in through the login form (PBKDF2 on the server), 5 a second.
Phase 2 (window): once all are in, the statistics restart and they browse for the given seconds,
waiting the think time between pages (default 3–10 s: people read what they open; "0.5,2" makes
them hammer the server and shows its capacity). Login figures are reported apart.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time

import gevent
from gevent.event import Event
from locust import HttpUser, between, task
from locust.env import Environment

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SPAWN_RATE = 5
PLAN: dict = {}
STATE = {"logged_in": 0, "failed_logins": 0, "window_started": None}
ALL_IN = Event()
LOGIN_FIGURES: dict = {}


class Staff(HttpUser):
    wait_time = between(3, 10)  # replaced by main() with the think time asked for

    def on_start(self) -> None:
        self.profile = PLAN["users"].pop(0)
        self.rnd = random.Random(self.profile["username"])
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text)
        form = {"username": self.profile["username"], "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1) if token else ""}  # fmt: skip
        with self.client.post("/accounts/login/", data=form, name="login", catch_response=True) as answer:
            if "/accounts/login/" in answer.url:
                answer.failure("login refused")
                STATE["failed_logins"] += 1
            else:
                STATE["logged_in"] += 1
        if STATE["logged_in"] + STATE["failed_logins"] == PLAN["count"]:
            ALL_IN.set()
        ALL_IN.wait()

    def _reports(self) -> bool:
        return self.profile["role"] != "director"

    @task(4)
    def child_list(self) -> None:
        page = self.rnd.choice(["", "?page=2", "?status=active", "?status=active&missing=1", "?sort=updated"])
        self.client.get(f"/children/{page}", name="child list")

    @task(2)
    def search(self) -> None:
        name = self.rnd.choice(self.profile["names"] or ["王"])
        self.client.get("/children/", params={"q": name}, name="child list, search by name")

    @task(4)
    def archive(self) -> None:
        child = self.rnd.choice(self.profile["children"])
        self.client.get(f"/children/{child}/", name="archive page")

    @task(2)
    def dashboard(self) -> None:
        if self._reports():
            self.client.get("/reports/", name="dashboard")


def figures_of(stats) -> dict:
    rows = {}
    for entry in stats.entries.values():
        if not entry.num_requests:
            continue
        rows[entry.name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
        }
    total = stats.total
    return {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "by_page": rows,
    }


def main(plan_path: str, host: str, seconds: int, think: str = "3,10") -> None:
    low, high = (float(part) for part in think.split(","))
    Staff.wait_time = between(low, high)
    with open(plan_path, encoding="utf-8") as handle:
        PLAN.update(json.load(handle))
    PLAN["count"] = len(PLAN["users"])
    environment = Environment(user_classes=[Staff], host=host)
    runner = environment.create_local_runner()
    ramp_started = time.monotonic()
    runner.start(PLAN["count"], spawn_rate=SPAWN_RATE)
    if not ALL_IN.wait(timeout=10 * PLAN["count"] + 60):
        runner.quit()
        raise SystemExit("the users did not all log in in time")
    ramp_seconds = time.monotonic() - ramp_started
    login = figures_of(environment.stats)
    environment.stats.reset_all()
    window_started = time.monotonic()
    gevent.sleep(seconds)
    window = time.monotonic() - window_started
    browsing = figures_of(environment.stats)
    runner.quit()
    browsing["throughput_rps"] = round(browsing["requests"] / window, 1)
    print(json.dumps({
        "users": PLAN["count"], "window_seconds": round(window, 1), "think_time_s": f"{low:g}-{high:g}",
        "logins": {"seconds": round(ramp_seconds, 1), "ok": STATE["logged_in"], "failed": STATE["failed_logins"],
                   "p50_ms": login["by_page"].get("login", {}).get("p50_ms"),
                   "p95_ms": login["by_page"].get("login", {}).get("p95_ms")},
        "browsing": browsing,
    }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])
