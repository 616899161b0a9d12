"""The roster import's figures for `make bench`, in a fresh database of their own.

    python -m bench.roster_run 100000     # prints one JSON line

DATABASE_URL names the bench database (e.g. qc_bench); this process works in `qc_bench_roster`,
created empty for the run (a previous one is dropped only if the bench made it: it carries the
bench_roster marker table), because the import's targets are for a fresh archive. The timing itself
belongs to bench/roster_bench.py (the roster import's owners); this module only calls it.
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit, urlunsplit

from . import env

MARKER = "bench_roster"


def roster_database_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_roster"
    return urlunsplit(parts._replace(path="/" + name)), name


def fresh_database(url: str, name: str) -> None:
    """Drop (if the bench made it) and create the roster database."""
    import psycopg

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(url) as target:
                made_by_bench = target.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER]).fetchone()[0]
            if not made_by_bench:
                raise env.BenchRefused(f"database {name} exists and was not made by the bench; not touching it")
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def roster_figures(rows: int) -> dict:
    """The roster import's own benchmark (new, then re-imported unchanged), with django-import-export
    beside it (per row, on the first rows of the same file) when bench/roster_bench.py has it."""
    from . import roster_bench

    figures = roster_bench.roster_benchmark(rows=rows)
    compare = getattr(roster_bench, "import_export_benchmark", None)
    if "import_export" not in figures and compare is not None:
        figures["import_export"] = compare(rows=min(rows, 5_000))
    return figures


def main(argv: list[str]) -> None:
    rows = int(argv[0]) if argv else 100_000
    url, name = roster_database_url(env.require_postgresql_url())
    fresh_database(url, name)
    os.environ["DATABASE_URL"] = url
    env.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (made_at timestamptz DEFAULT now())")
    figures = roster_figures(rows)
    print(json.dumps({"database": name, **figures}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
