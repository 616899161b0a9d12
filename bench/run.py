"""`make bench`: seed N children (BENCH_CHILDREN, default 1,000,000), measure, print, write results.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench make bench
    BENCH_CHILDREN=100000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench_100k make bench

Measures, on PostgreSQL only (refused otherwise):
- pages, as the real roles see them (town staff of 汇龙镇, the bureau), through Django's test client:
  server time p50/p95 over BENCH_REPEATS requests after a warm-up, and queries per request;
- Django admin's change list on the same Child table (bench/admin.py), and its ratio to our list;
- the weekly report job, the age-out job and the spot-check draw (seconds; each rolled back, so the
  seeded database can be measured again);
- the roster import of BENCH_ROSTER_ROWS rows (default 100,000) new and re-imported unchanged, and
  django-import-export beside it (bench/roster_bench.py), in a fresh database of its own
  (<database>_roster) in a child process;
- the load test (bench/load.py: gunicorn + locust, 50 users) unless BENCH_LOAD=0.

Writes bench/results.json (or BENCH_RESULTS) and prints a table.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import env

RESULTS = Path(os.environ.get("BENCH_RESULTS", env.ROOT / "bench" / "results.json"))
HUILONG = "320681100"
COUNTY = "320681"
TARGETS_MS = {"list": 150, "archive": 150, "dashboard": 300, "home": 300}  # home: figures, as a dashboard
JOB_TARGETS_S = {"weekly_report": 60, "age_out": 30}
COLD_REPEATS = 3


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 30 requests is the 29th fastest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": server,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- users -----------------------------------------------------------------------------------------


def bench_users() -> dict:
    """The roles whose pages are measured: town staff of 汇龙镇, the bureau, and a superuser for
    the bench-only admin. Created once in the bench database."""
    from qidong_care.accounts.models import User
    from qidong_care.accounts.roles import Role
    from registry.models import Region

    def user(username: str, role: str, code: str, **extra):
        found, created = User.objects.get_or_create(username=username, defaults={"role": role, **extra})
        if created:
            found.set_unusable_password()
            found.must_change_password = False
            found.save()
            found.regions.set(Region.objects.filter(code=code))
        return found

    return {
        "town_staff": user("bench_town", Role.TOWN_STAFF, HUILONG),
        "bureau": user("bench_bureau", Role.BUREAU, COUNTY),
        "superuser": user("bench_super", Role.ADMIN, COUNTY, is_staff=True, is_superuser=True),
    }


# --- pages -----------------------------------------------------------------------------------------


def time_requests(client, urls: list[str], *, repeats: int, warmup: int = 2, cold: bool = False) -> dict:
    """p50/p95 (ms) of `repeats` GETs cycling through `urls`, and the queries of one more. `cold`
    empties the cache before each request: the cost when cached counts and live figures expired."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(warmup):
        client.get(urls[index % len(urls)])
    times = []
    for index in range(repeats):
        url = urls[index % len(urls)]
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
        "requests": repeats,
    }


def sample_children(user, count: int, rnd: random.Random) -> list:
    """`count` children the user may see, spread over the table (not the first rows only)."""
    from registry.models import Child

    visible = Child.objects.visible_to(user)
    low_high = visible.order_by().values_list("pk", flat=True)
    first, last = low_high.order_by("pk").first(), low_high.order_by("-pk").first()
    if first is None:
        raise RuntimeError(f"{user} sees no children: seed the bench database first")
    picked = []
    while len(picked) < count:
        child = visible.filter(pk__gte=rnd.randint(first, last)).order_by("pk").first()
        if child is not None:
            picked.append(child)
    return picked


def page_cases(users: dict, rnd: random.Random) -> list[tuple[str, str, str, list[str]]]:
    """(name, kind, role, urls) of every measured page; "(cold)" ones with the cache emptied first."""
    from django.urls import reverse

    from registry.models import Region

    cases = []
    town = Region.objects.get(code=HUILONG)
    for role in ("town_staff", "bureau"):
        user = users[role]
        children = sample_children(user, 20, rnd)
        names = [child.name for child in children]
        numbers = [child.id_number for child in children]
        village = children[0].village_id
        base = reverse("registry:child_list")
        cases += [
            ("child list, first page", "list", role, [base]),
            ("child list, page 200", "list", role, [f"{base}?page=200"]),
            ("child list, filtered (在册+信息缺失)", "list", role, [f"{base}?status=active&missing=1"]),
            ("child list, one village", "list", role, [f"{base}?village={village}"]),
            ("child list, latest updates first", "list", role, [f"{base}?sort=updated"]),
            ("child list, search by name", "list", role, [f"{base}?q={name}" for name in names]),
            ("child list, search by ID number", "list", role, [f"{base}?q={number}" for number in numbers]),
            ("archive page", "archive", role, [reverse("registry:child_detail", args=[c.pk]) for c in children]),
        ]
    cases += [
        ("home page", "home", "town_staff", [reverse("home")]),
        ("home page", "home", "bureau", [reverse("home")]),
        ("town dashboard", "dashboard", "town_staff", [reverse("reports:dashboard")]),
        ("town dashboard (bureau)", "dashboard", "bureau", [reverse("reports:town_dashboard", args=[town.pk])]),
        ("county dashboard", "dashboard", "bureau", [reverse("reports:dashboard")]),
        ("child list, first page (cold)", "list", "bureau", [reverse("registry:child_list")]),
        ("town dashboard (cold)", "dashboard", "town_staff", [reverse("reports:dashboard")]),
        ("home page (cold)", "home", "town_staff", [reverse("home")]),
        ("home page (cold)", "home", "bureau", [reverse("home")]),
    ]
    return cases


def measure_pages(users: dict, *, repeats: int, warmup: int = 2) -> list[dict]:
    from django.test import Client

    rnd = random.Random(9)
    rows = []
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for name, kind, role, urls in page_cases(users, rnd):
        cold = name.endswith("(cold)")
        times = min(repeats, COLD_REPEATS) if cold else repeats
        figures = time_requests(clients[role], urls, repeats=times, warmup=0 if cold else warmup, cold=cold)
        target = TARGETS_MS[kind]
        rows.append({"page": name, "kind": kind, "role": role, "target_p95_ms": target,
                     "meets_target": figures["p95_ms"] <= target, **figures})  # fmt: skip
        print(f"  {name:40s} {role:10s} p50 {figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f} ms"
              f"  {figures['queries']:3d} queries", flush=True)  # fmt: skip
    return rows


def measure_admin(users: dict, *, repeats: int) -> dict:
    """Django admin's change list beside our list, both over the whole county's children."""
    from django.test import Client
    from django.urls import reverse

    admin, ours = Client(), Client()
    admin.force_login(users["superuser"])
    ours.force_login(users["bureau"])
    admin_figures = time_requests(admin, ["/bench-admin/registry/child/"], repeats=repeats)
    admin_search = time_requests(admin, ["/bench-admin/registry/child/?q=王伟"], repeats=repeats)
    our_figures = time_requests(ours, [reverse("registry:child_list")], repeats=repeats)
    our_search = time_requests(ours, [reverse("registry:child_list") + "?q=王伟"], repeats=repeats)
    return {
        "admin_changelist": admin_figures,
        "admin_search": admin_search,
        "our_list": our_figures,
        "our_search": our_search,
        "ratio_p50": round(admin_figures["p50_ms"] / our_figures["p50_ms"], 1),
        "ratio_search_p50": round(admin_search["p50_ms"] / our_search["p50_ms"], 1),
    }


# --- jobs ------------------------------------------------------------------------------------------


def job_functions() -> dict:
    """The jobs' services, in one place (the `jobspeed` work may rename them)."""
    from django.utils import timezone

    from registry.ageout import children_age_out
    from reports.services.spotchecks import spot_checks_draw
    from reports.services.weekly import last_finished_week, weekly_report_store

    today = timezone.localdate()
    return {
        "weekly_report": lambda: weekly_report_store(week=last_finished_week(), recompute=True, trigger="bench"),
        "age_out": lambda: children_age_out(on=today),
        "spot_check_draw": lambda: spot_checks_draw(on=today),
    }


def measure_jobs() -> dict:
    """Seconds of each job, run inside a transaction that is then rolled back."""
    from django.db import transaction

    results = {}
    for name, job in job_functions().items():
        with transaction.atomic():
            started = time.perf_counter()
            outcome = job()
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        summary = outcome if isinstance(outcome, int | dict) else str(outcome)[:80]
        results[name] = {"seconds": round(seconds, 2), "target_s": JOB_TARGETS_S.get(name), "result": summary}
        print(f"  {name:40s} {seconds:7.2f} s", flush=True)
    return results


def measure_live_refresh() -> dict:
    """The 10-minute beat job that fills the dashboards' cache (reports.live): seconds."""
    from reports.selectors import refresh_live_figures

    started = time.perf_counter()
    summary = refresh_live_figures()
    seconds = time.perf_counter() - started
    print(f"  {'refresh_live_figures':40s} {seconds:7.2f} s", flush=True)
    return {"seconds": round(seconds, 2), "result": summary}


# --- roster import (a child process on a database of its own) ---------------------------------------


def measure_roster(rows: int) -> dict:
    """bench/roster_run.py in a fresh `<database>_roster`, so the import starts from an empty archive."""
    command = [sys.executable, "-m", "bench.roster_run", str(rows)]
    completed = subprocess.run(command, cwd=env.ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return {"error": (completed.stderr or completed.stdout).strip().splitlines()[-5:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- output ----------------------------------------------------------------------------------------


def table(results: dict) -> str:
    lines = [f"qidong_care benchmark — {results['children']:,} children, {results['machine']['cpus']} CPUs, "
             f"PostgreSQL {results['machine']['postgresql']}", ""]  # fmt: skip
    lines.append(f"{'page':40s} {'role':10s} {'p50 ms':>8s} {'p95 ms':>8s} {'target':>7s} {'queries':>7s}")
    for row in results["pages"]:
        mark = "ok" if row["meets_target"] else "SLOW"
        lines.append(f"{row['page']:40s} {row['role']:10s} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                     f"{row['target_p95_ms']:>5d} {mark:4s} {row['queries']:4d}")  # fmt: skip
    admin = results.get("admin")
    if admin:
        lines += ["", f"Django admin change list p50 {admin['admin_changelist']['p50_ms']} ms vs our list "
                      f"{admin['our_list']['p50_ms']} ms: ×{admin['ratio_p50']}; "
                      f"search ×{admin['ratio_search_p50']}"]  # fmt: skip
    lines.append("")
    if results.get("live_refresh"):
        lines.append(f"{'refresh_live_figures (every 10 min)':40s} {results['live_refresh']['seconds']:8.2f} s")
    for name, job in results.get("jobs", {}).items():
        target = f"(target ≤ {job['target_s']} s)" if job.get("target_s") else ""
        lines.append(f"{name:40s} {job['seconds']:8.2f} s {target}")
    roster = results.get("roster")
    if roster:
        lines += ["", roster_line(roster)]
    load = results.get("load")
    if load:
        lines += ["", "load test: " + json.dumps(load, ensure_ascii=False)]
    return "\n".join(lines)


def roster_line(roster: dict) -> str:
    if "error" in roster:
        return f"roster import: failed: {roster['error']}"
    create, again, compared = roster.get("create", {}), roster.get("reimport", {}), roster.get("import_export")
    line = (f"roster import of {roster.get('rows', 0):,} rows: new {create.get('seconds')} s (target < 60), "
            f"re-imported unchanged {again.get('seconds')} s (target < 30), "
            f"peak memory {max(create.get('peak_memory_mb') or 0, again.get('peak_memory_mb') or 0)} MB")  # fmt: skip
    if isinstance(compared, dict) and compared.get("ms_per_row"):
        ratio = roster.get("ratio_per_row") or round(compared["ms_per_row"] / create["ms_per_row"], 1)
        line += f"; django-import-export {compared['ms_per_row']} ms/row vs ours {create.get('ms_per_row')}: ×{ratio}"
    return line


def main() -> None:
    env.require_postgresql_url()
    env.setup()
    from .seed import seed

    children = int(os.environ.get("BENCH_CHILDREN", 1_000_000))
    repeats = int(os.environ.get("BENCH_REPEATS", 30))
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results: dict = {"children": children, "machine": machine(), "started_at": started}
    results["seed"] = seed(children=children)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: the manifest storage
    users = bench_users()
    from django.test.utils import override_settings

    print("live figures (the beat job, before the dashboards are opened):", flush=True)
    results["live_refresh"] = measure_live_refresh()
    print("pages:", flush=True)
    with override_settings(ROOT_URLCONF="bench.urls"):
        results["pages"] = measure_pages(users, repeats=repeats)
        results["admin"] = measure_admin(users, repeats=max(5, repeats // 3))
    print("jobs:", flush=True)
    results["jobs"] = measure_jobs()
    if os.environ.get("BENCH_ROSTER", "1") != "0":
        print("roster import (fresh database):", flush=True)
        results["roster"] = measure_roster(int(os.environ.get("BENCH_ROSTER_ROWS", 100_000)))
    if os.environ.get("BENCH_LOAD", "1") != "0":
        from .load import load_test

        # The "(cold)" pages emptied the cache; in production the beat job keeps the dashboards'
        # figures warm, so the load test starts as a server does ten minutes after it began.
        print("load test (after refreshing the dashboards' live figures, as the beat job would):", flush=True)
        measure_live_refresh()
        results["load"] = load_test()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print(f"\nwritten: {RESULTS}")


if __name__ == "__main__":
    main()
